//! NumPy broadcasting, forwards (a common shape) and backwards (summing back to an operand).
use crate::Scalar;
use ndarray::{Array, ArrayView, Axis, CowArray, Dimension, IxDyn};

/// The NumPy broadcast of two shapes, as dimension type `E`.
///
/// **Panics** naming `op` and both shapes if they cannot be broadcast together.
///
/// ```
/// use ndarray::{Dimension, Ix2};
/// let s: Ix2 = autodiff_runtime::broadcast_shape("add", &[4, 3], &[3]);
/// assert_eq!(s.slice(), &[4, 3]);
/// ```
#[track_caller]
pub fn broadcast_shape<E: Dimension>(op: &str, a: &[usize], b: &[usize]) -> E {
    let Some(shape) = try_broadcast(a, b) else {
        panic!("{op}: shapes {a:?} and {b:?} cannot be broadcast together")
    };
    let mut out = E::zeros(shape.len());
    out.slice_mut().copy_from_slice(&shape);
    out
}

/// The NumPy broadcast of two shapes, or `None` if they are incompatible.
pub(crate) fn try_broadcast(a: &[usize], b: &[usize]) -> Option<Vec<usize>> {
    let n = a.len().max(b.len());
    (0..n)
        .map(|k| {
            let da = (k + a.len()).checked_sub(n).map_or(1, |i| a[i]);
            let db = (k + b.len()).checked_sub(n).map_or(1, |i| b[i]);
            if da == db || db == 1 {
                Some(da)
            } else if da == 1 {
                Some(db)
            } else {
                None
            }
        })
        .collect()
}

/// Sums an adjoint `g` computed in a broadcast shape back to the shape `target` of the operand
/// that was broadcast: over the leading axes the operand lacked, and over the axes where it had
/// length 1. This is what makes every gradient have its input's shape.
///
/// ```
/// use ndarray::{array, Ix1};
/// let g = array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]];
/// let d_bias = autodiff_runtime::unbroadcast(g, &Ix1(2));
/// assert_eq!(d_bias, array![9.0, 12.0]);
/// ```
#[track_caller]
pub fn unbroadcast<A: Scalar, E: Dimension, D: Dimension>(
    g: Array<A, E>,
    target: &D,
) -> Array<A, D> {
    if g.shape() == target.slice() && g.ndim() == target.ndim() {
        // Nothing was broadcast: only the dimension type changes, no data moves.
        match g.into_dimensionality::<D>() {
            Ok(g) => return g,
            Err(e) => panic!("unbroadcast: {e}"),
        }
    }
    unbroadcast_view(g.view(), target)
}

/// [`unbroadcast`] of a borrowed adjoint: the sums read `g` in place (a bias's gradient never
/// copies the whole `g`); only an adjoint with nothing to sum is copied.
#[track_caller]
pub(crate) fn unbroadcast_view<A: Scalar, E: Dimension, D: Dimension>(
    g: ArrayView<'_, A, E>,
    target: &D,
) -> Array<A, D> {
    let mut g: CowArray<'_, A, IxDyn> = g.into_dyn().into();
    while g.ndim() > target.ndim() {
        g = g.sum_axis(Axis(0)).into();
    }
    for (k, &t) in target.slice().iter().enumerate() {
        if t == 1 && g.shape().get(k).is_some_and(|&n| n != 1) {
            g = g.sum_axis(Axis(k)).insert_axis(Axis(k)).into();
        }
    }
    let shape = g.shape().to_vec();
    match g.into_owned().into_dimensionality::<D>() {
        Ok(g) if g.shape() == target.slice() => g,
        _ => panic!(
            "unbroadcast: an adjoint of shape {shape:?} cannot be summed back to shape {:?}",
            target.slice()
        ),
    }
}
