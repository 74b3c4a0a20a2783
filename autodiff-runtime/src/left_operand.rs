//! The left operand of `+ - * /` and `powf`: borrowed, or owned when the caller is done with
//! it, and then the result is written into its buffer where it has the result's shape (a
//! bias added to a product: `x.dot(w) + b` allocates one array, as ndarray's `Array + &Array`
//! does).
use crate::{Binary, Scalar};
use ndarray::{Array, ArrayBase, Data, DimMax, Dimension, Zip};

/// The left operand of a binary elementwise function (see the module doc).
///
/// ```
/// use ndarray::array;
/// let (a, b) = (array![[1.0_f64, 2.0], [3.0, 4.0]], array![10.0, 20.0]);
/// let borrowed = autodiff_runtime::add(&a, &b);
/// let owned = autodiff_runtime::add(a, &b); // writes into `a`'s buffer
/// assert_eq!(borrowed, owned);
/// ```
pub trait LeftOperand<R> {
    /// The element type.
    type Elem: Scalar;
    /// The result: a scalar, or an owned array of the broadcast shape.
    type Output;
    /// `f(a, b)` elementwise, with NumPy broadcasting; `op` names the operation in panics.
    fn map2_into(
        self,
        rhs: &R,
        op: &str,
        f: impl Fn(Self::Elem, Self::Elem) -> Self::Elem,
    ) -> Self::Output;
}

impl<L: Binary<R>, R> LeftOperand<R> for &L {
    type Elem = L::Elem;
    type Output = L::Output;
    #[track_caller]
    #[inline]
    fn map2_into(self, rhs: &R, op: &str, f: impl Fn(L::Elem, L::Elem) -> L::Elem) -> L::Output {
        self.map2(rhs, op, f)
    }
}

macro_rules! scalar_left_operand {
    ($($({$($g:tt)*})? $t:ty),*) => {$(
        impl<R, $($($g)*)?> LeftOperand<R> for $t
        where
            $t: Binary<R, Elem = $t>,
        {
            type Elem = $t;
            type Output = <$t as Binary<R>>::Output;
            #[track_caller]
            #[inline]
            fn map2_into(self, rhs: &R, op: &str, f: impl Fn($t, $t) -> $t) -> Self::Output {
                self.map2(rhs, op, f)
            }
        }
    )*};
}
scalar_left_operand!(f32, f64, {A: Scalar} crate::Dual<A>);

// owned array x scalar: always in place.
impl<A: Scalar, D: Dimension> LeftOperand<A> for Array<A, D> {
    type Elem = A;
    type Output = Array<A, D>;
    #[inline]
    fn map2_into(mut self, rhs: &A, _op: &str, f: impl Fn(A, A) -> A) -> Array<A, D> {
        let b = *rhs;
        self.mapv_inplace(|a| f(a, b));
        self
    }
}

// owned array x array: in place where the right operand broadcasts to the left's shape.
impl<A, S2, D1, D2> LeftOperand<ArrayBase<S2, D2>> for Array<A, D1>
where
    A: Scalar,
    S2: Data<Elem = A>,
    D1: Dimension + DimMax<D2>,
    D2: Dimension,
{
    type Elem = A;
    type Output = Array<A, <D1 as DimMax<D2>>::Output>;
    #[track_caller]
    fn map2_into(
        mut self,
        rhs: &ArrayBase<S2, D2>,
        op: &str,
        f: impl Fn(A, A) -> A,
    ) -> Self::Output {
        let Some(b) = rhs.broadcast(self.raw_dim()) else {
            return self.map2(rhs, op, f);
        };
        Zip::from(&mut self).and(&b).for_each(|a, &b| *a = f(*a, b));
        // The result has the left operand's shape, hence its number of axes.
        match self.into_dimensionality() {
            Ok(out) => out,
            Err(e) => panic!("{op}: internal error: a broadcast result changed its rank ({e})"),
        }
    }
}
