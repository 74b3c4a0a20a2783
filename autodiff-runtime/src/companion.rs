//! The check behind calls from a differentiated body: the callee must have a pullback
//! companion (`#[differentiate]` or `#[custom_vjp]`), and rustc says so in our words when it
//! has none.
//!
//! A differentiated caller looks the companion up next to the callee, with a fallback of its
//! own in an outer scope that returns [`NotDifferentiable`]. The callee itself and the
//! companion's result, a `(value, pullback)` pair, go through [`DifferentiableFn::split`];
//! with the fallback's result the bound fails, and the error names the callee and both fixes.

/// A function called from a differentiated body, with what its companion returned there:
/// `(value, pullback)`. Implemented for every callee with every pair; the error for a callee
/// whose call returned [`NotDifferentiable`] (it has no companion) names it and both fixes.
///
/// ```
/// use autodiff_runtime::DifferentiableFn;
/// fn square(x: f64) -> f64 { x * x }
/// let pair = (4.0, |g: f64| 4.0 * g);
/// let (value, pullback) = DifferentiableFn::split(square, pair);
/// # let _ = value;
/// assert_eq!((value, pullback(1.0)), (4.0, 4.0));
/// ```
#[diagnostic::on_unimplemented(
    message = "cannot differentiate through `{F}`: it has neither `#[differentiate]` nor `#[custom_vjp]`",
    label = "called here on a value that carries a derivative",
    note = "add `#[differentiate]` to that function to differentiate through its body, or `#[custom_vjp(its_vjp)]` to give its derivative",
    note = "a differentiated function is called by a path through its module (`utils::helper(x)`) or after `use utils::*`, so that its companion comes along"
)]
pub trait DifferentiableFn<F, V, P>: Sized {
    /// The value and the pullback of the call (`callee` only names the called function).
    fn split(callee: F, result: Self) -> (V, P);
}

#[diagnostic::do_not_recommend]
impl<F, V, P> DifferentiableFn<F, V, P> for (V, P) {
    #[inline(always)]
    fn split(_callee: F, result: (V, P)) -> (V, P) {
        result
    }
}

/// A value of the type `value` has, for type inference only. Generated code calls a generic
/// callee on `like(&arg)` in a branch that never runs, so that rustc infers the callee's type
/// parameters from the arguments where the callee is named for an error message.
///
/// **Panics** if called: nothing reaches it at run time.
#[doc(hidden)]
pub fn like<T>(_value: &T) -> T {
    unreachable!("autodiff: `like` only gives a type to rustc's inference")
}

/// What a call to a function without a pullback companion returns in a differentiated body:
/// it implements no [`DifferentiableFn`], which is the error.
///
/// ```
/// use autodiff_runtime::NotDifferentiable;
/// let _marker = NotDifferentiable;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotDifferentiable;

/// The check behind calls from the hidden generic twin that `jvp` and `hvp` run: the callee
/// must have a twin too (its own `jvp` or `hvp` option). The fallback companion of a callee
/// without one returns [`NoTwin`], which implements nothing; the error points at the call.
///
/// ```
/// use autodiff_runtime::TwinFn;
/// let pair = (4.0, |g: f64| 4.0 * g);
/// let (value, pullback) = TwinFn::split(pair);
/// assert_eq!((value, pullback(1.0)), (4.0, 4.0));
/// ```
#[diagnostic::on_unimplemented(
    message = "cannot take `jvp` or `hvp` through this call: the called function has no `jvp` or `hvp` of its own",
    label = "called here, in a function with `jvp` or `hvp`",
    note = "add `jvp` (or `hvp`) to the called function's attribute, `#[differentiate(jvp)]`: forward mode runs through the bodies of the functions it calls"
)]
pub trait TwinFn<V, P>: Sized {
    /// The value and the pullback of the call.
    fn split(result: Self) -> (V, P);
}

#[diagnostic::do_not_recommend]
impl<V, P> TwinFn<V, P> for (V, P) {
    #[inline(always)]
    fn split(result: (V, P)) -> (V, P) {
        result
    }
}

