//! `matmul` with NumPy semantics: 1-D operands are promoted, batch axes broadcast.
use crate::{unbroadcast, Scalar};
use ndarray::{
    ArrayBase, ArrayD, ArrayView2, ArrayViewD, ArrayViewMut2, ArrayViewMutD, Axis, Data, Dimension,
    Ix2,
};

/// An operand promoted to at least two axes, as NumPy does: `[k]` is `[1, k]` on the left and
/// `[k, 1]` on the right.
fn promote<A, S: Data<Elem = A>, D: Dimension>(
    x: &ArrayBase<S, D>,
    left: bool,
) -> ArrayViewD<'_, A> {
    let v = x.view().into_dyn();
    match (x.ndim(), left) {
        (1, true) => v.insert_axis(Axis(0)),
        (1, false) => v.insert_axis(Axis(1)),
        _ => v,
    }
}

/// The shape of `a @ b` for operands of at least two axes (shapes `sa`, `sb`): the broadcast
/// batch axes, then `[m, n]`. Panics naming the original shapes `orig` if they do not fit.
#[track_caller]
fn batched_shape(sa: &[usize], sb: &[usize], orig: (&[usize], &[usize])) -> Vec<usize> {
    let (m, ka) = (sa[sa.len() - 2], sa[sa.len() - 1]);
    let (kb, n) = (sb[sb.len() - 2], sb[sb.len() - 1]);
    assert!(
        ka == kb,
        "matmul: shapes {:?} and {:?} are not aligned ({ka} != {kb})",
        orig.0,
        orig.1
    );
    let Some(mut shape) = crate::broadcast::try_broadcast(&sa[..sa.len() - 2], &sb[..sb.len() - 2])
    else {
        panic!(
            "matmul: the batch axes of shapes {:?} and {:?} cannot be broadcast together",
            orig.0, orig.1
        )
    };
    shape.extend([m, n]);
    shape
}

/// `a @ b` for operands of at least two axes: one matrix product per (broadcast) batch element.
#[track_caller]
fn batched<A: Scalar>(
    a: &ArrayViewD<'_, A>,
    b: &ArrayViewD<'_, A>,
    orig: (&[usize], &[usize]),
) -> ArrayD<A> {
    let shape = batched_shape(a.shape(), b.shape(), orig);
    let nb = shape.len() - 2;
    let mut out = ArrayD::zeros(shape.clone());
    for idx in ndarray::indices(&shape[..nb]) {
        let idx = idx.slice();
        let am = batch_matrix(a.view(), idx);
        let bm = batch_matrix(b.view(), idx);
        let mut om = batch_matrix_mut(out.view_mut(), idx);
        A::gemm_into(&am, &bm, &mut om);
    }
    out
}

/// The matrix of batch element `idx` of `v`, whose batch axes are right-aligned with `idx`
/// and have length 1 (broadcast) or the full length.
fn batch_matrix<'a, A>(mut v: ArrayViewD<'a, A>, idx: &[usize]) -> ArrayView2<'a, A> {
    for &i in &idx[idx.len() + 2 - v.ndim()..] {
        let i = if v.len_of(Axis(0)) == 1 { 0 } else { i };
        v = v.index_axis_move(Axis(0), i);
    }
    match v.into_dimensionality::<Ix2>() {
        Ok(m) => m,
        Err(e) => panic!("matmul: {e}"),
    }
}

fn batch_matrix_mut<'a, A>(mut v: ArrayViewMutD<'a, A>, idx: &[usize]) -> ArrayViewMut2<'a, A> {
    for &i in idx {
        v = v.index_axis_move(Axis(0), i);
    }
    match v.into_dimensionality::<Ix2>() {
        Ok(m) => m,
        Err(e) => panic!("matmul: {e}"),
    }
}

/// The last two axes swapped (a batched transpose), as a view.
fn mt<'a, A>(v: &ArrayViewD<'a, A>) -> ArrayViewD<'a, A> {
    let mut v = v.clone();
    let n = v.ndim();
    v.swap_axes(n - 2, n - 1);
    v
}

