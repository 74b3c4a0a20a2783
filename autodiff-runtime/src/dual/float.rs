//! `num_traits::Float` for [`Dual`]: each method's value on `re`, its tangent by the exact
//! derivative rule (one line each, the calculus in the comment). A unary rule goes through
//! [`Dual::chain`], which leaves a zero tangent zero even where the derivative is infinite.
use super::Dual;
use crate::Scalar;
use num_traits::Float;
use std::num::FpCategory;

/// Constants with a zero tangent, and predicates of `re`.
macro_rules! constants_and_predicates {
    (consts: $($c:ident),*; predicates: $($p:ident),*) => {
        $(
            #[inline]
            fn $c() -> Self {
                Dual::constant(A::$c())
            }
        )*
        $(
            #[inline]
            fn $p(self) -> bool {
                self.re.$p()
            }
        )*
    };
}

/// Unary rules `y = f(x); dy = dx · f'(x)`, the derivative from `x` (and `y` where that is
/// cheaper).
macro_rules! unary {
    ($($f:ident: |$x:ident, $y:ident| $df:expr;)*) => {$(
        #[inline]
        fn $f(self) -> Self {
            let $x = self.re;
            let $y = $x.$f();
            self.chain($y, || $df)
        }
    )*};
}

/// `2` in `A`.
#[inline]
fn two<A: Scalar>() -> A {
    A::one() + A::one()
}

/// `n / d`, 0 where `d` is 0 (the subgradient at a kink such as `hypot` at the origin).
#[inline]
fn ratio<A: Scalar>(n: A, d: A) -> A {
    if d.is_zero() {
        A::zero()
    } else {
        n / d
    }
}

/// The sign of `x` as a factor: 1, -1, or 0 at 0 (and at NaN).
#[inline]
fn sign<A: Scalar>(x: A) -> A {
    if x > A::zero() {
        A::one()
    } else if x < A::zero() {
        -A::one()
    } else {
        A::zero()
    }
}

/// Every method of `num_traits::Float` with its derivative rule on `eps`.
///
/// ```
/// use autodiff_runtime::Dual;
/// use num_traits::Float;
/// let x = Dual::new(0.5_f64, 1.0);
/// assert_eq!(x.exp().eps, 0.5_f64.exp());
/// assert_eq!(x.powi(3).eps, 3.0 * 0.25);
/// assert_eq!(x.floor().eps, 0.0);
/// assert_eq!(x.max(Dual::new(0.25, 7.0)), x); // selected by `re`, tangent with it
/// ```
impl<A: Scalar> Float for Dual<A> {
    constants_and_predicates! {
        consts: nan, infinity, neg_infinity, neg_zero, min_value, min_positive_value, epsilon,
            max_value;
        predicates: is_nan, is_infinite, is_finite, is_normal, is_subnormal, is_sign_positive,
            is_sign_negative
    }

    #[inline]
    fn classify(self) -> FpCategory {
        self.re.classify()
    }

    #[inline]
    fn integer_decode(self) -> (u64, i16, i8) {
        self.re.integer_decode()
    }

    // Piecewise constant: y = floor(x) etc.; dy = 0.
    #[inline]
    fn floor(self) -> Self {
        Dual::constant(self.re.floor())
    }
    #[inline]
    fn ceil(self) -> Self {
        Dual::constant(self.re.ceil())
    }
    #[inline]
    fn round(self) -> Self {
        Dual::constant(self.re.round())
    }
    #[inline]
    fn trunc(self) -> Self {
        Dual::constant(self.re.trunc())
    }
    // y = signum(x); dy = 0.
    #[inline]
    fn signum(self) -> Self {
        Dual::constant(self.re.signum())
    }
    // y = x - trunc(x); dy = dx.
    #[inline]
    fn fract(self) -> Self {
        Dual::new(self.re.fract(), self.eps)
    }
    // y = |x|; dy = sign(x) dx, 0 at x = 0.
    #[inline]
    fn abs(self) -> Self {
        Dual::new(self.re.abs(), self.eps * sign(self.re))
    }
    // Linear: y = x · 180/π; dy = dx · 180/π (and back).
    #[inline]
    fn to_degrees(self) -> Self {
        Dual::new(self.re.to_degrees(), self.eps.to_degrees())
    }
    #[inline]
    fn to_radians(self) -> Self {
        Dual::new(self.re.to_radians(), self.eps.to_radians())
    }

