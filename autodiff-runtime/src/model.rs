//! Struct parameters (`m: &Mlp`, `&self`): the tape holds the struct as a [`Model`], a field
//! read (`&m.layers[i].w`) is a view of that field ([`field`]), and its VJP adds the
//! cotangent into the same field of a gradient struct ([`FieldGrad`]), made of zeros by the
//! first read that reaches it. The path to the field is a pair of closures the macro writes
//! ([`field_path`]): one to read the parameter, one to write the gradient.
use crate::{Adjoint, Contribution, Cotangent, Differentiable, Float, Scaled, Slot};
use ndarray::{Array, Array1, Dimension, Zip};
use std::borrow::Cow;

/// A struct parameter on the tape: borrowed from the caller, or owned (a pullback keeps its
/// own copy, so that it borrows nothing from its caller).
#[derive(Clone, Debug)]
pub struct Model<'a, S: Clone>(Cow<'a, S>);

impl<'a, S: Clone> Model<'a, S> {
    /// The parameter, borrowed.
    ///
    /// ```
    /// let w = vec![1.0_f64, 2.0];
    /// let m = autodiff_runtime::Model::new(&w);
    /// assert_eq!(m.len(), 2);
    /// ```
    pub fn new(value: &'a S) -> Self {
        crate::retain_freed_heap();
        Model(Cow::Borrowed(value))
    }

    /// The parameter, owned.
    pub fn owned(value: S) -> Self {
        crate::retain_freed_heap();
        Model(Cow::Owned(value))
    }
}

impl<S: Clone> std::ops::Deref for Model<'_, S> {
    type Target = S;
    fn deref(&self) -> &S {
        &self.0
    }
}

/// The adjoint of a struct parameter: a value of the struct's own type whose leaves hold the
/// partial derivatives.
#[derive(Clone, Debug)]
pub struct ModelGrad<S>(pub S);

impl<S: Differentiable> Adjoint for ModelGrad<S> {
    /// Leafwise sum; a leaf hollow on one side takes the other's.
    #[track_caller]
    fn accumulate(&mut self, mut other: Self) {
        self.0.fill_hollow(&other.0);
        other.0.fill_hollow(&self.0);
        self.0.add_assign_from(&other.0);
    }
}

impl<A: Float, S: Differentiable> Scaled<A> for ModelGrad<S> {
    fn scaled(mut self, by: A) -> Self {
        if by != A::one() {
            self.0.scale_by(by);
        }
        self
    }
}

impl<S: Differentiable> Slot for Model<'_, S> {
    type Adjoint = ModelGrad<S>;
    type Grad = S;
    fn zero_grad(&self) -> S {
        self.zero_like()
    }
    /// The adjoint as the gradient, with the skipped fields cloned from the parameter (a
    /// skipped float field read in the body collects an adjoint that is not its gradient).
    fn grad_of(&self, adjoint: Option<ModelGrad<S>>) -> S {
        match adjoint {
            Some(ModelGrad(mut grad)) => {
                grad.fill_hollow(self);
                grad.copy_skipped(self);
                grad
            }
            None => self.zero_like(),
        }
    }
}

/// Where a field read goes: `read` finds the field in the parameter, `write` the same field
/// in its gradient. Both capture only the indices of the path, so the path is `Copy`.
#[derive(Clone, Copy, Debug)]
pub struct FieldPath<F, G> {
    read: F,
    write: G,
    /// The path ends in an index (`m.b[0]`, `m.ws[i]`): the element may be inside an array
    /// leaf, so the gradient's leaves are filled before the write (none may be hollow).
    dense: bool,
}

