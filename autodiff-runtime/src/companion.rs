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
