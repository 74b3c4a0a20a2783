//! Dual numbers `re + eps·ε` (`ε² = 0`): forward-mode derivatives carried through any code
//! generic over [`Scalar`] or [`Float`](crate::Float).
//!
//! Every operation on a [`Dual`] computes its value from the `re` parts and its tangent by
//! the chain rule on the `eps` parts, so `f(Dual::new(x, v)).eps` is the directional
//! derivative `f'(x)·v`. Comparisons, rounding and classification look at `re` alone.
//!
//! Split by job: this file holds the type, arithmetic, formatting and the ndarray and
//! runtime scalar traits; `num.rs` the `num_traits` conversions and identities; `float.rs`
//! the `num_traits::Float` rule table; `gemm.rs` the matrix product on three `A` products.
use crate::Scalar;
use std::fmt;
use std::iter::{Product, Sum};
use std::ops::{
    Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, RemAssign, Sub, SubAssign,
};

mod float;
mod gemm;
mod num;

/// A dual number `re + eps·ε` with `ε² = 0`: a value and its tangent (a directional
/// derivative), propagated together by every operation.
///
/// `Dual<f32>` and `Dual<f64>` (and duals of duals) are [`Scalar`]s and
/// [`Float`](crate::Float)s, so code generic over `T: Float` computes a forward-mode
/// derivative when run with `T = Dual<f64>`:
///
/// ```
/// use autodiff_runtime::{Dual, Float};
///
/// fn f<T: Float>(x: T) -> T {
///     x.sin() * x
/// }
/// let y = f(Dual::new(2.0_f64, 1.0));
/// assert_eq!(y.re, 2.0_f64.sin() * 2.0);
/// assert!((y.eps - (2.0_f64.cos() * 2.0 + 2.0_f64.sin())).abs() < 1e-15);
/// ```
///
/// Arrays of duals work with every runtime operation; a matrix product of dual matrices runs
/// as three `f64` products ([`Scalar::gemm`]):
///
/// ```
/// use autodiff_runtime::{matmul, sigmoid, Dual};
/// use ndarray::array;
///
/// // x along the tangent v: d/dt sigmoid((x + t v) w) at t = 0.
/// let x = array![[1.0_f64, 2.0]].mapv(|x| Dual::new(x, 1.0));
/// let w = array![[0.5], [-0.25]].mapv(Dual::constant);
/// let y = sigmoid(&matmul(&x, &w));
/// let s = 1.0 / (1.0 + (-0.0_f64).exp()); // sigmoid(1·0.5 + 2·(-0.25)) = sigmoid(0)
/// assert_eq!(y[[0, 0]].re, s);
/// assert_eq!(y[[0, 0]].eps, s * (1.0 - s) * (0.5 - 0.25));
/// ```
///
/// `==` (derived) compares both parts; `<`, `>`, `max` and `min` compare `re` alone. There is
/// no arithmetic or comparison with a bare `A` (`x * 2.0`): generic code writes constants as
/// [`lit`](crate::lit)`::<T>(2.0)`, which a second impl would make ambiguous.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Dual<A> {
    /// The value.
    pub re: A,
    /// The tangent: the derivative of the value along the seeded direction.
    pub eps: A,
}

impl<A> Dual<A> {
    /// The dual number `re + eps·ε`.
    ///
    /// ```
    /// let x = autodiff_runtime::Dual::new(3.0_f64, 1.0);
    /// assert_eq!((x * x).eps, 6.0);
    /// ```
    #[inline]
    pub const fn new(re: A, eps: A) -> Self {
        Dual { re, eps }
    }
}

impl<A: Scalar> Dual<A> {
    /// A constant: the value `re` with a zero tangent.
    ///
    /// ```
    /// let c = autodiff_runtime::Dual::constant(2.5_f32);
    /// assert_eq!((c.re, c.eps), (2.5, 0.0));
    /// ```
    #[inline]
    pub fn constant(re: A) -> Self {
        Dual { re, eps: A::zero() }
    }

