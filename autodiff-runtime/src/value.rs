//! The kinds of values a differentiated body works with, and adjoint bookkeeping.
use ndarray::{
    Array, Array1, Array2, ArrayBase, ArrayView2, ArrayViewMut2, Data, Dimension, LinalgScalar,
    ScalarOperand, Zip,
};
use num_traits::Float;
use std::borrow::Cow;
use std::fmt::{Debug, Display};
use std::iter::Sum;
use std::ops::{AddAssign, DivAssign, MulAssign, SubAssign};

/// A float element type: `f32`, `f64`, or a [`Dual`](crate::Dual) number over one.
pub trait Scalar:
    Float
    + ScalarOperand
    + LinalgScalar
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Sum
    + Debug
    + Display
    + Default
    + ndarray::NdFloat
    + num_traits::FromPrimitive
    + Send
    + Sync
    + ScalarCotangent<Self>
    + 'static
{
    /// Converts an `f64` constant (for example a finite-difference step) to this type.
    fn of_f64(v: f64) -> Self;
    /// Converts to `f64`, for error reports.
    fn as_f64(self) -> f64;

    /// The matrix product `a · b`: every product of two 2-D arrays in the runtime (`dot`,
    /// `matmul` and their VJPs) goes through it. The default is ndarray's `a.dot(b)`
    /// (`matrixmultiply`, or BLAS with the `blas` feature); [`Dual`](crate::Dual) overrides it
    /// with three products of its parts' matrices instead of ndarray's scalar loop.
    ///
    /// **Panics** if the inner dimensions differ.
    ///
    /// ```
    /// use autodiff_runtime::Scalar;
    /// use ndarray::array;
    /// let (a, b) = (array![[1.0, 2.0]], array![[3.0], [4.0]]);
    /// assert_eq!(f64::gemm(&a.view(), &b.view()), array![[11.0]]);
    /// ```
    #[track_caller]
    fn gemm(a: &ArrayView2<'_, Self>, b: &ArrayView2<'_, Self>) -> Array2<Self> {
        a.dot(b)
    }

    /// [`gemm`](Scalar::gemm) written into `c` (which has the product's shape): the batched
    /// `matmul`'s product of one batch element. The default is ndarray's `general_mat_mul`.
    ///
    /// **Panics** if the shapes do not fit.
    ///
    /// ```
    /// use autodiff_runtime::Scalar;
    /// use ndarray::{array, Array2};
    /// let (a, b) = (array![[1.0, 2.0]], array![[3.0], [4.0]]);
    /// let mut c = Array2::zeros((1, 1));
    /// f64::gemm_into(&a.view(), &b.view(), &mut c.view_mut());
    /// assert_eq!(c, array![[11.0]]);
    /// ```
    #[track_caller]
    fn gemm_into(
        a: &ArrayView2<'_, Self>,
        b: &ArrayView2<'_, Self>,
        c: &mut ArrayViewMut2<'_, Self>,
    ) {
        ndarray::linalg::general_mat_mul(Self::one(), a, b, Self::zero(), c);
    }
}

impl Scalar for f32 {
    fn of_f64(v: f64) -> Self {
        v as f32
    }
    fn as_f64(self) -> f64 {
        f64::from(self)
    }
}

impl Scalar for f64 {
    fn of_f64(v: f64) -> Self {
        v
    }
    fn as_f64(self) -> f64 {
        self
    }
}

/// The value `1` of a float type: the seed of a scalar function's reverse sweep.
///
/// ```
/// let one: f32 = autodiff_runtime::one();
/// assert_eq!(one, 1.0);
/// ```
pub fn one<A: Scalar>() -> A {
    A::one()
}

