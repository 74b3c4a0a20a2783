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
/// twin's float type `T`: a float becomes `T` (a constant: no tangent), and so does every
/// float inside a `Vec`, a slice, an array, an ndarray array, an `Option` or a tuple (a slice
/// becomes a `Vec`); integers, `bool`, `char`, `&str` and `()` stay as they are.
#[diagnostic::on_unimplemented(
    message = "a function called on data in a body with `jvp` or `hvp` returns `{Self}`, which the forward mode does not carry",
    label = "called here, in a function with `jvp` or `hvp`",
    note = "floats, integers, `bool`, `char`, `()` and `Vec`s, arrays, ndarray arrays, `Option`s and tuples of them are carried; compute anything else outside and pass it in"
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
plain_data!(
    (),
    bool,
    char,
    i8,
    i16,
    i32,
    i64,
    i128,
    isize,
    u8,
    u16,
    u32,
    u64,
    u128,
    usize
);

impl<T> TwinData<T> for &str {
    type Twin = Self;
    #[inline]
    fn into_twin(self) -> Self {
        self
    }
}

impl<T, X: TwinData<T> + Clone> TwinData<T> for &[X] {
    type Twin = Vec<X::Twin>;
    fn into_twin(self) -> Vec<X::Twin> {
        self.iter().cloned().map(TwinData::into_twin).collect()
    }
}

impl<T, X: TwinData<T>> TwinData<T> for Vec<X> {
    type Twin = Vec<X::Twin>;
    fn into_twin(self) -> Vec<X::Twin> {
        self.into_iter().map(TwinData::into_twin).collect()
    }
}

impl<T, X: TwinData<T>, const N: usize> TwinData<T> for [X; N] {
    type Twin = [X::Twin; N];
    fn into_twin(self) -> [X::Twin; N] {
        self.map(TwinData::into_twin)
    }
}

impl<T, X: TwinData<T>> TwinData<T> for Option<X> {
    type Twin = Option<X::Twin>;
    fn into_twin(self) -> Option<X::Twin> {
        self.map(TwinData::into_twin)
    }
}

impl<T, X: TwinData<T>, Y: TwinData<T>> TwinData<T> for (X, Y) {
    type Twin = (X::Twin, Y::Twin);
    fn into_twin(self) -> (X::Twin, Y::Twin) {
        (self.0.into_twin(), self.1.into_twin())
    }
}

impl<T, X: TwinData<T>, Y: TwinData<T>, Z: TwinData<T>> TwinData<T> for (X, Y, Z) {
    type Twin = (X::Twin, Y::Twin, Z::Twin);
    fn into_twin(self) -> (X::Twin, Y::Twin, Z::Twin) {
        (self.0.into_twin(), self.1.into_twin(), self.2.into_twin())
    }
}

impl<T, X: TwinData<T> + Clone, D: ndarray::Dimension> TwinData<T> for ndarray::Array<X, D> {
    type Twin = ndarray::Array<X::Twin, D>;
    fn into_twin(self) -> ndarray::Array<X::Twin, D> {
        self.mapv(TwinData::into_twin)
    }
}

/// What a call on data returns in the twin (see [`TwinData`]).
///
/// ```
/// let half: f32 = autodiff_runtime::twin_data::<f32, _>(0.5_f64);
/// let n: usize = autodiff_runtime::twin_data::<f32, _>(3_usize);
/// let v: Vec<f32> = autodiff_runtime::twin_data::<f32, _>(vec![1.0_f64, 2.0]);
/// assert_eq!((half, n, v), (0.5, 3, vec![1.0, 2.0]));
/// ```
#[inline]
pub fn twin_data<T, V: TwinData<T>>(value: V) -> V::Twin {
    value.into_twin()
}

/// An argument of a call on data inside the twin that `jvp` and `hvp` run, converted back to
/// what the called (plain) function takes: a number of the twin's float type becomes the
/// parameter's `f32`/`f64` (its value: data carries no tangent), an array of them an array
/// of it; integers stay as they are. `P`, the parameter's type, is inferred from the called
/// function. (A reference is given as a reference to the converted copy of its value.)
#[diagnostic::on_unimplemented(
    message = "a function called on data in a body with `jvp` or `hvp` takes `{P}`, which the forward mode cannot give it from `{Self}`",
    label = "called here, in a function with `jvp` or `hvp`",
    note = "numbers, float arrays and references to them are given back as the function's own types; compute anything else outside and pass it in"
)]
pub trait Untwin<P> {
    /// The argument as the function takes it.
    fn untwin(self) -> P;
}