/// The path of a field read. `base` only fixes the struct type for the closures.
///
/// ```
/// use autodiff_runtime::{Model, field, field_path};
/// let pair = (vec![1.0_f64, 2.0], 3.0_f64);
/// let m = Model::new(&pair);
/// let path = field_path(&m, |s| &s.1, |s| &mut s.1);
/// assert_eq!(field(&m, path), 3.0);
/// ```
pub fn field_path<S, L, F, G>(_base: &Model<'_, S>, read: F, write: G) -> FieldPath<F, G>
where
    S: Clone,
    L: ?Sized,
    F: Fn(&S) -> &L + Copy,
    G: Fn(&mut S) -> &mut L + Copy,
{
    FieldPath {
        read,
        write,
        dense: false,
    }
}

/// [`field_path`] for a path that ends in an index (`m.b[0]`, `m.ws[i]`).
pub fn field_path_indexed<S, L, F, G>(base: &Model<'_, S>, read: F, write: G) -> FieldPath<F, G>
where
    S: Clone,
    L: ?Sized,
    F: Fn(&S) -> &L + Copy,
    G: Fn(&mut S) -> &mut L + Copy,
{
    FieldPath {
        dense: true,
        ..field_path(base, read, write)
    }
}

/// A field read (`m.temperature`, `&m.layers[i].w`): the field as a tape value (a scalar, or
/// a view of an array or of a float `Vec`).
#[track_caller]
pub fn field<'b, S, L, F, G>(
    base: &'b Model<'_, S>,
    path: FieldPath<F, G>,
) -> <L as FieldRead<'b>>::Value
where
    S: Clone,
    L: ?Sized + FieldRead<'b> + 'b,
    F: Fn(&S) -> &L,
{
    (path.read)(base).read()
}

/// A field read that owns its data (in a pullback, which keeps its values).
#[track_caller]
pub fn field_owned<'b, S, L, F, G>(
    base: &'b Model<'_, S>,
    path: FieldPath<F, G>,
) -> <L as FieldRead<'b>>::Owned
where
    S: Clone,
    L: ?Sized + FieldRead<'b> + 'b,
    F: Fn(&S) -> &L,
{
    (path.read)(base).read_owned()
}

/// The field itself, by reference: what a differentiated callee receives for `&m.b`.
pub fn field_ref<'b, S, L, F, G>(base: &'b Model<'_, S>, path: FieldPath<F, G>) -> &'b L
where
    S: Clone,
    L: ?Sized + 'b,
    F: Fn(&S) -> &L,
{
    (path.read)(base)
}

/// A field type a body reads as a value: a float (a copy), a float array or a float `Vec` /
/// `[T; N]` (a view). The lifetime is the borrow of the parameter, so that `T: Float` can
/// require `for<'a> FieldRead<'a, Value = T>` of a generic scalar.
pub trait FieldRead<'a> {
    /// The tape value: the scalar, or a view.
    type Value;
    /// The same, owning its data.
    type Owned;
    /// The field as a tape value.
    fn read(&'a self) -> Self::Value;
    /// The field as an owned tape value.
    fn read_owned(&'a self) -> Self::Owned;
}

macro_rules! scalar_field {
    ($($t:ty),*) => {$(
        impl<'a> FieldRead<'a> for $t {
            type Value = $t;
            type Owned = $t;
            fn read(&'a self) -> $t {
                *self
            }
            fn read_owned(&'a self) -> $t {
                *self
            }
        }
    )*};
}
scalar_field!(f32, f64);

impl<'a, A: crate::Scalar> FieldRead<'a> for crate::Dual<A> {
    type Value = Self;
    type Owned = Self;
    fn read(&'a self) -> Self {
        *self
    }
    fn read_owned(&'a self) -> Self {
        *self
    }
}

impl<'a, A: crate::Scalar, D: Dimension + 'a> FieldRead<'a> for Array<A, D> {
    type Value = ndarray::ArrayView<'a, A, D>;
    type Owned = Array<A, D>;
    fn read(&'a self) -> Self::Value {
        self.view()
    }
    fn read_owned(&'a self) -> Array<A, D> {
        self.clone()
    }
}

impl<'a, A: crate::Scalar> FieldRead<'a> for Vec<A> {
    type Value = ndarray::ArrayView1<'a, A>;
    type Owned = Array1<A>;
    fn read(&'a self) -> Self::Value {
        ndarray::ArrayView1::from(self.as_slice())
    }
    fn read_owned(&'a self) -> Array1<A> {
        Array1::from(self.clone())
    }
}

impl<'a, A: crate::Scalar, const N: usize> FieldRead<'a> for [A; N] {
    type Value = ndarray::ArrayView1<'a, A>;
    type Owned = Array1<A>;
    fn read(&'a self) -> Self::Value {
        ndarray::ArrayView1::from(&self[..])
    }
    fn read_owned(&'a self) -> Array1<A> {
        Array1::from(self.to_vec())
    }
}

/// VJP of [`field`]: y = m.path; the gradient struct's field at `path` += g (the cotangent
/// by value where the sweep is done with it: it then moves into a hollow field, no copy).
pub fn field_vjp<'b, 'c, S, F, G, O>(
    base: &'b Model<'_, S>,
    path: FieldPath<F, G>,
    g: impl Cotangent<'c, O>,
) -> FieldGrad<'b, 'c, S, G, O>
where
    S: Clone,
    O: Clone + 'c,
{
    FieldGrad {
        base,
        write: path.write,
        dense: path.dense,
        g: g.into_cow(),
    }
}