    /// `f(re)` with the tangent `eps·f'(re)`, the derivative given by `df` (not evaluated
    /// for a zero tangent, so that a constant through a singular point stays finite).
    #[inline]
    pub(crate) fn chain(self, y: A, df: impl FnOnce() -> A) -> Self {
        let eps = if self.eps.is_zero() {
            A::zero()
        } else {
            self.eps * df()
        };
        Dual::new(y, eps)
    }
}

/// A constant (zero tangent).
///
/// ```
/// use autodiff_runtime::Dual;
/// assert_eq!(Dual::from(2.0_f64), Dual::new(2.0, 0.0));
/// ```
impl<A: Scalar> From<A> for Dual<A> {
    #[inline]
    fn from(re: A) -> Self {
        Dual::constant(re)
    }
}

// ---- arithmetic: one rule per operator, then the by-reference and assigning forms ----

/// `impl Op<Dual> for Dual` from a rule `|a, b| (re, eps)`, plus `&Dual` operands and `OpAssign`.
macro_rules! binary_op {
    ($($op:ident::$f:ident, $op_assign:ident::$f_assign:ident, $calc:literal: |$a:ident, $b:ident| $rule:expr;)*) => {$(
        #[doc = $calc]
        impl<A: Scalar> $op for Dual<A> {
            type Output = Dual<A>;
            #[inline]
            fn $f(self, rhs: Dual<A>) -> Dual<A> {
                let ($a, $b) = (self, rhs);
                $rule
            }
        }
        impl<A: Scalar> $op<&Dual<A>> for Dual<A> {
            type Output = Dual<A>;
            #[inline]
            fn $f(self, rhs: &Dual<A>) -> Dual<A> {
                $op::$f(self, *rhs)
            }
        }
        impl<A: Scalar> $op<Dual<A>> for &Dual<A> {
            type Output = Dual<A>;
            #[inline]
            fn $f(self, rhs: Dual<A>) -> Dual<A> {
                $op::$f(*self, rhs)
            }
        }
        impl<A: Scalar> $op<&Dual<A>> for &Dual<A> {
            type Output = Dual<A>;
            #[inline]
            fn $f(self, rhs: &Dual<A>) -> Dual<A> {
                $op::$f(*self, *rhs)
            }
        }
        impl<A: Scalar> $op_assign for Dual<A> {
            #[inline]
            fn $f_assign(&mut self, rhs: Dual<A>) {
                *self = $op::$f(*self, rhs);
            }
        }
        impl<A: Scalar> $op_assign<&Dual<A>> for Dual<A> {
            #[inline]
            fn $f_assign(&mut self, rhs: &Dual<A>) {
                *self = $op::$f(*self, *rhs);
            }
        }
    )*};
}

binary_op! {
    Add::add, AddAssign::add_assign, "y = a + b; dy = da + db":
        |a, b| Dual::new(a.re + b.re, a.eps + b.eps);
    Sub::sub, SubAssign::sub_assign, "y = a - b; dy = da - db":
        |a, b| Dual::new(a.re - b.re, a.eps - b.eps);
    Mul::mul, MulAssign::mul_assign, "y = a b; dy = da b + a db":
        |a, b| Dual::new(a.re * b.re, a.eps * b.re + a.re * b.eps);
    Div::div, DivAssign::div_assign, "y = a / b; dy = (da - y db) / b":
        |a, b| {
            let y = a.re / b.re;
            Dual::new(y, (a.eps - y * b.eps) / b.re)
        };
    Rem::rem, RemAssign::rem_assign, "y = a % b = a - b trunc(a / b); dy = da - db trunc(a / b)":
        |a, b| Dual::new(a.re % b.re, a.eps - b.eps * (a.re / b.re).trunc());
}

/// y = -a; dy = -da.
impl<A: Scalar> Neg for Dual<A> {
    type Output = Dual<A>;
    #[inline]
    fn neg(self) -> Dual<A> {
        Dual::new(-self.re, -self.eps)
    }
}

/// y = -a; dy = -da.
impl<A: Scalar> Neg for &Dual<A> {
    type Output = Dual<A>;
    #[inline]
    fn neg(self) -> Dual<A> {
        -*self
    }
}

