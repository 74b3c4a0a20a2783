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
    // Written into `E` directly: no vector per elementwise op (LSTM's gradient spent a tenth
    // of its time here on 14-element arrays).
    let n = a.len().max(b.len());
    let mut out = E::zeros(n);
    for (k, o) in out.slice_mut().iter_mut().enumerate() {
        let da = (k + a.len()).checked_sub(n).map_or(1, |i| a[i]);
        let db = (k + b.len()).checked_sub(n).map_or(1, |i| b[i]);
        *o = if da == db || db == 1 {
            da
        } else if da == 1 {
            db
        } else {
            panic!("{op}: shapes {a:?} and {b:?} cannot be broadcast together")
        };
    }
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
    if g.shape() == target.slice() {
        // Nothing was broadcast: a copy, in the target's dimension type.
        if let Ok(same) = g.to_owned().into_dimensionality::<D>() {
            return same;
        }
    }
    if let Some(summed) = sum_leading_axes(&g, target) {
        return summed;
    }
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

/// The common broadcast, summed in one pass: `target` is `g`'s trailing axes (a bias, a row
/// subtracted from every row of a matrix) and `g` is contiguous in standard order, so every
/// block of `target`'s size adds into the result. `None` for anything else (size-1 axes inside
/// `target`, a strided `g`), which the general path takes. The general path sums a leading
/// axis lane by lane through dynamic-rank arrays: for `x - &means.row(c)` over 1,000 rows of 2,
/// half of ADBench GMM's gradient.
fn sum_leading_axes<A: Scalar, E: Dimension, D: Dimension>(
    g: &ArrayView<'_, A, E>,
    target: &D,
) -> Option<Array<A, D>> {
    let lead = g.ndim().checked_sub(target.ndim())?;
    if lead == 0 || g.shape()[lead..] != *target.slice() {
        return None;
    }
    let data = g.as_slice()?;
    let block = target.size();
    let out = match block {
        0 => Vec::new(),
        // A few columns (GMM's 1,000 x 2): each summed down its column with four partial
        // sums in registers. Adding every row into `out` in memory made each addition wait
        // for the store of the one before (13% of GMM d2 K5's gradient).
        1..=SMALL_BLOCK => (0..block).map(|j| column_sum(data, j, block)).collect(),
        _ => {
            let mut out = vec![A::zero(); block];
            for chunk in data.chunks_exact(block) {
                out.iter_mut().zip(chunk).for_each(|(o, &v)| *o += v);
            }
            out
        }
    };
    Array::from_shape_vec(target.clone(), out).ok()
}

/// The widest `target` that [`sum_leading_axes`] sums column by column.
const SMALL_BLOCK: usize = 8;

/// `data[j] + data[j + step] + data[j + 2 step] + ..` (`data` holds whole rows of `step`), in
/// four independent partial sums.
fn column_sum<A: Scalar>(data: &[A], j: usize, step: usize) -> A {
    let rows = data.len() / step;
    let mut sums = [A::zero(); 4];
    let mut r = 0;
    while r + 4 <= rows {
        let i = j + r * step;
        sums[0] += data[i];
        sums[1] += data[i + step];
        sums[2] += data[i + 2 * step];
        sums[3] += data[i + 3 * step];
        r += 4;
    }
    while r < rows {
        sums[0] += data[j + r * step];
        r += 1;
    }
    (sums[0] + sums[1]) + (sums[2] + sums[3])
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{Array3, Ix1, Ix2, ShapeBuilder};

    fn close<D: Dimension>(a: &Array<f64, D>, b: &Array<f64, D>) -> bool {
        a.shape() == b.shape()
            && a.iter()
                .zip(b)
                .all(|(x, y)| (x - y).abs() < 1e-12 * (1.0 + y.abs()))
    }

    /// The one-pass sum of leading axes equals ndarray's axis sums (up to the order of the
    /// additions); a strided adjoint and size-1 target axes are left to the general path.
    #[test]
    fn summing_leading_axes_matches_axis_sums() {
        let g = Array3::from_shape_fn((4, 3, 2), |(i, j, k)| (i * 6 + j * 2 + k) as f64 * 0.37);
        let want = g.sum_axis(Axis(0)).sum_axis(Axis(0));
        assert!(close(&sum_leading_axes(&g.view(), &Ix1(2)).unwrap(), &want));
        assert!(close(&unbroadcast(g.clone(), &Ix1(2)), &want));
        let want2 = g.sum_axis(Axis(0));
        assert!(close(
            &sum_leading_axes(&g.view(), &Ix2(3, 2)).unwrap(),
            &want2
        ));
        // Column-major: not one slice in standard order.
        let f = ndarray::Array2::from_shape_fn((5, 3).f(), |(i, j)| (i + 10 * j) as f64);
        assert_eq!(sum_leading_axes(&f.view(), &Ix1(3)), None);
        assert!(close(
            &unbroadcast(f.clone(), &Ix1(3)),
            &f.sum_axis(Axis(0))
        ));
        // A size-1 axis inside the target.
        assert_eq!(sum_leading_axes(&g.view(), &Ix2(1, 2)), None);
        // Every width around the column-by-column limit, rows not a multiple of four.
        for (rows, width) in [(1, 1), (7, 3), (13, 8), (6, 9), (1001, 2)] {
            let m = ndarray::Array2::from_shape_fn((rows, width), |(i, j)| {
                ((i * 31 + j * 7) % 17) as f64 * 0.37 - 2.0
            });
            let got = sum_leading_axes(&m.view(), &Ix1(width)).unwrap();
            assert!(close(&got, &m.sum_axis(Axis(0))), "{rows} x {width}");
        }
    }
}
