//! Loops that only add into one scalar, `total += term(i)`: the generated code runs each
//! iteration's VJPs with the seed `1` inside the forward loop and sums them, then multiplies
//! the sums by the adjoint `g` of `total` (the VJPs are linear in their seed, and `g` reaches
//! every iteration unchanged). One pass over the loop instead of a forward and a reverse one.
use crate::Scalar;
use ndarray::{Array, Dimension};

/// The value `1` of a scalar's type: the seed of a loop's unit sweep. Only scalars have one
/// (an array `total` is not a reduction the macro runs in one pass).
///
/// ```
/// assert_eq!(autodiff_runtime::one_like(&2.5_f32), 1.0_f32);
/// ```
#[inline]
pub fn one_like<A: Scalar>(_value: &A) -> A {
    A::one()
}

/// A sum of unit-seed contributions that a scalar adjoint scales.
pub trait Scaled<A> {
    /// `self * by`, reusing `self`'s storage.
    fn scaled(self, by: A) -> Self;
}

macro_rules! scalar_scaled {
    ($($({$($g:tt)*})? $t:ty),*) => {$(
        impl<$($($g)*)?> Scaled<$t> for $t {
            #[inline]
            fn scaled(self, by: $t) -> $t {
                self * by
            }
        }
    )*};
}
scalar_scaled!(f32, f64, {A: Scalar} crate::Dual<A>);

impl<A: Scalar, D: Dimension> Scaled<A> for Array<A, D> {
    #[inline]
    fn scaled(mut self, by: A) -> Self {
        // The usual seed of a `_grad`: nothing to do.
        if by != A::one() {
            self.mapv_inplace(|v| v * by);
        }
        self
    }
}

/// The sum `s` of a loop's unit-seed contributions to one value, scaled by the adjoint `g`
/// of the loop's result: that value's adjoint from the whole loop.
///
/// ```
/// use ndarray::array;
/// let s = array![1.0, -2.0];
/// assert_eq!(autodiff_runtime::scaled(s, &3.0), array![3.0, -6.0]);
/// assert_eq!(autodiff_runtime::scaled(0.5_f64, &4.0), 2.0);
/// ```
#[inline]
pub fn scaled<A: Scalar, T: Scaled<A>>(s: T, g: &A) -> T {
    s.scaled(*g)
}
