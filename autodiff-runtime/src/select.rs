//! Reads of array parts: `x[i]`, `x[[i, j]]`, `x.slice(s![..])`. The gradient scatters back
//! into the positions read; repeated reads add up.
use crate::{Contribution, Scalar};
use ndarray::{Array, ArrayBase, Data, Dimension, NdIndex, SliceArg};

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
        let mut full = Array::zeros(self.dim.clone());
        self.add_into(&mut full);
        full
    }
    #[inline]
    fn add_into(self, full: &mut Array<A, D>) {
        if let Some(slot) = full.get_mut(self.index) {
            *slot += self.value;
        }
    }
}

/// The first scatter's dense adjoint (out of the inlined path).
#[cold]
#[inline(never)]
fn zeros<A: Scalar, D: Dimension>(dim: D) -> Array<A, D> {
    Array::zeros(dim)
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

/// VJP of [`index`]: y = x\[i\]; dx\[i\] += g (a sparse contribution).
#[inline]
pub fn index_vjp<A: Scalar, S: Data<Elem = A>, D: Dimension, I: NdIndex<D> + Copy>(
    x: &ArrayBase<S, D>,
    i: I,
    g: &A,
) -> IndexGrad<A, D, I> {
    IndexGrad {
        dim: x.raw_dim(),
        index: i,
        value: *g,
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
    x.slice(info).to_owned()
}

/// VJP of [`slice()`]: y = x\[s\]; dx\[s\] += g, zero elsewhere.
#[track_caller]
pub fn slice_vjp<A: Scalar, S: Data<Elem = A>, D: Dimension, I: SliceArg<D> + Copy>(
    x: &ArrayBase<S, D>,
    info: I,
    g: &Array<A, I::OutDim>,
) -> Array<A, D> {
    let mut dx = Array::zeros(x.raw_dim());
    let mut part = dx.slice_mut(info);
    crate::value::assert_same_shape("slice", part.shape(), g.shape());
    part.assign(g);
    dx
}
