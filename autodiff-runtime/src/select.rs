//! Reads of array parts: `x[i]`, `x[[i, j]]`, `x.slice(s![..])`, `x.row(i)`, `x.column(j)`.
//! The gradient scatters back into the positions read; repeated reads add up.
use crate::{Contribution, Cotangent, Scalar};
use ndarray::{Array, Array1, Array2, ArrayBase, Axis, Data, Dimension, Ix2, NdIndex, SliceArg};

/// The adjoint of one element read by [`index`]: `value` at `index` in an array of shape
/// `dim`. Added into the array's adjoint in place (O(1)), never as a dense array.
#[derive(Clone, Debug)]
pub struct IndexGrad<A, D, I> {
    dim: D,
    index: I,
    value: A,
}

impl<A: Scalar, D: Dimension, I: NdIndex<D> + Copy> Contribution for IndexGrad<A, D, I> {
    type Adjoint = Array<A, D>;
    // Inlined: an unrolled body scatters into the same adjoint dozens of times. Not the
    // default method: in a loop the first write's zeros stay out of line (`zeros`), while
    // straight-line code's first write (`into_adjoint`) keeps them inline, where the
    // optimiser then knows the adjoint's length (measured: both matter, 20-35 ns of 110).
    #[inline]
    fn add_to(self, adjoint: &mut Option<Array<A, D>>) {
        let full = match adjoint {
            Some(full) => full,
            None => adjoint.insert(zeros(self.dim)),
        };
        if let Some(slot) = full.get_mut(self.index) {
            *slot += self.value;
        }
    }
    #[inline]
    fn into_adjoint(self) -> Array<A, D> {
        scattered(self.dim.clone(), self)
    }
    #[inline]
    fn add_into(self, full: &mut Array<A, D>) {
        if let Some(slot) = full.get_mut(self.index) {
            *slot += self.value;
        }
    }
}

/// A part's contribution as the whole adjoint: zeros of shape `dim` with the part added (the
/// first write to an adjoint slot).
#[inline]
#[track_caller]
fn scattered<A: Scalar, D: Dimension, C: Contribution<Adjoint = Array<A, D>>>(
    dim: D,
    part: C,
) -> Array<A, D> {
    let mut full = crate::heap::zeros(dim);
    part.add_into(&mut full);
    full
}

/// The first scatter's dense adjoint (out of the inlined path).
#[cold]
#[inline(never)]
fn zeros<A: Scalar, D: Dimension>(dim: D) -> Array<A, D> {
    crate::heap::zeros(dim)
}

/// `x[i]` (1-D, `usize`) or `x[[i, j]]` (any `NdIndex`): one element.
///
/// **Panics** naming the index and the shape if it is out of bounds.
///
/// ```
/// let x = ndarray::array![[1.0, 2.0], [3.0, 4.0]];
/// assert_eq!(autodiff_runtime::index(&x, [1, 0]), 3.0);
/// ```
#[track_caller]
#[inline]
pub fn index<A: Scalar, S: Data<Elem = A>, D: Dimension, I: NdIndex<D> + Copy>(
    x: &ArrayBase<S, D>,
    i: I,
) -> A {
    match x.get(i) {
        Some(&v) => v,
        None => out_of_bounds(i, x.shape()),
    }
}

/// The panic of an [`index`] out of bounds (out of the inlined path: a loop reading `x[i]`
/// keeps its registers).
#[cold]
#[inline(never)]
#[track_caller]
fn out_of_bounds<I: std::fmt::Debug>(i: I, shape: &[usize]) -> ! {
    panic!("index: index {i:?} is out of bounds for shape {shape:?}")
}