/// A value on the tape: a float scalar or a float array (owned or a view).
///
/// `Owned` is both the result type of an elementwise operation on it and the type of its
/// adjoint.
pub trait Value {
    /// The element type.
    type Elem: Scalar;
    /// The owned form: the scalar, or `Array<Elem, D>`.
    type Owned: Adjoint + Clone;
    /// Applies `f` to every element.
    fn map_elems(&self, f: impl FnMut(Self::Elem) -> Self::Elem) -> Self::Owned;
    /// Applies `f`, which gives two results, to every element, in one pass: two values of
    /// this shape (a function and its derivative's factor, `sin` and `cos`).
    fn map_pair_elems(
        &self,
        f: impl FnMut(Self::Elem) -> (Self::Elem, Self::Elem),
    ) -> (Self::Owned, Self::Owned);
    /// Elementwise `f(v, g)` over this value and its adjoint's shape (the input or the output
    /// of a unary function, and the output's adjoint in its VJP), written into `g` itself when
    /// it is owned. Panics naming `op` if the shapes differ.
    fn zip_elems(
        &self,
        op: &str,
        g: Cow<'_, Self::Owned>,
        f: impl FnMut(Self::Elem, Self::Elem) -> Self::Elem,
    ) -> Self::Owned;
    /// Zeros of this value's shape: the gradient of a parameter that does not reach the output.
    fn zeros_like(&self) -> Self::Owned;
}

macro_rules! scalar_value {
    ($($({$($g:tt)*})? $t:ty),*) => {$(
        impl<$($($g)*)?> Value for $t {
            type Elem = $t;
            type Owned = $t;
            fn map_elems(&self, mut f: impl FnMut($t) -> $t) -> $t {
                f(*self)
            }
            fn map_pair_elems(&self, mut f: impl FnMut($t) -> ($t, $t)) -> ($t, $t) {
                f(*self)
            }
            fn zip_elems(&self, _op: &str, g: Cow<'_, $t>, mut f: impl FnMut($t, $t) -> $t) -> $t {
                f(*self, *g)
            }
            fn zeros_like(&self) -> $t {
                <$t as num_traits::Zero>::zero()
            }
        }
    )*};
}
scalar_value!(f32, f64, {A: Scalar} crate::Dual<A>);

impl<A: Scalar, S: Data<Elem = A>, D: Dimension> Value for ArrayBase<S, D> {
    type Elem = A;
    type Owned = Array<A, D>;
    fn map_elems(&self, mut f: impl FnMut(A) -> A) -> Array<A, D> {
        self.mapv(&mut f)
    }
    fn map_pair_elems(&self, mut f: impl FnMut(A) -> (A, A)) -> (Array<A, D>, Array<A, D>) {
        let mut second = crate::heap::zeros(self.raw_dim());
        let first = Zip::from(&mut second).and(self).map_collect(|s, &v| {
            let (a, b) = f(v);
            *s = b;
            a
        });
        (first, second)
    }
    #[track_caller]
    fn zip_elems(
        &self,
        op: &str,
        g: Cow<'_, Array<A, D>>,
        f: impl FnMut(A, A) -> A,
    ) -> Array<A, D> {
        assert_same_shape(op, self.shape(), g.shape());
        zip_into(g, self, f)
    }
    #[inline]
    fn zeros_like(&self) -> Array<A, D> {
        Array::zeros(self.raw_dim())
    }
}

/// `f(x, g)` elementwise over `x` and `g` of one shape (checked by the caller), written into
/// `g`'s buffer when the caller is done with it (an owned `g`).
pub(crate) fn zip_into<A: Scalar, S: Data<Elem = A>, D: Dimension>(
    g: Cow<'_, Array<A, D>>,
    x: &ArrayBase<S, D>,
    mut f: impl FnMut(A, A) -> A,
) -> Array<A, D> {
    match g {
        Cow::Owned(mut g) => {
            Zip::from(&mut g).and(x).for_each(|g, &x| *g = f(x, *g));
            g
        }
        Cow::Borrowed(g) => Zip::from(x).and(g).map_collect(|&x, &g| f(x, g)),
    }
}

/// Panics, naming `op`, unless an adjoint has the shape of the value it belongs to.
/// (Compared element by element, inlined: slice `==` calls `memcmp`, which cost LSTM's
/// gradient 5% on its 14-element arrays.)
#[track_caller]
#[inline]
pub(crate) fn assert_same_shape(op: &str, value: &[usize], adjoint: &[usize]) {
    let same = value.len() == adjoint.len() && value.iter().zip(adjoint).all(|(a, b)| a == b);
    if !same {
        shape_mismatch(op, value, adjoint);
    }
}

/// The panic of [`assert_same_shape`] (out of the inlined path).
#[cold]
#[inline(never)]
#[track_caller]
fn shape_mismatch(op: &str, value: &[usize], adjoint: &[usize]) -> ! {
    panic!(
        "{op}: the adjoint has shape {adjoint:?} but the value has shape {value:?} \
         (a `_vjp` seed must have the output's shape)"
    )
}

