//! `a.dot(&b)` for the 1-D/2-D operand pairs ndarray supports.
use crate::Scalar;
use ndarray::{Array1, Array2, ArrayBase, Axis, Data, Ix1, Ix2};

/// ndarray's `dot` for 1-D/2-D pairs, with its VJPs. Implemented for every pair of float
/// arrays (owned or views) of one or two dimensions.
pub trait Dot<Rhs> {
    /// Scalar for vector·vector, `Array1` for matrix·vector and vector·matrix, `Array2` for
    /// matrix·matrix.
    type Output;
    /// The left operand's gradient type.
    type LhsGrad;
    /// The right operand's gradient type.
    type RhsGrad;
    /// The product.
    fn dot_fwd(&self, rhs: &Rhs) -> Self::Output;
    /// The left operand's adjoint given the output's adjoint `g`.
    fn dot_lhs(&self, rhs: &Rhs, g: &Self::Output) -> Self::LhsGrad;
    /// The right operand's adjoint given the output's adjoint `g`.
    fn dot_rhs(&self, rhs: &Rhs, g: &Self::Output) -> Self::RhsGrad;
}

#[track_caller]
fn check_inner(a: &[usize], b: &[usize], ka: usize, kb: usize) {
    assert!(
        ka == kb,
        "dot: shapes {a:?} and {b:?} are not aligned ({ka} != {kb})"
    );
}

#[track_caller]
fn check_adjoint(want: &[usize], got: &[usize]) {
    assert!(
        want == got,
        "dot: the adjoint has shape {got:?} but the product has shape {want:?}"
    );
}

// v · w = s: dv = g w, dw = g v
impl<A: Scalar, S1: Data<Elem = A>, S2: Data<Elem = A>> Dot<ArrayBase<S2, Ix1>>
    for ArrayBase<S1, Ix1>
{
    type Output = A;
    type LhsGrad = Array1<A>;
    type RhsGrad = Array1<A>;
    #[track_caller]
    fn dot_fwd(&self, rhs: &ArrayBase<S2, Ix1>) -> A {
        check_inner(self.shape(), rhs.shape(), self.len(), rhs.len());
        self.dot(rhs)
    }
    fn dot_lhs(&self, rhs: &ArrayBase<S2, Ix1>, g: &A) -> Array1<A> {
        rhs.mapv(|w| *g * w)
    }
    fn dot_rhs(&self, _rhs: &ArrayBase<S2, Ix1>, g: &A) -> Array1<A> {
        self.mapv(|v| *g * v)
    }
}

// M v = u: dM = g ⊗ v, dv = Mᵀ g
impl<A: Scalar, S1: Data<Elem = A>, S2: Data<Elem = A>> Dot<ArrayBase<S2, Ix1>>
    for ArrayBase<S1, Ix2>
{
    type Output = Array1<A>;
    type LhsGrad = Array2<A>;
    type RhsGrad = Array1<A>;
    #[track_caller]
    fn dot_fwd(&self, rhs: &ArrayBase<S2, Ix1>) -> Array1<A> {
        check_inner(self.shape(), rhs.shape(), self.ncols(), rhs.len());
        self.dot(rhs)
    }
    #[track_caller]
    fn dot_lhs(&self, rhs: &ArrayBase<S2, Ix1>, g: &Array1<A>) -> Array2<A> {
        check_adjoint(&[self.nrows()], g.shape());
        outer(g, rhs)
    }
    #[track_caller]
    fn dot_rhs(&self, _rhs: &ArrayBase<S2, Ix1>, g: &Array1<A>) -> Array1<A> {
        check_adjoint(&[self.nrows()], g.shape());
        self.t().dot(g)
    }
}

// v M = u: dv = M g, dM = v ⊗ g
impl<A: Scalar, S1: Data<Elem = A>, S2: Data<Elem = A>> Dot<ArrayBase<S2, Ix2>>
    for ArrayBase<S1, Ix1>
{
    type Output = Array1<A>;
    type LhsGrad = Array1<A>;
    type RhsGrad = Array2<A>;
    #[track_caller]
    fn dot_fwd(&self, rhs: &ArrayBase<S2, Ix2>) -> Array1<A> {
        check_inner(self.shape(), rhs.shape(), self.len(), rhs.nrows());
        self.dot(rhs)
    }
    #[track_caller]
    fn dot_lhs(&self, rhs: &ArrayBase<S2, Ix2>, g: &Array1<A>) -> Array1<A> {
        check_adjoint(&[rhs.ncols()], g.shape());
        rhs.dot(g)
    }
    #[track_caller]
    fn dot_rhs(&self, rhs: &ArrayBase<S2, Ix2>, g: &Array1<A>) -> Array2<A> {
        check_adjoint(&[rhs.ncols()], g.shape());
        outer(self, g)
    }
}

// A B = C: dA = G Bᵀ, dB = Aᵀ G (every product through `Scalar::gemm`)
impl<A: Scalar, S1: Data<Elem = A>, S2: Data<Elem = A>> Dot<ArrayBase<S2, Ix2>>
    for ArrayBase<S1, Ix2>
{
    type Output = Array2<A>;
    type LhsGrad = Array2<A>;
    type RhsGrad = Array2<A>;
    #[track_caller]
    fn dot_fwd(&self, rhs: &ArrayBase<S2, Ix2>) -> Array2<A> {
        check_inner(self.shape(), rhs.shape(), self.ncols(), rhs.nrows());
        A::gemm(&self.view(), &rhs.view())
    }
    #[track_caller]
    fn dot_lhs(&self, rhs: &ArrayBase<S2, Ix2>, g: &Array2<A>) -> Array2<A> {
        check_adjoint(&[self.nrows(), rhs.ncols()], g.shape());
        A::gemm(&g.view(), &rhs.t())
    }
    #[track_caller]
    fn dot_rhs(&self, rhs: &ArrayBase<S2, Ix2>, g: &Array2<A>) -> Array2<A> {
        check_adjoint(&[self.nrows(), rhs.ncols()], g.shape());
        A::gemm(&self.t(), &g.view())
    }
}

/// The outer product `u vᵀ`.
fn outer<A: Scalar, S1: Data<Elem = A>, S2: Data<Elem = A>>(
    u: &ArrayBase<S1, Ix1>,
    v: &ArrayBase<S2, Ix1>,
) -> Array2<A> {
    let u = u.view().insert_axis(Axis(1));
    let v = v.view().insert_axis(Axis(0));
    &u * &v
}

/// `a.dot(&b)`: vector·vector (a scalar), matrix·vector, vector·matrix or matrix·matrix.
///
/// **Panics** naming both shapes if the inner dimensions differ.
///
/// ```
/// use ndarray::array;
/// let c = autodiff_runtime::dot(&array![[1.0, 2.0]], &array![[3.0], [4.0]]);
/// assert_eq!(c, array![[11.0]]);
/// ```
#[track_caller]
pub fn dot<L: Dot<R>, R>(a: &L, b: &R) -> L::Output {
    a.dot_fwd(b)
}

/// VJP of [`dot`] for the left operand: C = A B; dA += G Bᵀ (outer products for vectors).
#[track_caller]
pub fn dot_vjp_lhs<L: Dot<R>, R>(a: &L, b: &R, g: &L::Output) -> L::LhsGrad {
    a.dot_lhs(b, g)
}

/// VJP of [`dot`] for the right operand: C = A B; dB += Aᵀ G (outer products for vectors).
#[track_caller]
pub fn dot_vjp_rhs<L: Dot<R>, R>(a: &L, b: &R, g: &L::Output) -> L::RhsGrad {
    a.dot_rhs(b, g)
}