/// VJP of [`index`]: y = x\[i\]; dx\[i\] += g (a sparse contribution). Reads only `x`'s shape
/// (the array, or its shape kept apart: [`shape_of`](crate::shape_of)), so a write after the
/// read may still take the array by value; `g` by value or by reference.
///
/// ```
/// use autodiff_runtime::{accumulate, index_vjp, shape_of};
/// let x = ndarray::array![1.0, 2.0, 3.0];
/// let mut dx = None;
/// accumulate(&mut dx, index_vjp(&x, 1, 0.5));
/// accumulate(&mut dx, index_vjp(&shape_of(&x), 1, &0.25));
/// assert_eq!(dx, Some(ndarray::array![0.0, 0.75, 0.0]));
/// ```
#[inline]
pub fn index_vjp<A, T, D, I, G>(x: &T, i: I, g: G) -> IndexGrad<A, D, I>
where
    A: Scalar,
    T: crate::Shaped<Shape = crate::ArrayShape<D>>,
    D: Dimension,
    I: NdIndex<D> + Copy,
    G: std::borrow::Borrow<A>,
{
    IndexGrad {
        dim: x.shape_of().0,
        index: i,
        value: *g.borrow(),
    }
}

/// `x.slice(s![..])`: a part of the array (returned owned, so the tape may keep it).
///
/// **Panics** (in ndarray) if the slice is out of bounds.
///
/// ```
/// use ndarray::{array, s};
/// let x = array![1.0, 2.0, 3.0, 4.0];
/// assert_eq!(autodiff_runtime::slice(&x, s![1..3]), array![2.0, 3.0]);
/// ```
#[track_caller]
pub fn slice<A: Scalar, S: Data<Elem = A>, D: Dimension, I: SliceArg<D> + Copy>(
    x: &ArrayBase<S, D>,
    info: I,
) -> Array<A, I::OutDim> {
    crate::views::slice_view(&x.view(), info).to_owned()
}

/// The adjoint of a part read by [`slice()`]: `value` in the part `info` of an array of shape
/// `dim`. Added into the array's adjoint in place (one pass over the part), never as a dense
/// array: a body that reads a row of parameters in slices adds each slice where it belongs.
#[derive(Clone, Debug)]
pub struct SliceGrad<A, D: Dimension, I: SliceArg<D>> {
    dim: D,
    info: I,
    value: Array<A, I::OutDim>,
}

impl<A: Scalar, D: Dimension, I: SliceArg<D> + Copy> Contribution for SliceGrad<A, D, I> {
    type Adjoint = Array<A, D>;
    #[track_caller]
    fn into_adjoint(self) -> Array<A, D> {
        scattered(self.dim.clone(), self)
    }
    #[track_caller]
    fn add_into(self, full: &mut Array<A, D>) {
        let mut part = full.slice_mut(self.info);
        crate::value::assert_same_shape("slice", part.shape(), self.value.shape());
        part += &self.value;
    }
}

/// VJP of [`slice()`]: y = x\[s\]; dx\[s\] += g, zero elsewhere (a sparse contribution; `g`
/// by reference or by value, [`Cotangent`]).
///
/// Reads only `x`'s shape (the array, or its shape kept apart: [`shape_of`](crate::shape_of)).
///
/// ```
/// use autodiff_runtime::{accumulate, shape_of, slice_vjp};
/// use ndarray::{array, s};
/// let x = array![1.0, 2.0, 3.0, 4.0];
/// let mut dx = None;
/// accumulate(&mut dx, slice_vjp(&x, s![1..3], array![0.5, 0.25]));
/// accumulate(&mut dx, slice_vjp(&shape_of(&x), s![2..], &array![1.0, 1.0]));
/// assert_eq!(dx, Some(array![0.0, 0.5, 1.25, 1.0]));
/// ```
pub fn slice_vjp<'g, A, T, D, I>(
    x: &T,
    info: I,
    g: impl Cotangent<'g, Array<A, I::OutDim>>,
) -> SliceGrad<A, D, I>
where
    A: Scalar + 'g,
    T: crate::Shaped<Shape = crate::ArrayShape<D>>,
    D: Dimension,
    I: SliceArg<D> + Copy,
    I::OutDim: 'g,
{
    SliceGrad {
        dim: x.shape_of().0,
        info,
        value: g.into_owned(),
    }
}

