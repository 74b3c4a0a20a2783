//! Elementwise functions of one argument, on scalars and arrays alike (the methods
//! `ln exp sin cos tan tanh sqrt abs powi`, `ln_1p exp_m1 log2 log10 recip sinh cosh asin
//! acos atan cbrt`, plus `sigmoid`, `relu` and `square`, a value times itself).
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

/// Fused trigonometric rules: the saving forward gives `(f x, h x)` in one pass (one `sincos`
/// for a number), `h x` being what the VJP reads, and the saved VJP multiplies the cotangent
/// by `±h x`. Used where the value needs a gradient: the reverse sweep then evaluates no
/// trigonometric function, and the `sin` and `cos` of one number are one `sincos`.
/// `$check`: the saved VJP at x = 0.5 with g = 2, for its doctest.
macro_rules! fused_trig {
    ($($f:ident, $saving:ident, $saved_vjp:ident, $h:ident, $calc:literal, $check:literal: |$hv:ident, $g:ident| $back:expr;)*) => {$(
        #[doc = concat!("[`", stringify!($f), "`] and what its VJP reads, in one pass: `(", stringify!($f), " x, ", stringify!($h), " x)`.")]
        ///
        /// ```
        #[doc = concat!("let (y, saved) = autodiff_runtime::", stringify!($saving), "(&0.5_f64);")]
        #[doc = concat!("assert_eq!((y, saved), (0.5_f64.", stringify!($f), "(), 0.5_f64.", stringify!($h), "()));")]
        /// ```
        #[inline]
        pub fn $saving<X: Operand>(x: X) -> (X::Owned, X::Owned) {
            x.map_pair_into(|v| (v.$f(), v.$h()))
        }

        #[doc = concat!($calc, ", `", stringify!($h), " x` from [`", stringify!($saving), "`].")]
        ///
        /// **Panics** if `g` does not have the shape of `x`.
        ///
        /// ```
        #[doc = concat!("let (_, saved) = autodiff_runtime::", stringify!($saving), "(&0.5_f64);")]
        #[doc = concat!("assert_eq!(autodiff_runtime::", stringify!($saved_vjp), "(saved, &2.0), ", $check, ");")]
        /// ```
        #[track_caller]
        #[inline]
        pub fn $saved_vjp<'g, T: Value>(saved: T, g: impl Cotangent<'g, T::Owned>) -> T::Owned
        where
            T::Owned: 'g,
        {
            saved.zip_elems(stringify!($f), g.into_cow(), |$hv, $g| $back)
        }
    )*};
}

fused_trig! {
    // y = sin x; dx += g cos x
    sin, sin_saving, sin_saved_vjp, cos, "y = sin x; dx += g * cos x", "2.0 * 0.5_f64.cos()": |c, g| g * c;
    // y = cos x; dx -= g sin x
    cos, cos_saving, cos_saved_vjp, sin, "y = cos x; dx -= g * sin x", "-2.0 * 0.5_f64.sin()": |s, g| -g * s;
}

fn two<A: Scalar>() -> A {
    A::one() + A::one()
}

unary_rules! {
    /// An owned copy (`x.to_owned()`, `x.clone()`).
    to_owned, to_owned_vjp(y), "y = x; dx += g": |x| x, |_, g| g;
    /// A value times itself, `x * x` (what the macro makes of `&d * &d`).
    square, square_vjp(x), "y = x^2; dx += 2 g x": |x| x * x, |x, g| g * two::<T::Elem>() * x;
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
    /// `ln(1 + x)`, accurate near 0.
    ln_1p, ln_1p_vjp(x), "y = ln(1 + x); dx += g / (1 + x)": |x| x.ln_1p(),
        |x, g| g / (<T::Elem as One>::one() + x);
    /// `e^x - 1`, accurate near 0.
    exp_m1, exp_m1_vjp(y), "y = e^x - 1; dx += g * (y + 1)": |x| x.exp_m1(),
        |y, g| g * (y + <T::Elem as One>::one());
    /// Base-2 logarithm.
    log2, log2_vjp(x), "y = log2 x; dx += g / (x ln 2)": |x| x.log2(),
        |x, g| g / (x * <T::Elem as Scalar>::of_f64(std::f64::consts::LN_2));
    /// Base-10 logarithm.
    log10, log10_vjp(x), "y = log10 x; dx += g / (x ln 10)": |x| x.log10(),
        |x, g| g / (x * <T::Elem as Scalar>::of_f64(std::f64::consts::LN_10));
    /// `1 / x`.
    recip, recip_vjp(y), "y = 1 / x; dx -= g * y^2": |x| x.recip(), |y, g| -(g * y * y);
    /// Hyperbolic sine.
    sinh, sinh_vjp(x), "y = sinh x; dx += g * cosh x": |x| x.sinh(), |x, g| g * x.cosh();
    /// Hyperbolic cosine.
    cosh, cosh_vjp(x), "y = cosh x; dx += g * sinh x": |x| x.cosh(), |x, g| g * x.sinh();
    /// Arcsine (NaN outside [-1, 1]; the derivative is infinite at ±1).
    asin, asin_vjp(x), "y = asin x; dx += g / sqrt(1 - x^2)": |x| x.asin(),
        |x, g| g / (<T::Elem as One>::one() - x * x).sqrt();
    /// Arccosine (NaN outside [-1, 1]; the derivative is infinite at ±1).
    acos, acos_vjp(x), "y = acos x; dx -= g / sqrt(1 - x^2)": |x| x.acos(),
        |x, g| -(g / (<T::Elem as One>::one() - x * x).sqrt());
    /// Arctangent.
    atan, atan_vjp(x), "y = atan x; dx += g / (1 + x^2)": |x| x.atan(),
        |x, g| g / (<T::Elem as One>::one() + x * x);
    /// Cube root (defined for negative `x`; the derivative is infinite at 0).
    cbrt, cbrt_vjp(y), "y = x^(1/3); dx += g / (3 y^2)": |x| x.cbrt(),
        |y, g| g / (<T::Elem as Scalar>::of_f64(3.0) * y * y);
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
