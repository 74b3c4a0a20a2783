//! Elementwise functions of one argument, on scalars and arrays alike (the methods
//! `ln exp sin cos tan tanh sqrt abs powi`, plus `sigmoid` and `relu`).
//!
//! Each rule is one line of the table below: forward `|x| ...`, VJP `|x, y, g| ...` where `y` is
//! the forward output (reused, never recomputed) and `g` the output's adjoint.
use crate::{Cotangent, Scalar, Value};
use num_traits::{Float, One, Zero};

macro_rules! unary_rules {
    ($(
        $(#[$doc:meta])*
        $name:ident, $vjp:ident, $calc:literal:
            |$x:ident| $fwd:expr,
            |$vx:pat_param, $vy:pat_param, $vg:pat_param| $back:expr;
    )*) => {$(
        $(#[$doc])*
        ///
        /// Elementwise on arrays (owned or views), or on an `f32` / `f64` scalar.
        ///
        /// ```
        #[doc = concat!("let y = autodiff_runtime::", stringify!($name), "(&0.5_f64);")]
        /// assert!(y.is_finite());
        #[doc = concat!("let a = autodiff_runtime::", stringify!($name), "(&ndarray::array![0.25_f32, 0.5]);")]
        /// assert_eq!(a.len(), 2);
        /// ```
        pub fn $name<T: Value>(x: &T) -> T::Owned {
            x.map_elems(|$x| $fwd)
        }

        #[doc = concat!("VJP of [`", stringify!($name), "`]: ", $calc, ".")]
        ///
        /// `g` by reference, or by value to write the result into its buffer ([`Cotangent`]).
        ///
        /// **Panics** if `y` or `g` does not have the shape of `x`.
        #[track_caller]
        pub fn $vjp<'g, T: Value>(x: &T, y: &T::Owned, g: impl Cotangent<'g, T::Owned>) -> T::Owned
        where
            T::Owned: 'g,
        {
            x.zip_elems(stringify!($name), y, g.into_cow(), |$vx, $vy, $vg| $back)
        }
    )*};
}

fn two<A: Scalar>() -> A {
    A::one() + A::one()
}

unary_rules! {
    /// An owned copy (`x.to_owned()`, `x.clone()`).
    to_owned, to_owned_vjp, "y = x; dx += g": |x| x, |_, _, g| g;
    /// Natural logarithm (f64 semantics: `ln 0 = -inf`, negative inputs give NaN).
    ln, ln_vjp, "y = ln x; dx += g / x": |x| x.ln(), |x, _, g| g / x;
    /// `e^x`.
    exp, exp_vjp, "y = e^x; dx += g * y": |x| x.exp(), |_, y, g| g * y;
    /// Sine.
    sin, sin_vjp, "y = sin x; dx += g * cos x": |x| x.sin(), |x, _, g| g * x.cos();
    /// Cosine.
    cos, cos_vjp, "y = cos x; dx -= g * sin x": |x| x.cos(), |x, _, g| -g * x.sin();
    /// Tangent.
    tan, tan_vjp, "y = tan x; dx += g * (1 + y^2)": |x| x.tan(), |_, y, g| g * (y * y + One::one());
    /// Hyperbolic tangent.
    tanh, tanh_vjp, "y = tanh x; dx += g * (1 - y^2)": |x| x.tanh(), |_, y, g| g * (<T::Elem as One>::one() - y * y);
    /// Square root (f64 semantics: `sqrt 0 = 0` with an infinite derivative, negative inputs give NaN).
    sqrt, sqrt_vjp, "y = sqrt x; dx += g / (2 y)": |x| x.sqrt(), |_, y, g| g / (two::<T::Elem>() * y);
    /// Absolute value (the derivative at 0 is taken as 0).
    abs, abs_vjp, "y = |x|; dx += g * sign(x), 0 at x = 0": |x| x.abs(),
        |x, _, g| if x > Zero::zero() { g } else if x < Zero::zero() { -g } else { Zero::zero() };
    /// The logistic sigmoid `1 / (1 + e^-x)`, computed without overflow for any `x`.
    sigmoid, sigmoid_vjp, "y = s(x); dx += g * y * (1 - y)": |x| stable_sigmoid(x),
        |_, y, g| g * y * (<T::Elem as One>::one() - y);
    /// Rectified linear unit `max(x, 0)` (the derivative at 0 is taken as 0).
    relu, relu_vjp, "y = max(x, 0); dx += g if x > 0": |x| if x > Zero::zero() { x } else { Zero::zero() },
        |x, _, g| if x > Zero::zero() { g } else { Zero::zero() };
}

/// `1 / (1 + e^-x)`: finite for every `x` in IEEE arithmetic (`e^-x` overflows to `inf` for
/// very negative `x`, giving exactly 0), and branch-free so it vectorises.
fn stable_sigmoid<A: Scalar>(x: A) -> A {
    A::one() / (A::one() + (-x).exp())
}

/// `x.powi(n)`: integer power, elementwise (`n` is data, not differentiated).
///
/// ```
/// assert_eq!(autodiff_runtime::powi(&3.0_f64, 2), 9.0);
/// ```
pub fn powi<T: Value>(x: &T, n: i32) -> T::Owned {
    x.map_elems(|v| v.powi(n))
}

/// VJP of [`powi`]: y = x^n; dx += g * n * x^(n-1). `g` by reference or by value
/// ([`Cotangent`]).
#[track_caller]
pub fn powi_vjp<'g, T: Value>(
    x: &T,
    n: i32,
    y: &T::Owned,
    g: impl Cotangent<'g, T::Owned>,
) -> T::Owned
where
    T::Owned: 'g,
{
    let nf = <T::Elem as Scalar>::of_f64(f64::from(n));
    x.zip_elems("powi", y, g.into_cow(), |x, _, g| {
        if n == 0 {
            Zero::zero()
        } else {
            g * nf * x.powi(n - 1)
        }
    })
}