/// The adjoint of one row or column read by [`row()`] or [`column()`]: `value` along `axis` at
/// `index` of a matrix of shape `dim`. Added into the matrix's adjoint in place (one pass
/// over the lane), never as a dense matrix.
#[derive(Clone, Debug)]
pub struct LaneGrad<A> {
    dim: Ix2,
    axis: Axis,
    index: usize,
    value: Array1<A>,
}

impl<A: Scalar> Contribution for LaneGrad<A> {
    type Adjoint = Array2<A>;
    #[track_caller]
    fn into_adjoint(self) -> Array2<A> {
        scattered(self.dim, self)
    }
    #[track_caller]
    fn add_into(self, full: &mut Array2<A>) {
        let mut lane = full.index_axis_mut(self.axis, self.index);
        crate::value::assert_same_shape("row/column", lane.shape(), self.value.shape());
        lane += &self.value;
    }
}

/// `x.row(i)`: row `i` of a matrix (returned owned, so the tape may keep it).
///
/// **Panics** naming the index and the shape if `i` is out of bounds.
///
/// ```
/// let x = ndarray::array![[1.0, 2.0], [3.0, 4.0]];
/// assert_eq!(autodiff_runtime::row(&x, 1), ndarray::array![3.0, 4.0]);
/// ```
#[track_caller]
pub fn row<A: Scalar, S: Data<Elem = A>>(x: &ArrayBase<S, Ix2>, i: usize) -> Array1<A> {
    lane("row", x, Axis(0), i)
}

/// `x.column(j)`: column `j` of a matrix (returned owned).
///
/// **Panics** naming the index and the shape if `j` is out of bounds.
///
/// ```
/// let x = ndarray::array![[1.0, 2.0], [3.0, 4.0]];
/// assert_eq!(autodiff_runtime::column(&x, 1), ndarray::array![2.0, 4.0]);
/// ```
#[track_caller]
pub fn column<A: Scalar, S: Data<Elem = A>>(x: &ArrayBase<S, Ix2>, j: usize) -> Array1<A> {
    lane("column", x, Axis(1), j)
}

#[track_caller]
fn lane<A: Scalar, S: Data<Elem = A>>(
    op: &str,
    x: &ArrayBase<S, Ix2>,
    axis: Axis,
    i: usize,
) -> Array1<A> {
    crate::views::lane_view(op, &x.view(), axis, i).to_owned()
}

/// VJP of [`row()`]: y = x.row(i); dx.row(i) += g (a sparse contribution; `g` by reference
/// or by value, [`Cotangent`]).
///
/// Reads only `x`'s shape (the matrix, or its shape kept apart: [`shape_of`](crate::shape_of)).
pub fn row_vjp<'g, A: Scalar + 'g, T: crate::Shaped<Shape = crate::ArrayShape<Ix2>>>(
    x: &T,
    i: usize,
    g: impl Cotangent<'g, Array1<A>>,
) -> LaneGrad<A> {
    LaneGrad {
        dim: x.shape_of().0,
        axis: Axis(0),
        index: i,
        value: g.into_owned(),
    }
}

/// VJP of [`column()`]: y = x.column(j); dx.column(j) += g (a sparse contribution; `g` by
/// reference or by value, [`Cotangent`]).
///
/// Reads only `x`'s shape (the matrix, or its shape kept apart: [`shape_of`](crate::shape_of)).
pub fn column_vjp<'g, A: Scalar + 'g, T: crate::Shaped<Shape = crate::ArrayShape<Ix2>>>(
    x: &T,
    j: usize,
    g: impl Cotangent<'g, Array1<A>>,
) -> LaneGrad<A> {
    LaneGrad {
        dim: x.shape_of().0,
        axis: Axis(1),
        index: j,
        value: g.into_owned(),
    }
}