    unary! {
        // y = 1/x; dy = -dx y²
        recip: |x, y| -(y * y);
        // y = √x; dy = dx / (2y)
        sqrt: |x, y| (two::<A>() * y).recip();
        // y = ∛x; dy = dx / (3y²)
        cbrt: |x, y| (A::of_f64(3.0) * y * y).recip();
        // y = eˣ; dy = dx y
        exp: |x, y| y;
        // y = 2ˣ; dy = dx y ln 2
        exp2: |x, y| y * A::of_f64(std::f64::consts::LN_2);
        // y = eˣ - 1; dy = dx (y + 1)
        exp_m1: |x, y| y + A::one();
        // y = ln x; dy = dx / x
        ln: |x, y| x.recip();
        // y = log₂ x; dy = dx / (x ln 2)
        log2: |x, y| (x * A::of_f64(std::f64::consts::LN_2)).recip();
        // y = log₁₀ x; dy = dx / (x ln 10)
        log10: |x, y| (x * A::of_f64(std::f64::consts::LN_10)).recip();
        // y = ln(1 + x); dy = dx / (1 + x)
        ln_1p: |x, y| (A::one() + x).recip();
        // y = sin x; dy = dx cos x
        sin: |x, y| x.cos();
        // y = cos x; dy = -dx sin x
        cos: |x, y| -x.sin();
        // y = tan x; dy = dx (1 + y²)
        tan: |x, y| A::one() + y * y;
        // y = asin x; dy = dx / √(1 - x²)
        asin: |x, y| (A::one() - x * x).sqrt().recip();
        // y = acos x; dy = -dx / √(1 - x²)
        acos: |x, y| -(A::one() - x * x).sqrt().recip();
        // y = atan x; dy = dx / (1 + x²)
        atan: |x, y| (A::one() + x * x).recip();
        // y = sinh x; dy = dx cosh x
        sinh: |x, y| x.cosh();
        // y = cosh x; dy = dx sinh x
        cosh: |x, y| x.sinh();
        // y = tanh x; dy = dx (1 - y²)
        tanh: |x, y| A::one() - y * y;
        // y = asinh x; dy = dx / √(x² + 1)
        asinh: |x, y| (x * x + A::one()).sqrt().recip();
        // y = acosh x; dy = dx / √(x² - 1)
        acosh: |x, y| (x * x - A::one()).sqrt().recip();
        // y = atanh x; dy = dx / (1 - x²)
        atanh: |x, y| (A::one() - x * x).recip();
    }

    // y = (sin x, cos x); dy = (dx cos x, -dx sin x)
    #[inline]
    fn sin_cos(self) -> (Self, Self) {
        let (s, c) = self.re.sin_cos();
        (self.chain(s, || c), self.chain(c, || -s))
    }

    // y = xⁿ; dy = dx n xⁿ⁻¹ (0 for n = 0)
    #[inline]
    fn powi(self, n: i32) -> Self {
        let x = self.re;
        self.chain(x.powi(n), || {
            if n == 0 {
                A::zero()
            } else {
                A::of_f64(f64::from(n)) * x.powi(n - 1)
            }
        })
    }

    // y = aᵇ; dy = da b aᵇ⁻¹ + db y ln a (the second term 0 where y = 0)
    #[inline]
    fn powf(self, n: Self) -> Self {
        let (a, b) = (self.re, n.re);
        let y = a.powf(b);
        let base = self.chain(y, || b * a.powf(b - A::one())).eps;
        let exponent = if n.eps.is_zero() || y.is_zero() {
            A::zero()
        } else {
            n.eps * y * a.ln()
        };
        Dual::new(y, base + exponent)
    }

    // y = ln x / ln b; dy = dx / (x ln b) - db ln x / (b ln² b)
    #[inline]
    fn log(self, base: Self) -> Self {
        let q = self.ln() / base.ln();
        Dual::new(self.re.log(base.re), q.eps)
    }

    // y = x a + b; dy = dx a + x da + db
    #[inline]
    fn mul_add(self, a: Self, b: Self) -> Self {
        Dual::new(
            self.re.mul_add(a.re, b.re),
            self.eps * a.re + self.re * a.eps + b.eps,
        )
    }

    // y = the operand with the larger (smaller) re, its tangent with it; a NaN operand gives
    // the other one, a tie gives `self`.
    #[inline]
    fn max(self, other: Self) -> Self {
        if self.re.is_nan() || other.re > self.re {
            other
        } else {
            self
        }
    }
    #[inline]
    fn min(self, other: Self) -> Self {
        if self.re.is_nan() || other.re < self.re {
            other
        } else {
            self
        }
    }
    // y = min(max(x, lo), hi), the selected operand's tangent.
    #[inline]
    fn clamp(self, min: Self, max: Self) -> Self {
        if self.re < min.re {
            min
        } else if self.re > max.re {
            max
        } else {
            self
        }
    }

    // y = max(x - o, 0); dy = dx - do where x > o, else 0.
    #[inline]
    fn abs_sub(self, other: Self) -> Self {
        if self.re <= other.re {
            Dual::constant(A::zero())
        } else {
            self - other
        }
    }

    // y = √(x² + o²); dy = (x dx + o do) / y, 0 at the origin.
    #[inline]
    fn hypot(self, other: Self) -> Self {
        let y = self.re.hypot(other.re);
        Dual::new(y, ratio(self.re * self.eps + other.re * other.eps, y))
    }

    // y = atan2(s, o); dy = (o ds - s do) / (s² + o²)
    #[inline]
    fn atan2(self, other: Self) -> Self {
        let (s, o) = (self.re, other.re);
        Dual::new(
            s.atan2(o),
            ratio(o * self.eps - s * other.eps, s * s + o * o),
        )
    }

    // y = |x| with the sign of s; dy = ±dx (- where the sign flips).
    #[inline]
    fn copysign(self, sign: Self) -> Self {
        let y = self.re.copysign(sign.re);
        let eps = if y.is_sign_negative() == self.re.is_sign_negative() {
            self.eps
        } else {
            -self.eps
        };
        Dual::new(y, eps)
    }
}