/// What a call from a `jvp`/`hvp` twin to a function without a twin returns: it implements
/// no [`TwinFn`], which is the error.
///
/// ```
/// use autodiff_runtime::NoTwin;
/// let _marker = NoTwin;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoTwin;

/// A value a call on data returns inside the generic twin that `jvp` and `hvp` run, in the
/// twin's float type `T`: a float becomes `T` (a constant: no tangent), a float array an
/// array of `T`; integers, `bool` and `char` stay as they are.
#[diagnostic::on_unimplemented(
    message = "a function called on data in a body with `jvp` or `hvp` returns `{Self}`, which the forward mode does not carry",
    label = "called here, in a function with `jvp` or `hvp`",
    note = "floats, float arrays, integers, `bool` and `char` are carried; compute anything else outside and pass it in"
)]
pub trait TwinData<T> {
    /// The value in the twin.
    type Twin;
    /// Converts the value.
    fn into_twin(self) -> Self::Twin;
}

macro_rules! float_data {
    ($($t:ty),*) => {$(
        impl<T: crate::Float> TwinData<T> for $t {
            type Twin = T;
            #[inline]
            fn into_twin(self) -> T {
                T::of_f64(f64::from(self))
            }
        }
        impl<T: crate::Float, D: ndarray::Dimension> TwinData<T> for ndarray::Array<$t, D> {
            type Twin = ndarray::Array<T, D>;
            fn into_twin(self) -> ndarray::Array<T, D> {
                self.mapv(|v| T::of_f64(f64::from(v)))
            }
        }
    )*};
}
float_data!(f32, f64);

macro_rules! plain_data {
    ($($t:ty),*) => {$(
        impl<T> TwinData<T> for $t {
            type Twin = $t;
            #[inline]
            fn into_twin(self) -> $t {
                self
            }
        }
    )*};
}
plain_data!(bool, char, i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

/// What a call on data returns in the twin (see [`TwinData`]).
///
/// ```
/// let half: f32 = autodiff_runtime::twin_data::<f32, _>(0.5_f64);
/// let n: usize = autodiff_runtime::twin_data::<f32, _>(3_usize);
/// assert_eq!((half, n), (0.5, 3));
/// ```
#[inline]
pub fn twin_data<T, V: TwinData<T>>(value: V) -> V::Twin {
    value.into_twin()
}

/// What a call of another function's twin gives inside the twin that `jvp` and `hvp` run,
/// given a float: a float or a float array, the function's value. The fallback of a function
/// without a twin returns [`NoTwin`], which is neither: the error names the call and says
/// what to add.
///
/// ```
/// use autodiff_runtime::TwinResult;
/// assert_eq!(TwinResult::twin_value(1.5_f64), 1.5);
/// ```
#[diagnostic::on_unimplemented(
    message = "cannot take `jvp` or `hvp` through this call: it passes a float to a function without `jvp` or `hvp` of its own",
    label = "called here, in a function with `jvp` or `hvp`",
    note = "add `jvp` (or `hvp`) to the called function's attribute, `#[differentiate(jvp)]`: forward mode runs through the bodies of the functions it calls",
    note = "or compute the value outside this function and pass it in as a parameter"
)]
pub trait TwinResult {
    /// The value (the type itself).
    type Value;
    /// The value itself.
    fn twin_value(self) -> Self::Value;
}

// Per float type, not for every `Scalar`: a blanket impl would be a candidate for `NoTwin`
// too, and rustc would then give the failed call's result that type (and an error at every
// use of it).
macro_rules! float_results {
    ($($({$($g:tt)*})? $t:ty),*) => {$(
        #[diagnostic::do_not_recommend]
        impl<$($($g)*)?> TwinResult for $t {
            type Value = $t;
            #[inline(always)]
            fn twin_value(self) -> $t {
                self
            }
        }
    )*};
}
float_results!(f32, f64, {A: crate::Scalar} crate::Dual<A>);

#[diagnostic::do_not_recommend]
impl<A: crate::Scalar, D: ndarray::Dimension> TwinResult for ndarray::Array<A, D> {
    type Value = Self;
    #[inline(always)]
    fn twin_value(self) -> Self {
        self
    }
}
