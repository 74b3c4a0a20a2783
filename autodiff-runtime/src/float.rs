//! The bound of generic differentiated functions.
// The runtime implements its scalar traits for `f32` and `f64` one by one (a blanket impl
// over every scalar would overlap with the impls for references); the bounds below state
// them for a generic `T`, so that generated code generic over `T: Float` type-checks.
use crate::{
    Adjoint, JacobianRow, LeftOperand, Operand, Param, Scalar, ScalarShape, Scaled, Shaped, Value,
};
use ndarray::{Array, Array1, ArrayView, Ix0, Ix1, Ix2, Ix3, Ix4, Ix5, Ix6, IxDyn};

/// The float types a differentiated function may be generic over: `f32` and `f64`, and the
/// [`Dual`](crate::Dual) numbers over them (forward-mode derivatives through generic code).
///
/// `T: Float` implies `num_traits::Float`, `ndarray::ScalarOperand`, `ndarray::LinalgScalar`,
/// `Debug`, `Display`, `Send`, `Sync` and `'static`, so every scalar and array method a body
/// may call exists on `T` and on `Array<T, D>`. It also implies
/// [`Differentiable`](crate::Differentiable), so that a field of type `T` in a generic struct
/// with `#[derive(Differentiable)]` is a leaf.
///
/// ```
/// use autodiff_runtime::Float;
/// fn half<T: Float>(x: T) -> T {
///     x / (T::one() + T::one())
/// }
/// assert_eq!(half(3.0_f32), 1.5);
/// ```
pub trait Float:
    Scalar
    + crate::Differentiable
    + for<'a> crate::FieldRead<'a, Value = Self, Owned = Self>
    + crate::Leaf<Self>
    + Value<Elem = Self, Owned = Self>
    + Operand<Elem = Self, Owned = Self>
    + Adjoint
    + Param<Value = Self, Grad = Self, Owned = Self>
    + Shaped<Shape = ScalarShape<Self>>
    + Scaled<Self>
    + JacobianRow<Block = Array1<Self>>
    + LeftOperand<Self, Elem = Self, Output = Self>
    + LeftOperand<Array<Self, Ix0>, Elem = Self, Output = Array<Self, Ix0>>
    + for<'a> LeftOperand<ArrayView<'a, Self, Ix0>, Elem = Self, Output = Array<Self, Ix0>>
    + LeftOperand<Array<Self, Ix1>, Elem = Self, Output = Array<Self, Ix1>>
    + for<'a> LeftOperand<ArrayView<'a, Self, Ix1>, Elem = Self, Output = Array<Self, Ix1>>
    + LeftOperand<Array<Self, Ix2>, Elem = Self, Output = Array<Self, Ix2>>
    + for<'a> LeftOperand<ArrayView<'a, Self, Ix2>, Elem = Self, Output = Array<Self, Ix2>>
    + LeftOperand<Array<Self, Ix3>, Elem = Self, Output = Array<Self, Ix3>>
    + for<'a> LeftOperand<ArrayView<'a, Self, Ix3>, Elem = Self, Output = Array<Self, Ix3>>
    + LeftOperand<Array<Self, Ix4>, Elem = Self, Output = Array<Self, Ix4>>
    + for<'a> LeftOperand<ArrayView<'a, Self, Ix4>, Elem = Self, Output = Array<Self, Ix4>>
    + LeftOperand<Array<Self, Ix5>, Elem = Self, Output = Array<Self, Ix5>>
    + for<'a> LeftOperand<ArrayView<'a, Self, Ix5>, Elem = Self, Output = Array<Self, Ix5>>
    + LeftOperand<Array<Self, Ix6>, Elem = Self, Output = Array<Self, Ix6>>
    + for<'a> LeftOperand<ArrayView<'a, Self, Ix6>, Elem = Self, Output = Array<Self, Ix6>>
    + LeftOperand<Array<Self, IxDyn>, Elem = Self, Output = Array<Self, IxDyn>>
    + for<'a> LeftOperand<ArrayView<'a, Self, IxDyn>, Elem = Self, Output = Array<Self, IxDyn>>
{
}

impl Float for f32 {}
impl Float for f64 {}
// `impl<A: Float> Float for Dual<A>` is in dual/mod.rs.

/// A float literal of a generic body as a value of its float type (`2.0` in
/// `fn f<T: Float>(x: T) -> T { x * 2.0 }` is `lit::<T>(2.0)` after the macro).
///
/// ```
/// assert_eq!(autodiff_runtime::lit::<f32>(0.5), 0.5_f32);
/// ```
#[inline]
pub fn lit<A: Float>(value: f64) -> A {
    A::of_f64(value)
}
