//! Writes into a local array, as values: `a[i] = v` is `index_set(a, i, &v)`, a new array
//! (the old one's buffer, where the generated code is done with it), and
//! `a.slice_mut(s![..]).assign(&e)` is `slice_set(a, s![..], &e)`. The VJPs are exact: the
//! old array gets the output's adjoint with the written positions zeroed (what replaced
//! them gets their adjoint instead), the written value gets the adjoint of its positions.
//! `from_elem` builds an array from one differentiable value.
use crate::{Cotangent, Scalar, Shaped, SumTo};
use ndarray::{Array, ArrayBase, Data, Dimension, NdIndex, ShapeBuilder, SliceArg};

/// The array a write goes into: an owned array is written in place, a borrowed one copied.
pub trait WriteTarget<A, D> {
    /// The array to write into.
    fn into_target(self) -> Array<A, D>;
}

impl<A: Scalar, D: Dimension> WriteTarget<A, D> for Array<A, D> {
    #[inline]
    fn into_target(self) -> Array<A, D> {
        self
    }
}

impl<A: Scalar, D: Dimension> WriteTarget<A, D> for ndarray::ArrayView<'_, A, D> {
    #[inline]
    fn into_target(self) -> Array<A, D> {
        self.to_owned()
    }
}

impl<A: Scalar, S: Data<Elem = A>, D: Dimension> WriteTarget<A, D> for &ArrayBase<S, D> {
    #[inline]
    fn into_target(self) -> Array<A, D> {
        self.to_owned()
    }
}

/// `a[i] = v`: `a` with element `i` replaced.
///
/// **Panics** naming the index and the shape if `i` is out of bounds.
///
/// ```
/// let a = ndarray::array![1.0, 2.0, 3.0];
/// assert_eq!(autodiff_runtime::index_set(a, 1, &5.0), ndarray::array![1.0, 5.0, 3.0]);
/// ```
#[track_caller]
pub fn index_set<A, D, I, T>(a: T, i: I, v: &A) -> Array<A, D>
where
    A: Scalar,
    D: Dimension,
    I: NdIndex<D> + Copy + std::fmt::Debug,
    T: WriteTarget<A, D>,
{
    let mut out = a.into_target();
    match out.get_mut(i) {
        Some(slot) => *slot = *v,
        None => panic!(
            "index_set: index {i:?} is out of bounds for shape {:?}",
            out.shape()
        ),
    }
    out
}

/// VJP of [`index_set`] for the old array: y = a with y\[i\] = v; da += g with g\[i\] = 0 (the
/// old element was overwritten). Reads nothing of `a`; `g` by reference or by value
/// ([`Cotangent`]).
#[track_caller]
pub fn index_set_vjp_array<'g, A, D, I>(i: I, g: impl Cotangent<'g, Array<A, D>>) -> Array<A, D>
where
    A: Scalar + 'g,
    D: Dimension + 'g,
    I: NdIndex<D> + Copy,
{
    let mut g = g.into_owned();
    index_set_vjp_array_in_place(i, &mut g);
    g
}

/// [`index_set_vjp_array`] where the old array's adjoint is the result's own buffer (the
/// write was the array's last reader): zeroes `g[i]` in place.
///
/// ```
/// let mut g = ndarray::array![1.0, 2.0, 3.0];
/// autodiff_runtime::index_set_vjp_array_in_place(1, &mut g);
/// assert_eq!(g, ndarray::array![1.0, 0.0, 3.0]);
/// ```
#[inline]
pub fn index_set_vjp_array_in_place<A, D, I>(i: I, g: &mut Array<A, D>)
where
    A: Scalar,
    D: Dimension,
    I: NdIndex<D> + Copy,
{
    if let Some(slot) = g.get_mut(i) {
        *slot = A::zero();
    }
}

/// VJP of [`index_set`] for the written value: y\[i\] = v; dv += g\[i\].
#[track_caller]
#[inline]
pub fn index_set_vjp_value<'g, A, D, I>(i: I, g: impl Cotangent<'g, Array<A, D>>) -> A
where
    A: Scalar + 'g,
    D: Dimension + 'g,
    I: NdIndex<D> + Copy + std::fmt::Debug,
{
    let g = g.into_cow();
    match g.get(i) {
        Some(&v) => v,
        None => out_of_bounds(&i, g.shape()),
    }
}