impl<A: crate::Scalar, P: crate::Float> Untwin<P> for A {
    #[inline]
    fn untwin(self) -> P {
        P::of_f64(self.as_f64())
    }
}

macro_rules! plain_arg {
    ($($t:ty),*) => {$(
        impl Untwin<$t> for $t {
            #[inline]
            fn untwin(self) -> $t {
                self
            }
        }
    )*};
}
plain_arg!(bool, char, i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

impl<A: crate::Scalar, P: crate::Float, S: ndarray::Data<Elem = A>, D: ndarray::Dimension>
    Untwin<ndarray::Array<P, D>> for ndarray::ArrayBase<S, D>
{
    fn untwin(self) -> ndarray::Array<P, D> {
        self.mapv(|v| P::of_f64(v.as_f64()))
    }
}

/// An argument of a call on data, as the called function takes it (see [`Untwin`]).
///
/// ```
/// fn half(x: f32) -> f32 { x / 2.0 }
/// assert_eq!(half(autodiff_runtime::untwin(3.0_f64)), 1.5);
/// ```
#[inline]
pub fn untwin<X: Untwin<P>, P>(value: X) -> P {
    value.untwin()
}

/// `e as f64` (or `as f32`) inside the twin that `jvp` and `hvp` run, whose float type is `T`:
/// an integer becomes a constant `T`; a float, already a `T`, stays itself (its tangent too, as
/// `x as f64` is `x` in the original).
pub trait TwinCast<T> {
    /// The cast.
    fn twin_cast(self) -> T;
}

impl<T: crate::Float> TwinCast<T> for T {
    #[inline(always)]
    fn twin_cast(self) -> T {
        self
    }
}

macro_rules! integer_casts {
    ($($t:ty),*) => {$(
        impl<T: crate::Float> TwinCast<T> for $t {
            #[inline]
            fn twin_cast(self) -> T {
                T::of_f64(self as f64)
            }
        }
    )*};
}
integer_casts!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

/// `e as f64` in the twin (see [`TwinCast`]).
///
/// ```
/// let n: f32 = autodiff_runtime::twin_cast::<f32, _>(3_usize);
/// let x: f32 = autodiff_runtime::twin_cast::<f32, _>(1.5_f32);
/// assert_eq!((n, x), (3.0, 1.5));
/// ```
#[inline]
pub fn twin_cast<T, X: TwinCast<T>>(value: X) -> T {
    value.twin_cast()
}

/// `e as I`, for a primitive integer type `I`, in the twin of a function with `jvp` or `hvp`:
/// an integer, a `bool` or a `char` is cast as rustc casts it; a number of the twin's float
/// type (a dual number, which `as` cannot cast) by its value, as `as` casts a float
/// (truncating toward zero, saturating, `NaN` to 0). So `(n as f64 * 0.5) as usize` computes
/// in the twin's type and gives the original's integer.
pub trait TwinInt<I> {
    /// The cast.
    fn twin_int(self) -> I;
}

macro_rules! twin_ints {
    ($($i:ty),*) => {$(
        impl<T: crate::Float> TwinInt<$i> for T {
            #[inline]
            fn twin_int(self) -> $i {
                crate::Scalar::as_f64(self) as $i
            }
        }
        twin_ints!(@from $i; i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, bool, char);
    )*};
    (@from $i:ty; $($s:ty),*) => {$(
        impl TwinInt<$i> for $s {
            #[inline]
            fn twin_int(self) -> $i {
                self as $i
            }
        }
    )*};
}
twin_ints!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);

/// `e as I` in the twin (see [`TwinInt`]).
///
/// ```
/// use autodiff_runtime::{twin_int, Dual};
/// assert_eq!(twin_int::<usize, _>(Dual::new(2.7_f64, 1.0)), 2);
/// assert_eq!(twin_int::<u8, _>(300_i32), 44);
/// assert_eq!(twin_int::<i32, _>(-1.5_f64), -1);
/// ```
#[inline]
pub fn twin_int<I, X: TwinInt<I>>(value: X) -> I {
    value.twin_int()
}
