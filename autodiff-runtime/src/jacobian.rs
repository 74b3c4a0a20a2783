//! Assembling a Jacobian row by row from vector-Jacobian products (`NAME_jacobian`, the
//! `jacobian` option of `#[differentiate]`): row `k` is the gradient of output `k`, the VJP
//! with the seed `e_k`. A parameter's block has the output's length `m` as its first axis:
//! `[m]` for a scalar, `[m, n]` for a 1-D parameter, `[m, ..shape]` above that.
use crate::Scalar;
use ndarray::{Array, Array1, Array2, ArrayD, Axis, Ix1, IxDyn};

/// A parameter's gradient, as one row of that parameter's Jacobian block.
pub trait JacobianRow {
    /// The parameter's Jacobian block.
    type Block;
    /// Zeros of the block for `m` outputs, shaped after this row.
    fn zeros_for(&self, m: usize) -> Self::Block;
    /// Writes this row at `k`.
    fn write_to(self, block: &mut Self::Block, k: usize);
}

macro_rules! scalar_rows {
    ($($({$($g:tt)*})? $t:ty),*) => {$(
        impl<$($($g)*)?> JacobianRow for $t {
            type Block = Array1<$t>;
            fn zeros_for(&self, m: usize) -> Array1<$t> {
                crate::heap::zeros(ndarray::Ix1(m))
            }
            fn write_to(self, block: &mut Array1<$t>, k: usize) {
                block[k] = self;
            }
        }
    )*};
}
scalar_rows!(f32, f64, {A: Scalar} crate::Dual<A>);

impl<A: Scalar> JacobianRow for Array1<A> {
    type Block = Array2<A>;
    fn zeros_for(&self, m: usize) -> Array2<A> {
        crate::heap::zeros(ndarray::Ix2(m, self.len()))
    }
    fn write_to(self, block: &mut Array2<A>, k: usize) {
        match self.as_slice() {
            Some(row) => write_row(block, k, row),
            None => block.row_mut(k).assign(&self),
        }
    }
}

impl<A: Scalar> JacobianRow for Vec<A> {
    type Block = Array2<A>;
    fn zeros_for(&self, m: usize) -> Array2<A> {
        crate::heap::zeros(ndarray::Ix2(m, self.len()))
    }
    fn write_to(self, block: &mut Array2<A>, k: usize) {
        write_row(block, k, &self);
    }
}

impl<A: Scalar, const N: usize> JacobianRow for [A; N] {
    type Block = Array2<A>;
    fn zeros_for(&self, m: usize) -> Array2<A> {
        crate::heap::zeros(ndarray::Ix2(m, N))
    }
    fn write_to(self, block: &mut Array2<A>, k: usize) {
        write_row(block, k, &self);
    }
}

/// Copies a sequence's gradient into row `k` (no array made of it first).
///
/// **Panics** if the lengths differ (a bug in the generated code: the block was shaped after
/// the first row of the same parameter).
#[inline]
fn write_row<A: Scalar>(block: &mut Array2<A>, k: usize, row: &[A]) {
    let width = block.ncols();
    assert_eq!(width, row.len(), "jacobian: a row of another length");
    // The block is made here in standard layout: its row k is one contiguous run.
    match block.as_slice_mut() {
        Some(all) => all[k * width..(k + 1) * width].copy_from_slice(row),
        None => block.row_mut(k).assign(&ndarray::ArrayView1::from(row)),
    }
}

macro_rules! array_rows {
    ($($d:ty),*) => {$(
        impl<A: Scalar> JacobianRow for Array<A, $d> {
            type Block = ArrayD<A>;
            fn zeros_for(&self, m: usize) -> ArrayD<A> {
                let mut shape = vec![m];
                shape.extend_from_slice(self.shape());
                crate::heap::zeros(IxDyn(&shape))
            }
            fn write_to(self, block: &mut ArrayD<A>, k: usize) {
                block.index_axis_mut(Axis(0), k).assign(&self.into_dyn());
            }
        }
    )*};
}
array_rows!(
    ndarray::Ix2,
    ndarray::Ix3,
    ndarray::Ix4,
    ndarray::Ix5,
    ndarray::Ix6,
    IxDyn
);

/// The seed of row `k` for an output of `m` elements: `e_k` (zeros where `m` is 0, so that
/// one call still gives every block its shape).
pub fn unit_seed<A: Scalar>(m: usize, k: usize) -> Array1<A> {
    let mut seed = crate::heap::zeros(ndarray::Ix1(m));
    if let Some(s) = seed.get_mut(k) {
        *s = A::one();
    }
    seed
}

/// The number of outputs: the length of the function's 1-D output.
pub fn output_len<A: Scalar>(y: &Array<A, Ix1>) -> usize {
    y.len()
}

/// Writes row `k` of a block, creating the block (`m` rows) at the first row.
pub fn jacobian_row<G: JacobianRow>(block: &mut Option<G::Block>, m: usize, k: usize, row: G) {
    let full = block.get_or_insert_with(|| row.zeros_for(m));
    if k < m {
        row.write_to(full, k);
    }
}

/// The finished block (every `NAME_jacobian` writes at least one row, so it exists).
///
/// **Panics** if no row was written, which would be a bug in the generated code.
#[track_caller]
pub fn jacobian_block<B>(block: Option<B>) -> B {
    match block {
        Some(b) => b,
        None => panic!("autodiff: internal error: a Jacobian block without rows"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    /// Rows land at their index whatever their form: a contiguous array, a reversed one (no
    /// slice of it in order), a `Vec`, a fixed-size array.
    #[test]
    fn rows_are_written_at_their_index() {
        let mut block = None;
        jacobian_row(&mut block, 4, 0, array![1.0, 2.0, 3.0]);
        let mut reversed = array![6.0, 5.0, 4.0];
        reversed.invert_axis(Axis(0));
        assert!(reversed.as_slice().is_none());
        jacobian_row(&mut block, 4, 1, reversed);
        jacobian_row::<Array1<f64>>(&mut block, 4, 3, array![7.0, 8.0, 9.0]);
        assert_eq!(
            jacobian_block(block),
            array![
                [1.0, 2.0, 3.0],
                [4.0, 5.0, 6.0],
                [0.0, 0.0, 0.0],
                [7.0, 8.0, 9.0]
            ]
        );
        let mut block = None;
        jacobian_row(&mut block, 2, 1, vec![1.0_f32, 2.0]);
        jacobian_row(&mut block, 2, 0, [3.0_f32, 4.0]);
        assert_eq!(jacobian_block(block), array![[3.0, 4.0], [1.0, 2.0]]);
    }

    /// A row of another length is a bug in the generated code: it panics, never writes a
    /// part of a row.
    #[test]
    #[should_panic(expected = "a row of another length")]
    fn a_row_of_another_length_panics() {
        let mut block = None;
        jacobian_row(&mut block, 2, 0, vec![1.0, 2.0]);
        jacobian_row(&mut block, 2, 1, vec![1.0, 2.0, 3.0]);
    }
}
