//! Parts of a parameter's data read as views: `x.row(i)`, `x.column(j)` and `x.slice(s![..])`
//! of an array parameter passed by reference (or as a view) cost no copy in `NAME_vjp` and
//! `NAME_grad`, as in plain Rust. The view keeps the parameter's lifetime (not the borrow of
//! the local holding the parameter's view), so the tape may keep it across iterations.
//!
//! The generated code calls these where the part is read from a parameter (or from such a
//! part) and stays one value of the body: not merged by a branch or a loop, not passed to a
//! call; elsewhere it calls [`row`](crate::row), [`column`](crate::column) and
//! [`slice`](crate::slice), which copy. Their VJPs are the same: they read only the shape.
use crate::Scalar;
use ndarray::{ArrayBase, ArrayView, ArrayView1, ArrayView2, Axis, Data, Dimension, SliceArg};

/// [`row`](crate::row) of a view, as a view with the same lifetime.
///
/// **Panics** naming the index and the shape if `i` is out of bounds.
///
/// ```
/// let x = ndarray::array![[1.0, 2.0], [3.0, 4.0]];
/// let r = autodiff_runtime::row_view(&x.view(), 1);
/// assert_eq!(r, ndarray::array![3.0, 4.0]);
/// ```
#[track_caller]
pub fn row_view<'a, A: Scalar>(x: &ArrayView2<'a, A>, i: usize) -> ArrayView1<'a, A> {
    lane_view("row", x, Axis(0), i)
}

/// [`column`](crate::column) of a view, as a view with the same lifetime.
///
/// **Panics** naming the index and the shape if `j` is out of bounds.
///
/// ```
/// let x = ndarray::array![[1.0, 2.0], [3.0, 4.0]];
/// let c = autodiff_runtime::column_view(&x.view(), 1);
/// assert_eq!(c, ndarray::array![2.0, 4.0]);
/// ```
#[track_caller]
pub fn column_view<'a, A: Scalar>(x: &ArrayView2<'a, A>, j: usize) -> ArrayView1<'a, A> {
    lane_view("column", x, Axis(1), j)
}

#[track_caller]
pub(crate) fn lane_view<'a, A: Scalar>(
    op: &str,
    x: &ArrayView2<'a, A>,
    axis: Axis,
    i: usize,
) -> ArrayView1<'a, A> {
    if i >= x.len_of(axis) {
        panic!("{op}: index {i} is out of bounds for shape {:?}", x.shape());
    }
    (*x).index_axis_move(axis, i)
}

/// [`slice`](crate::slice) of a view, as a view with the same lifetime.
///
/// **Panics** (in ndarray) if the slice is out of bounds.
///
/// ```
/// use ndarray::{array, s};
/// let x = array![1.0, 2.0, 3.0, 4.0];
/// assert_eq!(autodiff_runtime::slice_view(&x.view(), s![1..3]), array![2.0, 3.0]);
/// ```
#[track_caller]
pub fn slice_view<'a, A: Scalar, D: Dimension, I: SliceArg<D> + Copy>(
    x: &ArrayView<'a, A, D>,
    info: I,
) -> ArrayView<'a, A, I::OutDim> {
    x.clone().slice_move(info)
}

/// A view of an array or of a view: a part read handed to a differentiated callee, which
/// declares it as a view (`ArrayView1<f64>`), as the part is in plain Rust.
///
/// ```
/// let x = ndarray::array![1.0, 2.0];
/// assert_eq!(autodiff_runtime::view_of(&x), x.view());
/// ```
pub fn view_of<A, S: Data<Elem = A>, D: Dimension>(x: &ArrayBase<S, D>) -> ArrayView<'_, A, D> {
    x.view()
}