/// The cotangent a VJP pulls back (its output's adjoint): borrowed, or owned when the caller
/// is done with it. VJPs whose result has the cotangent's shape (elementwise functions,
/// `sum_to`, softmax, transpose) then write the result into its buffer instead of allocating:
/// the generated code passes the last reader of an adjoint `d` as `d`, the others as `&d`.
///
/// ```
/// use ndarray::array;
/// let (x, g) = (array![0.0_f64, 1.0], array![1.0, 1.0]);
/// let y = autodiff_runtime::exp(&x);
/// let borrowed = autodiff_runtime::exp_vjp(&y, &g);
/// let owned = autodiff_runtime::exp_vjp(&y, g); // reuses `g`'s buffer
/// assert_eq!(borrowed, owned);
/// ```
pub trait Cotangent<'a, O: Clone> {
    /// The cotangent, borrowed or owned.
    fn into_cow(self) -> Cow<'a, O>;
    /// The cotangent owned: itself, or a copy of the borrowed one.
    fn into_owned(self) -> O;
}

impl<'a, O: Clone> Cotangent<'a, O> for &'a O {
    #[inline]
    fn into_cow(self) -> Cow<'a, O> {
        Cow::Borrowed(self)
    }
    #[inline]
    fn into_owned(self) -> O {
        self.clone()
    }
}

impl<'a, O: Clone + 'a> Cotangent<'a, O> for O {
    #[inline]
    fn into_cow(self) -> Cow<'a, O> {
        Cow::Owned(self)
    }
    #[inline]
    fn into_owned(self) -> O {
        self
    }
}

/// A scalar cotangent of type `A`, by value or by reference: what the VJP of a reduction to a
/// number (`sum`, `mean`) takes. `A` follows from the argument alone, so `sum_vjp(&x, &g)`
/// needs no annotation (a `Borrow<A>` bound would leave `A` open for `&g`). Its one function
/// is an associated function, not a method: a supertrait of [`Scalar`] whose method would
/// shadow a user's own method of that name in generic code.
///
/// ```
/// use autodiff_runtime::ScalarCotangent;
/// assert_eq!(ScalarCotangent::scalar_cotangent(&2.0_f64), 2.0);
/// assert_eq!(<f32 as ScalarCotangent<f32>>::scalar_cotangent(2.0), 2.0);
/// ```
pub trait ScalarCotangent<A> {
    /// The cotangent itself.
    fn scalar_cotangent(g: Self) -> A;
}

macro_rules! scalar_cotangent {
    ($($({$($g:tt)*})? $t:ty),*) => {$(
        impl<$($($g)*)?> ScalarCotangent<$t> for $t {
            #[inline]
            fn scalar_cotangent(g: $t) -> $t {
                g
            }
        }
    )*};
}
scalar_cotangent!(f32, f64, {A: Scalar} crate::Dual<A>);

impl<A: Scalar> ScalarCotangent<A> for &A {
    #[inline]
    fn scalar_cotangent(g: &A) -> A {
        *g
    }
}

impl<A: Scalar> ScalarCotangent<A> for &&A {
    #[inline]
    fn scalar_cotangent(g: &&A) -> A {
        **g
    }
}

/// The operand of an elementwise function: borrowed, or owned when the caller is done with
/// it. An owned array holds the result in its own buffer (`sigmoid(x.dot(&w))` allocates one
/// array, not two); the generated code passes a value this way where it reads it for the last
/// time.
///
/// ```
/// use ndarray::array;
/// let z = array![0.0_f64, 1.0];
/// let borrowed = autodiff_runtime::sigmoid(&z);
/// let owned = autodiff_runtime::sigmoid(z); // maps `z` in place
/// assert_eq!(borrowed, owned);
/// ```
pub trait Operand {
    /// The element type.
    type Elem: Scalar;
    /// The result: the scalar, or an owned array of the operand's shape.
    type Owned;
    /// Applies `f` to every element, in place when `self` is owned.
    fn map_into(self, f: impl FnMut(Self::Elem) -> Self::Elem) -> Self::Owned;
    /// Applies `f`, which gives two results, to every element in one pass; the first result
    /// in place when `self` is owned.
    fn map_pair_into(
        self,
        f: impl FnMut(Self::Elem) -> (Self::Elem, Self::Elem),
    ) -> (Self::Owned, Self::Owned);
}

