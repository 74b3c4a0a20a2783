//! The bound of generic differentiated functions.
use crate::Scalar;

/// The float types a differentiated function may be generic over: `f32` and `f64`.
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
pub trait Float: Scalar + crate::Differentiable {}

impl Float for f32 {}
impl Float for f64 {}
