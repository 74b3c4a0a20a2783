//! How a parameter of a differentiated function becomes a tape value, and its gradient the
//! type the caller gets: scalars, ndarray arrays (owned or borrowed), float sequences.
use crate::Scalar;
use ndarray::{Array, Array1, ArrayBase, ArrayView, ArrayView1, Data, Dimension};

/// A parameter of a differentiated function, as it is passed in (`f64`, `&Array2<f64>`,
/// `ArrayView1<f32>`, `Array2<f64>`, ...), turned into the value the tape works with: the
/// scalar, a view of a borrowed array (with the borrow's own lifetime), or the array itself.
pub trait Param {
    /// The value the tape works with.
    type Value;
    /// The gradient type: the scalar, or an owned array of the parameter's shape.
    type Grad;
    /// The tape value for this parameter.
    fn into_value(self) -> Self::Value;
    /// The tape value, owning its data (a borrowed array is copied): what a pullback closure
    /// keeps, so it borrows nothing from its caller.
    fn into_owned_value(self) -> Self::Owned;
    /// The owned form of the tape value.
    type Owned;
    /// The gradient from the value's adjoint (the same type, but for a float sequence: its
    /// 1-D adjoint as a `Vec` or an array of the sequence's length).
    fn grad_from(adjoint: Self::Owned) -> Self::Grad;
}

macro_rules! scalar_param {
    ($($({$($g:tt)*})? $t:ty),*) => {$(
        impl<$($($g)*)?> Param for $t {
            type Value = $t;
            type Grad = $t;
            type Owned = $t;
            fn into_value(self) -> $t {
                self
            }
            fn into_owned_value(self) -> $t {
                self
            }
            fn grad_from(adjoint: $t) -> $t {
                adjoint
            }
        }
        impl<$($($g)*)?> Param for &$t {
            type Value = $t;
            type Grad = $t;
            type Owned = $t;
            fn into_value(self) -> $t {
                *self
            }
            fn into_owned_value(self) -> $t {
                *self
            }
            fn grad_from(adjoint: $t) -> $t {
                adjoint
            }
        }
    )*};
}
scalar_param!(f32, f64, {A: Scalar} crate::Dual<A>);

impl<A: Scalar, S: Data<Elem = A>, D: Dimension> Param for ArrayBase<S, D> {
    type Value = Self;
    type Grad = Array<A, D>;
    type Owned = Array<A, D>;
    fn into_value(self) -> Self {
        crate::retain_freed_heap();
        self
    }
    fn into_owned_value(self) -> Array<A, D> {
        crate::retain_freed_heap();
        self.into_owned()
    }
    fn grad_from(adjoint: Array<A, D>) -> Array<A, D> {
        adjoint
    }
}

impl<'a, A: Scalar, S: Data<Elem = A>, D: Dimension> Param for &'a ArrayBase<S, D> {
    type Value = ArrayView<'a, A, D>;
    type Grad = Array<A, D>;
    type Owned = Array<A, D>;
    fn into_value(self) -> ArrayView<'a, A, D> {
        crate::retain_freed_heap();
        self.view()
    }
    fn into_owned_value(self) -> Array<A, D> {
        crate::retain_freed_heap();
        self.to_owned()
    }
    fn grad_from(adjoint: Array<A, D>) -> Array<A, D> {
        adjoint
    }
}

/// A 1-D array's elements as a `Vec`: its own buffer when that holds exactly the elements in
/// order (an array the reverse sweep made), a copy otherwise.
fn into_vec<A: Scalar>(a: Array1<A>) -> Vec<A> {
    let n = a.len();
    if !a.is_standard_layout() {
        return a.into_iter().collect();
    }
    match a.into_raw_vec_and_offset() {
        (v, offset) if v.len() == n && offset.unwrap_or(0) == 0 => v,
        (v, offset) => {
            let start = offset.unwrap_or(0);
            v[start..start + n].to_vec()
        }
    }
}

// Float sequences: read as 1-D arrays (a view of borrowed data, the data itself when owned),
// their gradient a `Vec` or an array of the same length.

impl<'a, A: Scalar> Param for &'a [A] {
    type Value = ArrayView1<'a, A>;
    type Grad = Vec<A>;
    type Owned = Array1<A>;
    fn into_value(self) -> ArrayView1<'a, A> {
        crate::retain_freed_heap();
        ArrayView1::from(self)
    }
    fn into_owned_value(self) -> Array1<A> {
        crate::retain_freed_heap();
        Array1::from(self.to_vec())
    }
    fn grad_from(adjoint: Array1<A>) -> Vec<A> {
        into_vec(adjoint)
    }
}