/// The panic of [`index_set_vjp_value`], out of its inlined path.
#[cold]
#[inline(never)]
#[track_caller]
fn out_of_bounds(i: &dyn std::fmt::Debug, shape: &[usize]) -> ! {
    panic!("index_set: index {i:?} is out of bounds for shape {shape:?}")
}

/// `a.slice_mut(info).assign(&e)`: `a` with the slice replaced by `e`, broadcast to the
/// slice's shape as ndarray's `assign` does.
///
/// **Panics** naming both shapes if `e` does not broadcast to the slice.
///
/// ```
/// use ndarray::{array, s};
/// let a = ndarray::Array2::<f64>::zeros((2, 3));
/// let y = autodiff_runtime::slice_set(a, s![1, ..], &array![1.0, 2.0, 3.0]);
/// assert_eq!(y, array![[0.0, 0.0, 0.0], [1.0, 2.0, 3.0]]);
/// ```
#[track_caller]
pub fn slice_set<A, D, I, S, E, T>(a: T, info: I, e: &ArrayBase<S, E>) -> Array<A, D>
where
    A: Scalar,
    D: Dimension,
    I: SliceArg<D> + Copy,
    S: Data<Elem = A>,
    E: Dimension,
    T: WriteTarget<A, D>,
{
    let mut out = a.into_target();
    let mut part = out.slice_mut(info);
    match e.broadcast(part.raw_dim()) {
        Some(e) => part.assign(&e),
        None => panic!(
            "slice_set: an array of shape {:?} cannot be assigned to a slice of shape {:?}",
            e.shape(),
            part.shape()
        ),
    }
    out
}

/// VJP of [`slice_set`] for the old array: da += g with the slice zeroed (reads nothing of `a`).
#[track_caller]
pub fn slice_set_vjp_array<'g, A, D, I>(info: I, g: impl Cotangent<'g, Array<A, D>>) -> Array<A, D>
where
    A: Scalar + 'g,
    D: Dimension + 'g,
    I: SliceArg<D> + Copy,
{
    let mut g = g.into_owned();
    slice_set_vjp_array_in_place(info, &mut g);
    g
}

/// [`slice_set_vjp_array`] where the old array's adjoint is the result's own buffer: zeroes
/// the slice of `g` in place.
///
/// ```
/// use ndarray::{array, s};
/// let mut g = array![1.0, 2.0, 3.0];
/// autodiff_runtime::slice_set_vjp_array_in_place(s![..2], &mut g);
/// assert_eq!(g, array![0.0, 0.0, 3.0]);
/// ```
#[track_caller]
pub fn slice_set_vjp_array_in_place<A, D, I>(info: I, g: &mut Array<A, D>)
where
    A: Scalar,
    D: Dimension,
    I: SliceArg<D> + Copy,
{
    g.slice_mut(info).fill(A::zero());
}

/// VJP of [`slice_set`] for the assigned array: de += g\[slice\], summed over the axes the
/// assignment broadcast `e` along (back to `e`'s shape, read off `of`).
#[track_caller]
pub fn slice_set_vjp_value<'g, T, A, D, I>(
    of: &T,
    info: I,
    g: impl Cotangent<'g, Array<A, D>>,
) -> <T::Shape as SumTo<Array<A, I::OutDim>>>::Grad
where
    T: Shaped,
    A: Scalar + 'g,
    D: Dimension + 'g,
    I: SliceArg<D> + Copy,
    T::Shape: SumTo<Array<A, I::OutDim>>,
{
    let part = g.into_cow().slice(info).to_owned();
    of.shape_of().sum_to(part)
}

/// `Array::from_elem(shape, v)`: every element `v`.
///
/// ```
/// let a = autodiff_runtime::from_elem((2, 2), &1.5_f64);
/// assert_eq!(a, ndarray::Array2::from_elem((2, 2), 1.5));
/// ```
pub fn from_elem<A: Scalar, Sh: ShapeBuilder>(shape: Sh, v: &A) -> Array<A, Sh::Dim> {
    Array::from_elem(shape, *v)
}

/// VJP of [`from_elem`]: y = v everywhere; dv += Σ g.
pub fn from_elem_vjp<A: Scalar, Sh, D: Dimension>(_shape: Sh, _v: &A, g: &Array<A, D>) -> A {
    g.sum()
}
