//! `+ - * /`, `powf` and negation on scalars, arrays and scalar/array mixes, with NumPy
//! broadcasting. One trait, [`Binary`], has one impl per operand kind; every rule is then a
//! pair of closures.
use crate::value::zip_into;
use crate::{unbroadcast, Cotangent, Scalar, Value};
use ndarray::{Array, ArrayBase, Data, DimMax, Dimension, Zip};
use num_traits::Float;
use std::borrow::Cow;

/// Elementwise binary operations between two operand kinds (scalar x scalar, scalar x array,
/// array x scalar, array x array with broadcasting).
///
/// A VJP closure receives `(a, b, g)` elementwise (the operands and the output's adjoint) and
/// returns the partial adjoint; the result is summed back to the operand's shape. An owned
/// `g` (the caller is done with it) holds the result where it has `g`'s shape.
pub trait Binary<Rhs> {
    /// The element type.
    type Elem: Scalar;
    /// The result (scalar, or owned array of the broadcast shape).
    type Output: Clone;
    /// The adjoint of the left operand (its own shape).
    type LhsGrad;
    /// The adjoint of the right operand (its own shape).
    type RhsGrad;
    /// Forward: `f(a, b)` elementwise.
    fn map2(
        &self,
        rhs: &Rhs,
        op: &str,
        f: impl Fn(Self::Elem, Self::Elem) -> Self::Elem,
    ) -> Self::Output;
    /// The left operand's adjoint: `df(a, b, g)` elementwise, summed back to `self`'s shape.
    fn vjp_lhs(
        &self,
        rhs: &Rhs,
        op: &str,
        g: Cow<'_, Self::Output>,
        df: impl Fn(Self::Elem, Self::Elem, Self::Elem) -> Self::Elem,
    ) -> Self::LhsGrad;
    /// The right operand's adjoint: `df(a, b, g)` elementwise, summed back to `rhs`'s shape.
    fn vjp_rhs(
        &self,
        rhs: &Rhs,
        op: &str,
        g: Cow<'_, Self::Output>,
        df: impl Fn(Self::Elem, Self::Elem, Self::Elem) -> Self::Elem,
    ) -> Self::RhsGrad;
}

type Df<A> = fn(A, A, A) -> A;

// scalar x scalar
impl<A: Scalar> Binary<A> for A {
    type Elem = A;
    type Output = A;
    type LhsGrad = A;
    type RhsGrad = A;
    fn map2(&self, rhs: &A, _op: &str, f: impl Fn(A, A) -> A) -> A {
        f(*self, *rhs)
    }
    fn vjp_lhs(&self, rhs: &A, _op: &str, g: Cow<'_, A>, df: impl Fn(A, A, A) -> A) -> A {
        df(*self, *rhs, *g)
    }
    fn vjp_rhs(&self, rhs: &A, _op: &str, g: Cow<'_, A>, df: impl Fn(A, A, A) -> A) -> A {
        df(*self, *rhs, *g)
    }
}

// scalar x array
impl<A: Scalar, S: Data<Elem = A>, D: Dimension> Binary<ArrayBase<S, D>> for A {
    type Elem = A;
    type Output = Array<A, D>;
    type LhsGrad = A;
    type RhsGrad = Array<A, D>;
    fn map2(&self, rhs: &ArrayBase<S, D>, _op: &str, f: impl Fn(A, A) -> A) -> Array<A, D> {
        let a = *self;
        rhs.mapv(|b| f(a, b))
    }
    #[track_caller]
    fn vjp_lhs(
        &self,
        rhs: &ArrayBase<S, D>,
        op: &str,
        g: Cow<'_, Array<A, D>>,
        df: impl Fn(A, A, A) -> A,
    ) -> A {
        crate::value::assert_same_shape(op, rhs.shape(), g.shape());
        let a = *self;
        let mut sum = A::zero();
        Zip::from(rhs)
            .and(&*g)
            .for_each(|&b, &g| sum += df(a, b, g));
        sum
    }
    #[track_caller]
    fn vjp_rhs(
        &self,
        rhs: &ArrayBase<S, D>,
        op: &str,
        g: Cow<'_, Array<A, D>>,
        df: impl Fn(A, A, A) -> A,
    ) -> Array<A, D> {
        crate::value::assert_same_shape(op, rhs.shape(), g.shape());
        let a = *self;
        zip_into(g, rhs, |b, g| df(a, b, g))
    }
}