impl<'a, A: Scalar> Param for &'a Vec<A> {
    type Value = ArrayView1<'a, A>;
    type Grad = Vec<A>;
    type Owned = Array1<A>;
    fn into_value(self) -> ArrayView1<'a, A> {
        crate::retain_freed_heap();
        ArrayView1::from(self.as_slice())
    }
    fn into_owned_value(self) -> Array1<A> {
        crate::retain_freed_heap();
        Array1::from(self.clone())
    }
    fn grad_from(adjoint: Array1<A>) -> Vec<A> {
        into_vec(adjoint)
    }
}

impl<A: Scalar> Param for Vec<A> {
    type Value = Array1<A>;
    type Grad = Vec<A>;
    type Owned = Array1<A>;
    fn into_value(self) -> Array1<A> {
        crate::retain_freed_heap();
        Array1::from(self)
    }
    fn into_owned_value(self) -> Array1<A> {
        crate::retain_freed_heap();
        Array1::from(self)
    }
    fn grad_from(adjoint: Array1<A>) -> Vec<A> {
        into_vec(adjoint)
    }
}

impl<'a, A: Scalar, const N: usize> Param for &'a [A; N] {
    type Value = ArrayView1<'a, A>;
    type Grad = [A; N];
    type Owned = Array1<A>;
    fn into_value(self) -> ArrayView1<'a, A> {
        crate::retain_freed_heap();
        ArrayView1::from(self.as_slice())
    }
    fn into_owned_value(self) -> Array1<A> {
        crate::retain_freed_heap();
        Array1::from(self.to_vec())
    }
    fn grad_from(adjoint: Array1<A>) -> [A; N] {
        fixed(adjoint)
    }
}

impl<A: Scalar, const N: usize> Param for [A; N] {
    type Value = Array1<A>;
    type Grad = [A; N];
    type Owned = Array1<A>;
    fn into_value(self) -> Array1<A> {
        crate::retain_freed_heap();
        Array1::from(self.to_vec())
    }
    fn into_owned_value(self) -> Array1<A> {
        crate::retain_freed_heap();
        Array1::from(self.to_vec())
    }
    fn grad_from(adjoint: Array1<A>) -> [A; N] {
        fixed(adjoint)
    }
}

/// An owned float sequence parameter (`Vec<A>`) again, from the array the tape moved it into:
/// what a call hands to a callee where the body passes the parameter itself (`helper(&v)`,
/// `helper(v)`), a copy of its elements.
///
/// ```
/// let v = autodiff_runtime::sequence_again::<Vec<f64>, _>(&ndarray::array![1.0, 2.0]);
/// assert_eq!(v, vec![1.0, 2.0]);
/// ```
pub fn sequence_again<P, A>(value: &Array1<A>) -> P
where
    A: Scalar,
    P: Param<Owned = Array1<A>, Grad = P>,
{
    P::grad_from(value.clone())
}

/// A `[A; N]` gradient from a 1-D adjoint of length `N` (the parameter's own length).
#[track_caller]
fn fixed<A: Scalar, const N: usize>(adjoint: Array1<A>) -> [A; N] {
    let len = adjoint.len();
    let mut out = [A::zero(); N];
    assert_eq!(
        len, N,
        "gradient: an adjoint of length {len} for a parameter [T; {N}]"
    );
    out.iter_mut().zip(adjoint).for_each(|(o, a)| *o = a);
    out
}

#[cfg(test)]
mod tests {
    use super::into_vec;
    use ndarray::{Array1, Axis, Slice};

    /// The elements in order, whether the array owns exactly them, a part of its buffer
    /// (an owned slice starts past the buffer's start) or them in reverse order.
    #[test]
    fn into_vec_keeps_the_elements_in_order() {
        let a = Array1::from(vec![1.0, 2.0, 3.0, 4.0]);
        assert_eq!(into_vec(a.clone()), vec![1.0, 2.0, 3.0, 4.0]);
        let part = |a: &Array1<f64>, start, end, step| {
            a.clone()
                .slice_axis_move(Axis(0), Slice::new(start, end, step))
        };
        assert_eq!(into_vec(part(&a, 1, Some(3), 1)), vec![2.0, 3.0]);
        assert_eq!(into_vec(part(&a, 0, None, -1)), vec![4.0, 3.0, 2.0, 1.0]);
        assert_eq!(into_vec(part(&a, 2, Some(2), 1)), Vec::<f64>::new());
    }
}
