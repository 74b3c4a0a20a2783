//! `num_traits` identities and conversions for [`Dual`]: conversions in give a zero tangent,
//! conversions out read `re`.
use super::Dual;
use crate::Scalar;
use num_traits::{FromPrimitive, Num, NumCast, One, Signed, ToPrimitive, Zero};

impl<A: Scalar> Zero for Dual<A> {
    #[inline]
    fn zero() -> Self {
        Dual::constant(A::zero())
    }
    /// Both parts zero.
    #[inline]
    fn is_zero(&self) -> bool {
        self.re.is_zero() && self.eps.is_zero()
    }
}

impl<A: Scalar> One for Dual<A> {
    #[inline]
    fn one() -> Self {
        Dual::constant(A::one())
    }
}

/// Parses the value (`A::from_str_radix`); the tangent is zero.
///
/// ```
/// use autodiff_runtime::Dual;
/// use num_traits::Num;
/// assert_eq!(Dual::<f64>::from_str_radix("2.5", 10).ok(), Some(Dual::new(2.5, 0.0)));
/// ```
impl<A: Scalar> Num for Dual<A> {
    type FromStrRadixErr = A::FromStrRadixErr;
    fn from_str_radix(s: &str, radix: u32) -> Result<Self, Self::FromStrRadixErr> {
        A::from_str_radix(s, radix).map(Dual::constant)
    }
}

/// A constant of the converted value.
impl<A: Scalar> NumCast for Dual<A> {
    fn from<T: ToPrimitive>(n: T) -> Option<Self> {
        <A as NumCast>::from(n).map(Dual::constant)
    }
}

macro_rules! to_primitive {
    ($($f:ident -> $t:ty),*) => {
        /// Converts `re`.
        impl<A: Scalar> ToPrimitive for Dual<A> {
            $(
                #[inline]
                fn $f(&self) -> Option<$t> {
                    self.re.$f()
                }
            )*
        }
    };
}
to_primitive!(
    to_isize -> isize, to_i8 -> i8, to_i16 -> i16, to_i32 -> i32, to_i64 -> i64,
    to_i128 -> i128, to_usize -> usize, to_u8 -> u8, to_u16 -> u16, to_u32 -> u32,
    to_u64 -> u64, to_u128 -> u128, to_f32 -> f32, to_f64 -> f64
);

macro_rules! from_primitive {
    ($($f:ident($t:ty)),*) => {
        /// A constant of the converted value.
        impl<A: Scalar> FromPrimitive for Dual<A> {
            $(
                #[inline]
                fn $f(n: $t) -> Option<Self> {
                    A::$f(n).map(Dual::constant)
                }
            )*
        }
    };
}
from_primitive!(
    from_isize(isize),
    from_i8(i8),
    from_i16(i16),
    from_i32(i32),
    from_i64(i64),
    from_i128(i128),
    from_usize(usize),
    from_u8(u8),
    from_u16(u16),
    from_u32(u32),
    from_u64(u64),
    from_u128(u128),
    from_f32(f32),
    from_f64(f64)
);

/// The `Float` rules of the same names (`abs` and `signum` by the sign of `re`).
impl<A: Scalar> Signed for Dual<A> {
    #[inline]
    fn abs(&self) -> Self {
        num_traits::Float::abs(*self)
    }
    #[inline]
    fn abs_sub(&self, other: &Self) -> Self {
        num_traits::Float::abs_sub(*self, *other)
    }
    #[inline]
    fn signum(&self) -> Self {
        num_traits::Float::signum(*self)
    }
    #[inline]
    fn is_positive(&self) -> bool {
        self.re.is_sign_positive()
    }
    #[inline]
    fn is_negative(&self) -> bool {
        self.re.is_sign_negative()
    }
}