// array x scalar
impl<A: Scalar, S: Data<Elem = A>, D: Dimension> Binary<A> for ArrayBase<S, D> {
    type Elem = A;
    type Output = Array<A, D>;
    type LhsGrad = Array<A, D>;
    type RhsGrad = A;
    fn map2(&self, rhs: &A, _op: &str, f: impl Fn(A, A) -> A) -> Array<A, D> {
        let b = *rhs;
        self.mapv(|a| f(a, b))
    }
    #[track_caller]
    fn vjp_lhs(
        &self,
        rhs: &A,
        op: &str,
        g: Cow<'_, Array<A, D>>,
        df: impl Fn(A, A, A) -> A,
    ) -> Array<A, D> {
        crate::value::assert_same_shape(op, self.shape(), g.shape());
        let b = *rhs;
        zip_into(g, self, |a, g| df(a, b, g))
    }
    #[track_caller]
    fn vjp_rhs(&self, rhs: &A, op: &str, g: Cow<'_, Array<A, D>>, df: impl Fn(A, A, A) -> A) -> A {
        crate::value::assert_same_shape(op, self.shape(), g.shape());
        let b = *rhs;
        let mut sum = A::zero();
        Zip::from(self)
            .and(&*g)
            .for_each(|&a, &g| sum += df(a, b, g));
        sum
    }
}

// array x array, NumPy broadcasting
impl<A, S1, S2, D1, D2> Binary<ArrayBase<S2, D2>> for ArrayBase<S1, D1>
where
    A: Scalar,
    S1: Data<Elem = A>,
    S2: Data<Elem = A>,
    D1: Dimension + DimMax<D2>,
    D2: Dimension,
{
    type Elem = A;
    type Output = Array<A, <D1 as DimMax<D2>>::Output>;
    type LhsGrad = Array<A, D1>;
    type RhsGrad = Array<A, D2>;
    #[track_caller]
    fn map2(&self, rhs: &ArrayBase<S2, D2>, op: &str, f: impl Fn(A, A) -> A) -> Self::Output {
        let shape: <D1 as DimMax<D2>>::Output =
            crate::broadcast_shape(op, self.shape(), rhs.shape());
        let (a, b) = broadcast_pair(op, self, rhs, &shape);
        Zip::from(&a).and(&b).map_collect(|&a, &b| f(a, b))
    }
    #[track_caller]
    fn vjp_lhs(
        &self,
        rhs: &ArrayBase<S2, D2>,
        op: &str,
        g: Cow<'_, Self::Output>,
        df: impl Fn(A, A, A) -> A,
    ) -> Array<A, D1> {
        let full = zip_broadcast(self, rhs, op, g, df);
        unbroadcast(full, &self.raw_dim())
    }
    #[track_caller]
    fn vjp_rhs(
        &self,
        rhs: &ArrayBase<S2, D2>,
        op: &str,
        g: Cow<'_, Self::Output>,
        df: impl Fn(A, A, A) -> A,
    ) -> Array<A, D2> {
        let full = zip_broadcast(self, rhs, op, g, df);
        unbroadcast(full, &rhs.raw_dim())
    }
}

/// Both operands as views of the broadcast shape.
#[track_caller]
fn broadcast_pair<'a, A, S1, S2, D1, D2, E>(
    op: &str,
    a: &'a ArrayBase<S1, D1>,
    b: &'a ArrayBase<S2, D2>,
    shape: &E,
) -> (ndarray::ArrayView<'a, A, E>, ndarray::ArrayView<'a, A, E>)
where
    S1: Data<Elem = A>,
    S2: Data<Elem = A>,
    D1: Dimension,
    D2: Dimension,
    E: Dimension,
{
    match (a.broadcast(shape.clone()), b.broadcast(shape.clone())) {
        (Some(a), Some(b)) => (a, b),
        _ => panic!(
            "{op}: shapes {:?} and {:?} cannot be broadcast together",
            a.shape(),
            b.shape()
        ),
    }
}

/// `df(a, b, g)` over the broadcast shape, `g`'s (before summing back to an operand).
#[track_caller]
fn zip_broadcast<A, S1, S2, D1, D2>(
    a: &ArrayBase<S1, D1>,
    b: &ArrayBase<S2, D2>,
    op: &str,
    g: Cow<'_, Array<A, <D1 as DimMax<D2>>::Output>>,
    df: impl Fn(A, A, A) -> A,
) -> Array<A, <D1 as DimMax<D2>>::Output>
where
    A: Scalar,
    S1: Data<Elem = A>,
    S2: Data<Elem = A>,
    D1: Dimension + DimMax<D2>,
    D2: Dimension,
{
    let shape: <D1 as DimMax<D2>>::Output = crate::broadcast_shape(op, a.shape(), b.shape());
    crate::value::assert_same_shape(op, shape.slice(), g.shape());
    let (av, bv) = broadcast_pair(op, a, b, &shape);
    match g {
        Cow::Owned(mut g) => {
            Zip::from(&mut g)
                .and(&av)
                .and(&bv)
                .for_each(|g, &a, &b| *g = df(a, b, *g));
            g
        }
        Cow::Borrowed(g) => Zip::from(&av)
            .and(&bv)
            .and(g)
            .map_collect(|&a, &b, &g| df(a, b, g)),
    }
}