/// Ordered by `re` alone (a tangent does not change where a value lies).
///
/// ```
/// use autodiff_runtime::Dual;
/// assert!(Dual::new(1.0_f64, 5.0) < Dual::new(2.0, -5.0));
/// assert!(Dual::new(1.0_f64, 5.0) > Dual::constant(0.0));
/// ```
impl<A: Scalar> PartialOrd for Dual<A> {
    #[inline]
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        self.re.partial_cmp(&other.re)
    }
}

/// The sum, value and tangent alike.
impl<A: Scalar> Sum for Dual<A> {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Dual::constant(A::zero()), Add::add)
    }
}

/// The sum, value and tangent alike.
impl<'a, A: Scalar> Sum<&'a Dual<A>> for Dual<A> {
    fn sum<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.fold(Dual::constant(A::zero()), Add::add)
    }
}

/// The product, its tangent by the product rule.
impl<A: Scalar> Product for Dual<A> {
    fn product<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Dual::constant(A::one()), Mul::mul)
    }
}

/// The product, its tangent by the product rule.
impl<'a, A: Scalar> Product<&'a Dual<A>> for Dual<A> {
    fn product<I: Iterator<Item = &'a Self>>(iter: I) -> Self {
        iter.fold(Dual::constant(A::one()), Mul::mul)
    }
}

// ---- formatting: the value, as `A` formats it (`{:?}` shows both parts) ----

macro_rules! format_re {
    ($($trait:ident),*) => {$(
        /// Formats `re` (with the formatter's flags); the tangent is not shown.
        impl<A: fmt::$trait> fmt::$trait for Dual<A> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::$trait::fmt(&self.re, f)
            }
        }
    )*};
}
format_re!(Display, LowerExp, UpperExp);

// ---- ndarray and the runtime's scalar trait ----

impl<A: Scalar> ndarray::ScalarOperand for Dual<A> {}
impl<A: Scalar> ndarray::NdFloat for Dual<A> {}

/// Dual numbers over `f32`/`f64` (and over duals): constants convert with a zero tangent, and
/// matrix products run as three products of `A` matrices ([`Scalar::gemm`]).
impl<A: Scalar> Scalar for Dual<A> {
    /// A constant: `v` with a zero tangent.
    #[inline]
    fn of_f64(v: f64) -> Self {
        Dual::constant(A::of_f64(v))
    }
    /// The value `re` (the tangent is dropped).
    #[inline]
    fn as_f64(self) -> f64 {
        self.re.as_f64()
    }
    #[inline]
    fn gemm(
        a: &ndarray::ArrayView2<'_, Self>,
        b: &ndarray::ArrayView2<'_, Self>,
    ) -> ndarray::Array2<Self> {
        gemm::gemm(a, b)
    }
    #[inline]
    fn gemm_into(
        a: &ndarray::ArrayView2<'_, Self>,
        b: &ndarray::ArrayView2<'_, Self>,
        c: &mut ndarray::ArrayViewMut2<'_, Self>,
    ) {
        c.assign(&gemm::gemm(a, b));
    }
}

impl<A: crate::Float> crate::Float for Dual<A> {}

#[cfg(test)]
mod tests {
    use super::Dual;

    #[test]
    fn arithmetic_rules() {
        let (a, b) = (Dual::new(3.0_f64, 0.5), Dual::new(-2.0, 0.25));
        assert_eq!(a + b, Dual::new(1.0, 0.75));
        assert_eq!(a - b, Dual::new(5.0, 0.25));
        assert_eq!(a * b, Dual::new(-6.0, 0.5 * -2.0 + 3.0 * 0.25));
        assert_eq!(a / b, Dual::new(-1.5, (0.5 + 1.5 * 0.25) / -2.0));
        assert_eq!(-a, Dual::new(-3.0, -0.5));
        let mut c = a;
        c *= b;
        c += &a;
        assert_eq!(c, a * b + a);
    }

    #[test]
    fn order_and_format_see_re() {
        let (a, b) = (Dual::new(1.0_f64, 9.0), Dual::new(1.0, -9.0));
        assert_ne!(a, b);
        assert_eq!(a.partial_cmp(&b), Some(std::cmp::Ordering::Equal));
        assert_eq!(format!("{:.2} {:e}", a, b), "1.00 1e0");
    }
}