impl<T: Value> Operand for &T {
    type Elem = T::Elem;
    type Owned = T::Owned;
    #[inline]
    fn map_into(self, f: impl FnMut(T::Elem) -> T::Elem) -> T::Owned {
        self.map_elems(f)
    }
    #[inline]
    fn map_pair_into(self, f: impl FnMut(T::Elem) -> (T::Elem, T::Elem)) -> (T::Owned, T::Owned) {
        self.map_pair_elems(f)
    }
}

impl<A: Scalar, D: Dimension> Operand for Array<A, D> {
    type Elem = A;
    type Owned = Array<A, D>;
    #[inline]
    fn map_into(self, f: impl FnMut(A) -> A) -> Array<A, D> {
        self.mapv_into(f)
    }
    fn map_pair_into(mut self, mut f: impl FnMut(A) -> (A, A)) -> (Array<A, D>, Array<A, D>) {
        let mut second = crate::heap::zeros(self.raw_dim());
        Zip::from(&mut self).and(&mut second).for_each(|a, s| {
            let (x, y) = f(*a);
            *a = x;
            *s = y;
        });
        (self, second)
    }
}

macro_rules! scalar_operand {
    ($($({$($g:tt)*})? $t:ty),*) => {$(
        impl<$($($g)*)?> Operand for $t {
            type Elem = $t;
            type Owned = $t;
            #[inline]
            fn map_into(self, mut f: impl FnMut($t) -> $t) -> $t {
                f(self)
            }
            #[inline]
            fn map_pair_into(self, mut f: impl FnMut($t) -> ($t, $t)) -> ($t, $t) {
                f(self)
            }
        }
    )*};
}
scalar_operand!(f32, f64, {A: Scalar} crate::Dual<A>);

/// An adjoint: something partial adjoints can be summed into.
pub trait Adjoint {
    /// `self += other`, elementwise. Panics if the shapes differ.
    fn accumulate(&mut self, other: Self);
}

macro_rules! scalar_adjoint {
    ($($({$($g:tt)*})? $t:ty),*) => {$(
        impl<$($($g)*)?> Adjoint for $t {
            fn accumulate(&mut self, other: $t) {
                *self += other;
            }
        }
    )*};
}
scalar_adjoint!(f32, f64, {A: Scalar} crate::Dual<A>);

impl<A: Scalar, D: Dimension> Adjoint for Array<A, D> {
    #[track_caller]
    fn accumulate(&mut self, other: Self) {
        assert_same_shape("accumulate", self.shape(), other.shape());
        Zip::from(self).and(&other).for_each(|s, &o| *s += o);
    }
}

/// A partial adjoint that can be added into a full adjoint: an adjoint itself, or a sparse
/// contribution such as [`IndexGrad`](crate::IndexGrad) (one element read by `x[i]`).
pub trait Contribution {
    /// The full adjoint this adds into.
    type Adjoint;
    /// The full adjoint holding `self` alone (the first write to a slot).
    fn into_adjoint(self) -> Self::Adjoint;
    /// Adds `self` into an adjoint that exists.
    fn add_into(self, adjoint: &mut Self::Adjoint);
    /// Adds `self` into `adjoint`, creating it on first write.
    #[track_caller]
    #[inline]
    fn add_to(self, adjoint: &mut Option<Self::Adjoint>)
    where
        Self: Sized,
    {
        match adjoint {
            Some(full) => self.add_into(full),
            None => *adjoint = Some(self.into_adjoint()),
        }
    }
}

impl<T: Adjoint> Contribution for T {
    type Adjoint = T;
    #[inline]
    fn into_adjoint(self) -> T {
        self
    }
    #[track_caller]
    #[inline]
    fn add_into(self, adjoint: &mut T) {
        adjoint.accumulate(self);
    }
}

/// The gradient a differentiated callee returns for a float-sequence parameter (`Vec<T>`)
/// added into the caller's adjoint of the sequence (a 1-D array).
impl<A: Scalar> Contribution for Vec<A> {
    type Adjoint = Array1<A>;
    fn into_adjoint(self) -> Array1<A> {
        Array1::from(self)
    }
    #[track_caller]
    fn add_into(self, adjoint: &mut Array1<A>) {
        adjoint.accumulate(Array1::from(self));
    }
}