macro_rules! binary_rules {
    ($(
        $(#[$doc:meta])*
        $name:ident / $op:literal: |$a:ident, $b:ident| $fwd:expr;
        $calc:literal
        $lhs:ident: |$la:pat_param, $lb:pat_param, $lg:pat_param| $lexpr:expr;
        $rhs:ident: |$ra:pat_param, $rb:pat_param, $rg:pat_param| $rexpr:expr;
    )*) => {$(
        $(#[$doc])*
        ///
        /// Works on scalars, arrays (owned or views) and scalar/array mixes, with NumPy
        /// broadcasting; an owned left operand holds the result where it has the result's
        /// shape ([`LeftOperand`](crate::LeftOperand)). **Panics** naming the op and both
        /// shapes if they do not broadcast.
        #[track_caller]
        pub fn $name<L: crate::LeftOperand<R>, R>(a: L, b: &R) -> L::Output {
            a.map2_into(b, $op, |$a, $b| $fwd)
        }

        #[doc = concat!("VJP of [`", stringify!($name), "`] for the left operand: ", $calc, ".")]
        ///
        /// The result has the left operand's shape (broadcast axes are summed away). `g` by
        /// reference, or by value to write the result into its buffer ([`Cotangent`]).
        #[track_caller]
        pub fn $lhs<'g, L: Binary<R>, R>(
            a: &L,
            b: &R,
            g: impl Cotangent<'g, L::Output>,
        ) -> L::LhsGrad
        where
            L::Output: 'g,
        {
            let df: Df<L::Elem> = |$la, $lb, $lg| $lexpr;
            a.vjp_lhs(b, $op, g.into_cow(), df)
        }

        #[doc = concat!("VJP of [`", stringify!($name), "`] for the right operand: ", $calc, ".")]
        ///
        /// The result has the right operand's shape (broadcast axes are summed away). `g` by
        /// reference, or by value to write the result into its buffer ([`Cotangent`]).
        #[track_caller]
        pub fn $rhs<'g, L: Binary<R>, R>(
            a: &L,
            b: &R,
            g: impl Cotangent<'g, L::Output>,
        ) -> L::RhsGrad
        where
            L::Output: 'g,
        {
            let df: Df<L::Elem> = |$ra, $rb, $rg| $rexpr;
            a.vjp_rhs(b, $op, g.into_cow(), df)
        }
    )*};
}

binary_rules! {
    /// `a + b`.
    ///
    /// ```
    /// assert_eq!(autodiff_runtime::add(&1.0, &2.0), 3.0);
    /// ```
    add / "add": |a, b| a + b;
    "y = a + b; da += g, db += g"
    add_vjp_lhs: |_, _, g| g;
    add_vjp_rhs: |_, _, g| g;

    /// `a - b`.
    ///
    /// ```
    /// assert_eq!(autodiff_runtime::sub(&1.0, &2.0), -1.0);
    /// ```
    sub / "sub": |a, b| a - b;
    "y = a - b; da += g, db -= g"
    sub_vjp_lhs: |_, _, g| g;
    sub_vjp_rhs: |_, _, g| -g;

    /// `a * b`.
    ///
    /// ```
    /// assert_eq!(autodiff_runtime::mul(&3.0, &2.0), 6.0);
    /// ```
    mul / "mul": |a, b| a * b;
    "y = a * b; da += g * b, db += g * a"
    mul_vjp_lhs: |_, b, g| g * b;
    mul_vjp_rhs: |a, _, g| g * a;

    /// `a / b`.
    ///
    /// ```
    /// assert_eq!(autodiff_runtime::div(&3.0, &2.0), 1.5);
    /// ```
    div / "div": |a, b| a / b;
    "y = a / b; da += g / b, db -= g * y / b (y computed again: the VJPs read the operands)"
    div_vjp_lhs: |_, b, g| g / b;
    div_vjp_rhs: |a, b, g| -g * (a / b) / b;

    /// `a.powf(b)`: differentiable in the base and the exponent.
    ///
    /// ```
    /// assert_eq!(autodiff_runtime::powf(&2.0, &3.0), 8.0);
    /// ```
    powf / "powf": |a, b| a.powf(b);
    "y = a^b; da += g * b * a^(b-1), db += g * y * ln a (y computed again: the VJPs read the operands)"
    powf_vjp_base: |a, b, g| g * b * a.powf(b - <L::Elem as num_traits::One>::one());
    powf_vjp_exp: |a, b, g| {
        let y = a.powf(b);
        if y == <L::Elem as num_traits::Zero>::zero() { y } else { g * y * a.ln() }
    };
}

/// `-x`; an owned array is negated in place ([`Operand`](crate::Operand)).
///
/// ```
/// assert_eq!(autodiff_runtime::neg(&2.0), -2.0);
/// ```
pub fn neg<X: crate::Operand>(x: X) -> X::Owned {
    x.map_into(|v| -v)
}

/// VJP of [`neg`]: y = -x; dx -= g. Reads the output `y` (for its shape); `g` by reference or
/// by value ([`Cotangent`]).
#[track_caller]
pub fn neg_vjp<'g, T: Value>(y: &T, g: impl Cotangent<'g, T::Owned>) -> T::Owned
where
    T::Owned: 'g,
{
    y.zip_elems("neg", g.into_cow(), |_, g| -g)
}