/// The cotangent of one field read, added into the struct's adjoint at its field.
pub struct FieldGrad<'b, 'c, S, G, O: Clone> {
    base: &'b S,
    write: G,
    dense: bool,
    g: Cow<'c, O>,
}

impl<S, L, G, O> Contribution for FieldGrad<'_, '_, S, G, O>
where
    S: Differentiable,
    L: ?Sized + Leaf<O>,
    G: Fn(&mut S) -> &mut L,
    O: Clone,
{
    type Adjoint = ModelGrad<S>;
    /// The first contribution: a hollow gradient (no array allocated), this field set.
    fn into_adjoint(self) -> ModelGrad<S> {
        let mut grad = ModelGrad(self.base.hollow_like());
        self.add_into(&mut grad);
        grad
    }
    #[track_caller]
    fn add_into(self, adjoint: &mut ModelGrad<S>) {
        if self.dense {
            adjoint.0.fill_hollow(self.base);
        }
        (self.write)(&mut adjoint.0).add_cotangent(self.g);
    }
}

/// A field type a body reads as a value, and how a cotangent of that value adds into it.
pub trait Leaf<O: Clone> {
    /// `self += g`, elementwise; a hollow array leaf (see
    /// [`Differentiable::hollow_like`]) takes `g` itself.
    fn add_cotangent(&mut self, g: Cow<'_, O>);
}

impl Leaf<f32> for f32 {
    fn add_cotangent(&mut self, g: Cow<'_, f32>) {
        *self += *g;
    }
}

impl Leaf<f64> for f64 {
    fn add_cotangent(&mut self, g: Cow<'_, f64>) {
        *self += *g;
    }
}

impl<A: crate::Scalar> Leaf<crate::Dual<A>> for crate::Dual<A> {
    fn add_cotangent(&mut self, g: Cow<'_, crate::Dual<A>>) {
        *self += *g;
    }
}

impl<A: Float, D: Dimension> Leaf<Array<A, D>> for Array<A, D> {
    #[track_caller]
    fn add_cotangent(&mut self, g: Cow<'_, Array<A, D>>) {
        if self.is_empty() {
            *self = g.into_owned();
            return;
        }
        crate::value::assert_same_shape("field read", self.shape(), g.shape());
        Zip::from(self).and(&*g).for_each(|s, &g| *s += g);
    }
}

impl<A: Float> Leaf<Array1<A>> for Vec<A> {
    #[track_caller]
    fn add_cotangent(&mut self, g: Cow<'_, Array1<A>>) {
        crate::value::assert_same_shape("field read", &[self.len()], g.shape());
        self.iter_mut().zip(g.iter()).for_each(|(s, &g)| *s += g);
    }
}

impl<A: Float, const N: usize> Leaf<Array1<A>> for [A; N] {
    #[track_caller]
    fn add_cotangent(&mut self, g: Cow<'_, Array1<A>>) {
        crate::value::assert_same_shape("field read", &[N], g.shape());
        self.iter_mut().zip(g.iter()).for_each(|(s, &g)| *s += g);
    }
}

/// A field read as data in arithmetic where the macro cannot tell its type (`self.n - OFFSET`,
/// `self.n * count(k)`: the other operand is a constant or a call of unknown type): an integer,
/// a `bool` or a `char`. A float field there would get no gradient, so it is a compile error.
///
/// ```
/// use autodiff_runtime::DataField;
/// struct M { n: usize }
/// let m = M { n: 3 };
/// assert_eq!(DataField::copied(&m.n) - 1, 2);
/// ```
#[diagnostic::on_unimplemented(
    message = "this field is read as data (no gradient), but it is `{Self}`",
    label = "a float field beside a constant or a call whose type `#[differentiate]` cannot see",
    note = "bind the field with its type, `let b: f64 = self.b[0];`, and use `b`: a typed binding reads a float field as a value (its gradient flows; a `#[differentiable(skip)]` field's is dropped), or give the other operand a float type (`std::f64::consts::PI`, `let c: f64 = ..`)"
)]
pub trait DataField: Clone {
    /// A copy of the field.
    #[inline]
    fn copied(&self) -> Self {
        self.clone()
    }
}

macro_rules! data_fields {
    ($($t:ty),*) => {$(impl DataField for $t {})*};
}
data_fields!(u8, u16, u32, u64, u128, usize, i8, i16, i32, i64, i128, isize, bool, char);
