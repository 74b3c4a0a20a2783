//! Elementwise functions of one argument, on scalars and arrays alike (the methods
//! `ln exp sin cos tan tanh sqrt abs powi`, plus `sigmoid` and `relu`).
//!
//! Each rule is one line of the table below: forward `|x| ...`, then the VJP with what it
//! reads, `(x)` the input or `(y)` the forward output (reused, never recomputed), and the
//! output's adjoint `g`: `|x, g| ...` or `|y, g| ...`. A VJP that reads only `y` lets the
//! forward write its result into its input's buffer where nothing else reads the input.
use crate::{Cotangent, Operand, Scalar, Value};
use num_traits::{Float, One, Zero};

macro_rules! unary_rules {
    ($(
        $(#[$doc:meta])*
        $name:ident, $vjp:ident($reads:ident), $calc:literal:
            |$x:ident| $fwd:expr,
            |$vv:pat_param, $vg:pat_param| $back:expr;
    )*) => {$(
        $(#[$doc])*
        ///
        /// Elementwise on arrays (owned or views), or on an `f32` / `f64` scalar; an owned
        /// array is mapped in place ([`Operand`]).
        ///
        /// ```
        #[doc = concat!("let y = autodiff_runtime::", stringify!($name), "(&0.5_f64);")]
        /// assert!(y.is_finite());
        #[doc = concat!("let a = autodiff_runtime::", stringify!($name), "(&ndarray::array![0.25_f32, 0.5]);")]
        /// assert_eq!(a.len(), 2);
        /// ```
        pub fn $name<X: Operand>(x: X) -> X::Owned {
            x.map_into(|$x| $fwd)
        }

        #[doc = concat!("VJP of [`", stringify!($name), "`]: ", $calc, ".")]
        ///
        #[doc = concat!("Reads `", stringify!($reads), "` and the output's adjoint `g`, by reference or by value to write the result into its buffer ([`Cotangent`]).")]
        ///
        #[doc = concat!("**Panics** if `g` does not have the shape of `", stringify!($reads), "`.")]
        #[track_caller]
        pub fn $vjp<'g, T: Value>($reads: &T, g: impl Cotangent<'g, T::Owned>) -> T::Owned
        where
            T::Owned: 'g,
        {
            $reads.zip_elems(stringify!($name), g.into_cow(), |$vv, $vg| $back)
        }
    )*};
}

fn two<A: Scalar>() -> A {
    A::one() + A::one()
}

unary_rules! {
    /// An owned copy (`x.to_owned()`, `x.clone()`).
    to_owned, to_owned_vjp(y), "y = x; dx += g": |x| x, |_, g| g;
    /// Natural logarithm (f64 semantics: `ln 0 = -inf`, negative inputs give NaN).
    ln, ln_vjp(x), "y = ln x; dx += g / x": |x| x.ln(), |x, g| g / x;
    /// `e^x`.
    exp, exp_vjp(y), "y = e^x; dx += g * y": |x| x.exp(), |y, g| g * y;
    /// Sine.
    sin, sin_vjp(x), "y = sin x; dx += g * cos x": |x| x.sin(), |x, g| g * x.cos();
    /// Cosine.
    cos, cos_vjp(x), "y = cos x; dx -= g * sin x": |x| x.cos(), |x, g| -g * x.sin();
    /// Tangent.
    tan, tan_vjp(y), "y = tan x; dx += g * (1 + y^2)": |x| x.tan(), |y, g| g * (y * y + One::one());
    /// Hyperbolic tangent.
    tanh, tanh_vjp(y), "y = tanh x; dx += g * (1 - y^2)": |x| x.tanh(), |y, g| g * (<T::Elem as One>::one() - y * y);
    /// Square root (f64 semantics: `sqrt 0 = 0` with an infinite derivative, negative inputs give NaN).
    sqrt, sqrt_vjp(y), "y = sqrt x; dx += g / (2 y)": |x| x.sqrt(), |y, g| g / (two::<T::Elem>() * y);
    /// Absolute value (the derivative at 0 is taken as 0).
    abs, abs_vjp(x), "y = |x|; dx += g * sign(x), 0 at x = 0": |x| x.abs(),
        |x, g| if x > Zero::zero() { g } else if x < Zero::zero() { -g } else { Zero::zero() };
    /// The logistic sigmoid `1 / (1 + e^-x)`, computed without overflow for any `x`.
    sigmoid, sigmoid_vjp(y), "y = s(x); dx += g * y * (1 - y)": |x| stable_sigmoid(x),
        |y, g| g * y * (<T::Elem as One>::one() - y);
    /// Rectified linear unit `max(x, 0)` (the derivative at 0 is taken as 0).
    relu, relu_vjp(y), "y = max(x, 0); dx += g if y > 0 (x > 0 exactly when y > 0)":
        |x| if x > Zero::zero() { x } else { Zero::zero() },
        |y, g| if y > Zero::zero() { g } else { Zero::zero() };
}

/// `1 / (1 + e^-x)`: finite for every `x` in IEEE arithmetic (`e^-x` overflows to `inf` for
/// very negative `x`, giving exactly 0), and branch-free so it vectorises.
fn stable_sigmoid<A: Scalar>(x: A) -> A {
    A::one() / (A::one() + (-x).exp())
}

/// `x.powi(n)`: integer power, elementwise (`n` is data, not differentiated); an owned array
/// is mapped in place ([`Operand`]).
///
/// ```
/// assert_eq!(autodiff_runtime::powi(&3.0_f64, 2), 9.0);
/// ```
pub fn powi<X: Operand>(x: X, n: i32) -> X::Owned {
    x.map_into(|v| v.powi(n))
}

/// VJP of [`powi`]: y = x^n; dx += g * n * x^(n-1). Reads `x`; `g` by reference or by value
/// ([`Cotangent`]).
#[track_caller]
pub fn powi_vjp<'g, T: Value>(x: &T, n: i32, g: impl Cotangent<'g, T::Owned>) -> T::Owned
where
    T::Owned: 'g,
{
    let nf = <T::Elem as Scalar>::of_f64(f64::from(n));
    x.zip_elems("powi", g.into_cow(), |x, g| {
        if n == 0 {
            Zero::zero()
        } else {
            g * nf * x.powi(n - 1)
        }
    })
}
