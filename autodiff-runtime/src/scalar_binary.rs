//! Methods of two scalars: `a.max(b)`, `a.min(b)`, `a.atan2(b)`, `a.hypot(b)`. Each rule is
//! one line of the table: the forward, then the partial adjoint of `a` and of `b` from the
//! operands and the output's adjoint `g`.
use crate::Scalar;

macro_rules! scalar_binary_rules {
    ($(
        $(#[$doc:meta])*
        $name:ident, $lhs:ident, $rhs:ident, $calc:literal:
            |$a:ident, $b:ident| $fwd:expr,
            |$la:pat_param, $lb:pat_param, $lg:pat_param| $lexpr:expr,
            |$ra:pat_param, $rb:pat_param, $rg:pat_param| $rexpr:expr;
    )*) => {$(
        $(#[$doc])*
        ///
        /// ```
        #[doc = concat!("let y = autodiff_runtime::", stringify!($name), "(&0.5_f64, &2.0);")]
        #[doc = concat!("assert_eq!(y, 0.5_f64.", stringify!($name), "(2.0));")]
        /// ```
        pub fn $name<A: Scalar>($a: &A, $b: &A) -> A {
            let ($a, $b) = (*$a, *$b);
            $fwd
        }

        #[doc = concat!("VJP of [`", stringify!($name), "`] for `a`: ", $calc, ".")]
        pub fn $lhs<A: Scalar>(a: &A, b: &A, g: &A) -> A {
            let ($la, $lb, $lg) = (*a, *b, *g);
            $lexpr
        }

        #[doc = concat!("VJP of [`", stringify!($name), "`] for `b`: ", $calc, ".")]
        pub fn $rhs<A: Scalar>(a: &A, b: &A, g: &A) -> A {
            let ($ra, $rb, $rg) = (*a, *b, *g);
            $rexpr
        }
    )*};
}

scalar_binary_rules! {
    /// The larger of `a` and `b`, as `f64::max` (a NaN operand gives the other one).
    max, max_vjp_lhs, max_vjp_rhs, "y = max(a, b); the returned operand gets g, `a` at a tie":
        |a, b| a.max(b),
        |a, b, g| if a >= b || b.is_nan() { g } else { A::zero() },
        |a, b, g| if a >= b || b.is_nan() { A::zero() } else { g };
    /// The smaller of `a` and `b`, as `f64::min` (a NaN operand gives the other one).
    min, min_vjp_lhs, min_vjp_rhs, "y = min(a, b); the returned operand gets g, `a` at a tie":
        |a, b| a.min(b),
        |a, b, g| if a <= b || b.is_nan() { g } else { A::zero() },
        |a, b, g| if a <= b || b.is_nan() { A::zero() } else { g };
    /// The four-quadrant arctangent of `a / b` (`a.atan2(b)`, `a` the y coordinate).
    atan2, atan2_vjp_lhs, atan2_vjp_rhs, "y = atan2(a, b); da += g b / (a^2 + b^2), db -= g a / (a^2 + b^2)":
        |a, b| a.atan2(b),
        |a, b, g| g * b / (a * a + b * b),
        |a, b, g| -(g * a / (a * a + b * b));
    /// `sqrt(a^2 + b^2)` without overflow (`a.hypot(b)`).
    hypot, hypot_vjp_lhs, hypot_vjp_rhs, "y = hypot(a, b); da += g a / y, db += g b / y (0 at a = b = 0)":
        |a, b| a.hypot(b),
        |a, b, g| ratio(g * a, a.hypot(b)),
        |a, b, g| ratio(g * b, a.hypot(b));
}

/// `n / d`, 0 where `d` is 0 (the subgradient of `hypot` at the origin).
fn ratio<A: Scalar>(n: A, d: A) -> A {
    if d == A::zero() {
        A::zero()
    } else {
        n / d
    }
}
