//! An operand's shape, all that the VJPs of `+` and `-` read of it: the reverse sweep keeps
//! (or takes) the shape instead of the value, and sums the output's adjoint back to it.
use crate::broadcast::{unbroadcast, unbroadcast_view};
use crate::Scalar;
use ndarray::{Array, ArrayBase, Data, Dimension};

/// The shape of a scalar operand of type `A` (zero-sized; the type keeps the impls for a
/// scalar cotangent and for a borrowed one apart, so that both hold for a generic float).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ScalarShape<A>(std::marker::PhantomData<A>);

impl<A> ScalarShape<A> {
    /// The shape of a scalar.
    pub const fn new() -> Self {
        ScalarShape(std::marker::PhantomData)
    }
}

/// The shape of an array operand (its dimension).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArrayShape<D>(pub D);

/// A value whose shape can be kept apart from it.
pub trait Shaped {
    /// [`ScalarShape`] or [`ArrayShape`].
    type Shape;
    /// The shape of `self`.
    fn shape_of(&self) -> Self::Shape;
}

macro_rules! scalar_shaped {
    ($($({$($g:tt)*})? $t:ty),*) => {$(
        impl<$($($g)*)?> Shaped for $t {
            type Shape = ScalarShape<$t>;
            #[inline]
            fn shape_of(&self) -> ScalarShape<$t> {
                ScalarShape::new()
            }
        }
    )*};
}
scalar_shaped!(f32, f64, {A: Scalar} crate::Dual<A>);

impl<A, S: Data<Elem = A>, D: Dimension> Shaped for ArrayBase<S, D> {
    type Shape = ArrayShape<D>;
    #[inline]
    fn shape_of(&self) -> ArrayShape<D> {
        ArrayShape(self.raw_dim())
    }
}

// A shape is its own shape: `sum_to` takes a kept shape or the operand itself.
impl<A: Copy> Shaped for ScalarShape<A> {
    type Shape = ScalarShape<A>;
    #[inline]
    fn shape_of(&self) -> ScalarShape<A> {
        *self
    }
}

impl<D: Dimension> Shaped for ArrayShape<D> {
    type Shape = ArrayShape<D>;
    #[inline]
    fn shape_of(&self) -> ArrayShape<D> {
        self.clone()
    }
}

// A reference has its referent's shape: `sum_vjp(&x, g)` where `x` is itself a reference.
impl<T: Shaped + ?Sized> Shaped for &T {
    type Shape = T::Shape;
    #[inline]
    fn shape_of(&self) -> T::Shape {
        (**self).shape_of()
    }
}

/// The shape of a value (what a `+`/`-` VJP keeps of its operands).
///
/// ```
/// use autodiff_runtime::{shape_of, ArrayShape, ScalarShape};
/// assert_eq!(shape_of(&2.0_f64), ScalarShape::new());
/// assert_eq!(shape_of(&ndarray::array![1.0, 2.0]), ArrayShape(ndarray::Ix1(2)));
/// ```
#[inline]
pub fn shape_of<T: Shaped>(value: &T) -> T::Shape {
    value.shape_of()
}

/// An output adjoint `G` summed back to a shape (over the axes that were broadcast). `G` is
/// the cotangent as passed: borrowed, or owned when the caller is done with it
/// ([`Cotangent`](crate::Cotangent)), in which case an operand of the output's shape gets its buffer.
pub trait SumTo<G> {
    /// The gradient of an operand of this shape.
    type Grad;
    /// `g` summed to this shape.
    fn sum_to(&self, g: G) -> Self::Grad;
}

impl<A: Scalar> SumTo<A> for ScalarShape<A> {
    type Grad = A;
    #[inline]
    fn sum_to(&self, g: A) -> A {
        g
    }
}

impl<A: Scalar> SumTo<&A> for ScalarShape<A> {
    type Grad = A;
    #[inline]
    fn sum_to(&self, g: &A) -> A {
        *g
    }
}

/// The scalar operand of a scalar/array operation: the whole adjoint summed.
impl<A: Scalar, E: Dimension> SumTo<Array<A, E>> for ScalarShape<A> {
    type Grad = A;
    fn sum_to(&self, g: Array<A, E>) -> A {
        g.sum()
    }
}