/// `matmul(&a, &b)`: NumPy's `a @ b`. 2-D x 2-D is a matrix product; a 1-D operand is promoted
/// to a row (left) or column (right) and that axis is dropped from the result; leading batch
/// axes broadcast (`[5, 10, 20] x [20, 30] -> [5, 10, 30]`, `[2, 1, 3, 4] x [5, 4, 6] ->
/// [2, 5, 3, 6]`).
///
/// **Panics** naming both shapes if the inner dimensions differ or the batch axes do not
/// broadcast.
///
/// ```
/// use ndarray::{Array2, Array3};
/// let a = Array3::<f64>::ones((5, 10, 20));
/// let b = Array2::<f64>::ones((20, 30));
/// assert_eq!(autodiff_runtime::matmul(&a, &b).shape(), &[5, 10, 30]);
/// ```
#[track_caller]
pub fn matmul<A, S1, S2, D1, D2>(a: &ArrayBase<S1, D1>, b: &ArrayBase<S2, D2>) -> ArrayD<A>
where
    A: Scalar,
    S1: Data<Elem = A>,
    S2: Data<Elem = A>,
    D1: Dimension,
    D2: Dimension,
{
    assert!(
        a.ndim() >= 1 && b.ndim() >= 1,
        "matmul: operands need at least one axis, got shapes {:?} and {:?}",
        a.shape(),
        b.shape()
    );
    let mut out = batched(
        &promote(a, true),
        &promote(b, false),
        (a.shape(), b.shape()),
    );
    // Drop the promoted row axis of a 1-D `a` (second to last) before the column axis of a
    // 1-D `b` (last).
    let n = out.ndim();
    if a.ndim() == 1 {
        out.index_axis_inplace(Axis(n - 2), 0);
    }
    if b.ndim() == 1 {
        out.index_axis_inplace(Axis(out.ndim() - 1), 0);
    }
    out
}

/// The output adjoint with the axes dropped for 1-D operands put back. Panics unless it has
/// the shape of `a @ b` (promoted operands `a2`, `b2` of the original shapes `sa`, `sb`).
#[track_caller]
fn promote_adjoint<'a, A>(
    g: &'a ArrayD<A>,
    (a2, b2): (&ArrayViewD<A>, &ArrayViewD<A>),
    (sa, sb): (&[usize], &[usize]),
) -> ArrayViewD<'a, A> {
    let (a_1d, b_1d) = (sa.len() == 1, sb.len() == 1);
    let mut product = batched_shape(a2.shape(), b2.shape(), (sa, sb));
    let n = product.len();
    match (a_1d, b_1d) {
        (true, true) => product.truncate(n - 2),
        (true, false) => drop(product.remove(n - 2)),
        (false, true) => product.truncate(n - 1),
        (false, false) => {}
    }
    assert!(
        g.shape() == product.as_slice(),
        "matmul: the adjoint has shape {:?} but the product has shape {:?}",
        g.shape(),
        product
    );
    let mut g = g.view();
    if a_1d {
        let n = g.ndim();
        g = g.insert_axis(Axis(n - usize::from(!b_1d)));
    }
    if b_1d {
        let n = g.ndim();
        g = g.insert_axis(Axis(n));
    }
    g
}

/// VJP of [`matmul`] for the left operand: Y = A B; dA += G Bᵀ, summed over the batch axes
/// A was broadcast along, in A's own shape.
#[track_caller]
pub fn matmul_vjp_lhs<A, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
    g: &ArrayD<A>,
) -> ndarray::Array<A, D1>
where
    A: Scalar,
    S1: Data<Elem = A>,
    S2: Data<Elem = A>,
    D1: Dimension,
    D2: Dimension,
{
    let (a2, b2) = (promote(a, true), promote(b, false));
    let g2 = promote_adjoint(g, (&a2, &b2), (a.shape(), b.shape()));
    let da = batched(&g2, &mt(&b2), (g.shape(), b.shape()));
    let da = unbroadcast(da, &a2.raw_dim());
    reshape_to(da, a)
}

/// VJP of [`matmul`] for the right operand: Y = A B; dB += Aᵀ G, summed over the batch axes
/// B was broadcast along (`[5,10,20] x [20,30]`: dB = Σᵢ Aᵢᵀ Gᵢ), in B's own shape.
#[track_caller]
pub fn matmul_vjp_rhs<A, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
    g: &ArrayD<A>,
) -> ndarray::Array<A, D2>
where
    A: Scalar,
    S1: Data<Elem = A>,
    S2: Data<Elem = A>,
    D1: Dimension,
    D2: Dimension,
{
    let (a2, b2) = (promote(a, true), promote(b, false));
    let g2 = promote_adjoint(g, (&a2, &b2), (a.shape(), b.shape()));
    let db = batched(&mt(&a2), &g2, (a.shape(), g.shape()));
    let db = unbroadcast(db, &b2.raw_dim());
    reshape_to(db, b)
}

/// A promoted operand's adjoint back in the operand's own shape and dimension type.
fn reshape_to<A: Scalar, S: Data<Elem = A>, D: Dimension>(
    d: ArrayD<A>,
    x: &ArrayBase<S, D>,
) -> ndarray::Array<A, D> {
    let d = if x.ndim() == 1 {
        d.into_shape_with_order(x.shape().to_vec())
    } else {
        Ok(d)
    };
    match d.map(|d| d.into_dimensionality::<D>()) {
        Ok(Ok(d)) => d,
        _ => panic!(
            "matmul: internal error reshaping an adjoint to {:?}",
            x.shape()
        ),
    }
}
