//! Parameters as dual numbers (each value with its tangent) for the `NAME_jvp` and
//! `NAME_hvp` companions, and results split back into values and tangents.
//!
//! ```
//! use autodiff_runtime::{dualize, split_dual};
//! use ndarray::array;
//! let x = array![1.0_f64, 2.0];
//! let d = dualize(&x, Some(array![0.5, -1.0]));
//! let y = d.mapv(|v| v * v); // d(x²) = 2x·t
//! let (value, tangent) = split_dual(y);
//! assert_eq!(value, array![1.0, 4.0]);
//! assert_eq!(tangent, array![1.0, -4.0]);
//! ```
use crate::{Dual, Scalar};
use ndarray::{Array, ArrayBase, Data, Dimension, Zip};

/// A parameter that becomes a dual value: the value, with a tangent of the gradient's layout
/// and type (zero without one).
pub trait Dualize {
    /// The tangent: the scalar, an owned array of the parameter's shape, a `Vec` or `[T; N]`.
    type Tangent;
    /// The dual value: `Dual<A>`, `Array<Dual<A>, D>`, `Vec<Dual<A>>`, `[Dual<A>; N]`.
    type Dual;
    /// The parameter with its tangent.
    fn dualize(self, tangent: Option<Self::Tangent>) -> Self::Dual;
}

/// A parameter with its tangent (`None`: zero), for the generated forward-mode code.
///
/// **Panics** if the tangent's shape or length differs from the parameter's.
#[track_caller]
pub fn dualize<P: Dualize>(param: P, tangent: Option<P::Tangent>) -> P::Dual {
    param.dualize(tangent)
}

impl<A: Scalar> Dualize for A {
    type Tangent = A;
    type Dual = Dual<A>;
    fn dualize(self, tangent: Option<A>) -> Dual<A> {
        Dual::new(self, tangent.unwrap_or_else(A::zero))
    }
}

#[track_caller]
fn dual_array<A: Scalar, S: Data<Elem = A>, D: Dimension>(
    x: &ArrayBase<S, D>,
    tangent: Option<Array<A, D>>,
) -> Array<Dual<A>, D> {
    match tangent {
        None => x.mapv(Dual::constant),
        Some(t) => {
            assert!(
                t.shape() == x.shape(),
                "jvp/hvp: a tangent has shape {:?} but its parameter has shape {:?}",
                t.shape(),
                x.shape()
            );
            // One pass, into memory not written before (no zeros first).
            Zip::from(x).and(&t).map_collect(|&v, &dv| Dual::new(v, dv))
        }
    }
}

impl<A: Scalar, S: Data<Elem = A>, D: Dimension> Dualize for &ArrayBase<S, D> {
    type Tangent = Array<A, D>;
    type Dual = Array<Dual<A>, D>;
    #[track_caller]
    fn dualize(self, tangent: Option<Array<A, D>>) -> Array<Dual<A>, D> {
        dual_array(self, tangent)
    }
}

impl<A: Scalar, S: Data<Elem = A>, D: Dimension> Dualize for ArrayBase<S, D> {
    type Tangent = Array<A, D>;
    type Dual = Array<Dual<A>, D>;
    #[track_caller]
    fn dualize(self, tangent: Option<Array<A, D>>) -> Array<Dual<A>, D> {
        dual_array(&self, tangent)
    }
}

#[track_caller]
fn dual_slice<A: Scalar>(x: &[A], tangent: Option<&[A]>) -> Vec<Dual<A>> {
    match tangent {
        None => x.iter().map(|&v| Dual::constant(v)).collect(),
        Some(t) => {
            assert!(
                t.len() == x.len(),
                "jvp/hvp: a tangent has length {} but its parameter has length {}",
                t.len(),
                x.len()
            );
            x.iter().zip(t).map(|(&v, &dv)| Dual::new(v, dv)).collect()
        }
    }
}

impl<A: Scalar> Dualize for &[A] {
    type Tangent = Vec<A>;
    type Dual = Vec<Dual<A>>;
    #[track_caller]
    fn dualize(self, tangent: Option<Vec<A>>) -> Vec<Dual<A>> {
        dual_slice(self, tangent.as_deref())
    }
}

impl<A: Scalar> Dualize for &Vec<A> {
    type Tangent = Vec<A>;
    type Dual = Vec<Dual<A>>;
    #[track_caller]
    fn dualize(self, tangent: Option<Vec<A>>) -> Vec<Dual<A>> {
        dual_slice(self, tangent.as_deref())
    }
}

impl<A: Scalar> Dualize for Vec<A> {
    type Tangent = Vec<A>;
    type Dual = Vec<Dual<A>>;
    #[track_caller]
    fn dualize(self, tangent: Option<Vec<A>>) -> Vec<Dual<A>> {
        dual_slice(&self, tangent.as_deref())
    }
}

impl<A: Scalar, const N: usize> Dualize for &[A; N] {
    type Tangent = [A; N];
    type Dual = [Dual<A>; N];
    fn dualize(self, tangent: Option<[A; N]>) -> [Dual<A>; N] {
        let t = tangent.unwrap_or([A::zero(); N]);
        std::array::from_fn(|i| Dual::new(self[i], t[i]))
    }
}

impl<A: Scalar, const N: usize> Dualize for [A; N] {
    type Tangent = [A; N];
    type Dual = [Dual<A>; N];
    fn dualize(self, tangent: Option<[A; N]>) -> [Dual<A>; N] {
        (&self).dualize(tangent)
    }
}

/// A result of dual numbers, split into its values and its tangents.
pub trait SplitDual {
    /// The value part's type (and the tangent part's): the result with plain floats.
    type Part;
    /// `(values, tangents)`.
    fn split_dual(self) -> (Self::Part, Self::Part);
}

/// `(values, tangents)` of a dual result (scalar, array, `Vec` or `[T; N]`).
pub fn split_dual<O: SplitDual>(result: O) -> (O::Part, O::Part) {
    result.split_dual()
}

impl<A: Scalar> SplitDual for Dual<A> {
    type Part = A;
    fn split_dual(self) -> (A, A) {
        (self.re, self.eps)
    }
}

impl<A: Scalar, D: Dimension> SplitDual for Array<Dual<A>, D> {
    type Part = Array<A, D>;
    fn split_dual(self) -> (Array<A, D>, Array<A, D>) {
        (self.mapv(|d| d.re), self.mapv(|d| d.eps))
    }
}

impl<A: Scalar> SplitDual for Vec<Dual<A>> {
    type Part = Vec<A>;
    fn split_dual(self) -> (Vec<A>, Vec<A>) {
        self.into_iter().map(|d| (d.re, d.eps)).unzip()
    }
}

impl<A: Scalar, const N: usize> SplitDual for [Dual<A>; N] {
    type Part = [A; N];
    fn split_dual(self) -> ([A; N], [A; N]) {
        (self.map(|d| d.re), self.map(|d| d.eps))
    }
}