impl<A: Scalar, E: Dimension> SumTo<&Array<A, E>> for ScalarShape<A> {
    type Grad = A;
    fn sum_to(&self, g: &Array<A, E>) -> A {
        g.sum()
    }
}

impl<A: Scalar, D: Dimension, E: Dimension> SumTo<Array<A, E>> for ArrayShape<D> {
    type Grad = Array<A, D>;
    #[track_caller]
    fn sum_to(&self, g: Array<A, E>) -> Array<A, D> {
        unbroadcast(g, &self.0)
    }
}

impl<A: Scalar, D: Dimension, E: Dimension> SumTo<&Array<A, E>> for ArrayShape<D> {
    type Grad = Array<A, D>;
    #[track_caller]
    fn sum_to(&self, g: &Array<A, E>) -> Array<A, D> {
        unbroadcast_view(g.view(), &self.0)
    }
}

/// VJP of [`add`](crate::add) for either operand, and of [`sub`](crate::sub) for the left
/// one, from the operand's shape (kept, or read off the operand itself): y = a ± b; da += g,
/// summed over the broadcast axes. `g` by reference, or by value when the caller is done with
/// it ([`Cotangent`](crate::Cotangent)): an operand of the output's shape then gets `g`'s buffer, no copy.
///
/// ```
/// use autodiff_runtime::{shape_of, sum_to};
/// let bias = ndarray::array![0.5, -0.5];
/// let g = ndarray::array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]];
/// assert_eq!(sum_to(&shape_of(&bias), &g), ndarray::array![9.0, 12.0]);
/// assert_eq!(sum_to(&bias, &g), ndarray::array![9.0, 12.0]);
/// ```
#[track_caller]
#[inline]
pub fn sum_to<T: Shaped, G>(of: &T, g: G) -> <T::Shape as SumTo<G>>::Grad
where
    T::Shape: SumTo<G>,
{
    of.shape_of().sum_to(g)
}

/// VJP of [`sub`](crate::sub) for the right operand, from its shape (kept, or read off the
/// operand): y = a - b; db += -g, summed over the broadcast axes. `g` by reference or by value,
/// as for [`sum_to`].
///
/// ```
/// use autodiff_runtime::{neg_sum_to, shape_of};
/// assert_eq!(neg_sum_to(&shape_of(&1.0_f64), &ndarray::array![1.0, 2.0]), -3.0);
/// assert_eq!(neg_sum_to(&1.0_f64, &ndarray::array![1.0, 2.0]), -3.0);
/// ```
#[track_caller]
#[inline]
pub fn neg_sum_to<T: Shaped, G>(of: &T, g: G) -> <T::Shape as SumTo<G>>::Grad
where
    T::Shape: SumTo<G>,
    <T::Shape as SumTo<G>>::Grad: std::ops::Neg<Output = <T::Shape as SumTo<G>>::Grad>,
{
    -of.shape_of().sum_to(g)
}

/// Pushes an entry of shapes on a tape, unless it is zero-sized (only scalar shapes): the
/// reverse sweep then makes it again with [`pop_shapes`], so a loop whose VJPs read only
/// scalar shapes keeps no tape at all.
///
/// ```
/// use autodiff_runtime::{pop_shapes, push_shapes, ScalarShape};
/// let mut tape = Vec::new();
/// push_shapes(&mut tape, (ScalarShape::<f64>::new(), ScalarShape::<f64>::new()));
/// assert!(tape.is_empty());
/// assert_eq!(pop_shapes(&mut tape), (ScalarShape::new(), ScalarShape::new()));
/// ```
#[inline]
pub fn push_shapes<S: crate::RegionTape>(tape: &mut S, entry: S::Entry) {
    if std::mem::size_of::<S::Entry>() != 0 {
        tape.push_entry(entry);
    }
}

/// Takes the next entry of shapes off a tape written by [`push_shapes`].
///
/// **Panics** on an empty tape of sized entries, which would be a bug in the generated code.
#[track_caller]
#[inline]
pub fn pop_shapes<S: crate::RegionTape>(tape: &mut S) -> S::Entry
where
    S::Entry: Default,
{
    if std::mem::size_of::<S::Entry>() == 0 {
        S::Entry::default()
    } else {
        crate::pop(tape)
    }
}