/// The same for a fixed-size array parameter's gradient (`[T; N]`).
impl<A: Scalar, const N: usize> Contribution for [A; N] {
    type Adjoint = Array1<A>;
    fn into_adjoint(self) -> Array1<A> {
        Array1::from(self.to_vec())
    }
    #[track_caller]
    fn add_into(self, adjoint: &mut Array1<A>) {
        adjoint.accumulate(Array1::from(self.to_vec()));
    }
}

/// Adds a partial adjoint into a value's full adjoint, creating it on first write (fan-out:
/// a value used by several consumers gets the sum of their contributions).
///
/// ```
/// let mut d = None;
/// autodiff_runtime::accumulate(&mut d, 1.5_f64);
/// autodiff_runtime::accumulate(&mut d, 2.0);
/// assert_eq!(d, Some(3.5));
/// ```
#[track_caller]
#[inline]
pub fn accumulate<C: Contribution>(adjoint: &mut Option<C::Adjoint>, contribution: C) {
    contribution.add_to(adjoint);
}

/// The adjoint of a value from its first contribution (straight-line code, where the
/// generated code knows which write comes first: no `Option`).
///
/// ```
/// let mut d = autodiff_runtime::adjoint_from(1.5_f64);
/// autodiff_runtime::add_into(&mut d, 2.0);
/// assert_eq!(d, 3.5);
/// ```
#[inline]
pub fn adjoint_from<C: Contribution>(contribution: C) -> C::Adjoint {
    contribution.into_adjoint()
}

/// Adds a further contribution into a value's adjoint (see [`adjoint_from`]).
#[track_caller]
#[inline]
pub fn add_into<C: Contribution>(adjoint: &mut C::Adjoint, contribution: C) {
    contribution.add_into(adjoint);
}

/// A value's gradient: its adjoint, or zeros of its shape if nothing reached it.
///
/// ```
/// assert_eq!(autodiff_runtime::gradient(None, &2.0_f64), 0.0);
/// assert_eq!(autodiff_runtime::gradient(Some(1.5), &2.0_f64), 1.5);
/// ```
pub fn gradient<T: Slot>(adjoint: Option<T::Adjoint>, value: &T) -> T::Grad {
    value.grad_of(adjoint)
}

/// What the reverse sweep keeps for a parameter or a value: the type of its adjoint, and
/// the gradient the caller gets from it. A scalar or an array is its own adjoint; a struct
/// parameter ([`Model`](crate::Model)) collects a [`ModelGrad`](crate::ModelGrad).
pub trait Slot {
    /// The adjoint summed in the reverse sweep.
    type Adjoint;
    /// The gradient handed to the caller.
    type Grad;
    /// The gradient when nothing reached the value: zeros of its shape.
    fn zero_grad(&self) -> Self::Grad;
    /// The gradient from the adjoint (zeros if there is none).
    fn grad_of(&self, adjoint: Option<Self::Adjoint>) -> Self::Grad;
}

impl<T: Value> Slot for T {
    type Adjoint = T::Owned;
    type Grad = T::Owned;
    #[inline]
    fn zero_grad(&self) -> T::Owned {
        self.zeros_like()
    }
    #[inline]
    fn grad_of(&self, adjoint: Option<T::Owned>) -> T::Owned {
        adjoint.unwrap_or_else(|| self.zeros_like())
    }
}

/// Zeros of a value's shape: the gradient of a parameter that does not reach the output.
///
/// ```
/// use ndarray::Array2;
/// let z = autodiff_runtime::zeros_like(&Array2::<f32>::ones((2, 3)));
/// assert_eq!(z.shape(), &[2, 3]);
/// ```
#[inline]
pub fn zeros_like<T: Slot>(value: &T) -> T::Grad {
    value.zero_grad()
}

/// An empty adjoint slot typed after `value` (so rustc knows its type from the start).
///
/// ```
/// let d = autodiff_runtime::none_like(&2.0_f32);
/// assert_eq!(d, None::<f32>);
/// ```
pub fn none_like<T: Slot>(_value: &T) -> Option<T::Adjoint> {
    None
}
