//! Values made of float leaves: the parameters of a model, and their gradients.
//!
//! [`Differentiable`] walks a value's float leaves (scalars and arrays) in field order, alone
//! ([`LeafVisitor`]) or beside the corresponding leaves of a second value of the same
//! structure ([`LeafPairVisitor`]). Everything else is built on these two walks: the
//! optimisers in [`crate::optim`], [`Differentiable::zero_like`],
//! [`Differentiable::add_assign_from`] and [`Differentiable::scale_by`].
use crate::Float;
use ndarray::{Array, ArrayView, ArrayViewD, ArrayViewMut, ArrayViewMutD, Dimension, Zip};
use std::fmt;

/// A value whose float leaves can be differentiated: `f32`, `f64`, float ndarray arrays,
/// `Vec<T>` and `[T; N]` of differentiable `T`, and structs with `#[derive(Differentiable)]`
/// (the derive lives in the `autodiff` crate; a field marked `#[differentiable(skip)]` is data,
/// not a leaf, and a gradient holds a clone of it).
///
/// The gradient of a `Differentiable` value has the value's own type: the same structure,
/// each leaf holding the derivative with respect to that leaf.
///
/// Implementing it by hand for a struct means walking the differentiable fields in order:
///
/// ```
/// use autodiff_runtime::{Differentiable, LeafPairVisitor, LeafVisitor};
/// use ndarray::{array, Array1};
///
/// #[derive(Clone, Debug, PartialEq)]
/// struct Affine {
///     w: Array1<f64>,
///     b: f64,
///     name: String, // data, not a leaf
/// }
///
/// impl Differentiable for Affine {
///     fn visit_leaves<V: LeafVisitor>(&mut self, visitor: &mut V) {
///         self.w.visit_leaves(visitor);
///         self.b.visit_leaves(visitor);
///     }
///     fn visit_leaf_pairs<V: LeafPairVisitor>(&mut self, other: &Self, visitor: &mut V) {
///         self.w.visit_leaf_pairs(&other.w, visitor);
///         self.b.visit_leaf_pairs(&other.b, visitor);
///     }
///     fn copy_skipped(&mut self, source: &Self) {
///         self.name = source.name.clone();
///     }
/// }
///
/// let p = Affine { w: array![1.0, 2.0], b: 3.0, name: "a".into() };
/// let mut g = p.zero_like();
/// assert_eq!(g, Affine { w: array![0.0, 0.0], b: 0.0, name: "a".into() });
/// g.add_assign_from(&p);
/// g.scale_by(2.0);
/// assert_eq!(g, Affine { w: array![2.0, 4.0], b: 6.0, name: "a".into() });
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not differentiable: derive `Differentiable` for it, or, for a struct field, mark the field `#[differentiable(skip)]`",
    label = "not differentiable",
    note = "differentiable fields are `f32`, `f64`, float ndarray arrays, `Vec<T>` and `[T; N]` of those, and structs with `#[derive(Differentiable)]`; a field marked `#[differentiable(skip)]` is data, copied into the gradient as it is"
)]
pub trait Differentiable: Clone {
    /// Calls `visitor.leaf(..)` once per differentiable leaf, in field order, depth first.
    ///
    /// A scalar is a one-element view; skipped fields are not visited.
    ///
    /// ```
    /// use autodiff_runtime::{Differentiable, Float, LeafVisitor};
    /// use ndarray::{array, ArrayViewMutD};
    ///
    /// struct Count(usize);
    /// impl LeafVisitor for Count {
    ///     fn leaf<A: Float>(&mut self, leaf: ArrayViewMutD<'_, A>) {
    ///         self.0 += leaf.len();
    ///     }
    /// }
    /// let mut params = vec![array![1.0, 2.0], array![3.0, 4.0, 5.0]];
    /// let mut count = Count(0);
    /// params.visit_leaves(&mut count);
    /// assert_eq!(count.0, 5);
    /// ```
    fn visit_leaves<V: LeafVisitor>(&mut self, visitor: &mut V);

    /// Calls `visitor.pair(leaf, other_leaf)` for each pair of corresponding leaves of `self`
    /// and `other`, in the order of [`visit_leaves`](Differentiable::visit_leaves).
    ///
    /// # Panics
    ///
    /// If `other` does not have the structure of `self`: `Vec`s of different lengths or
    /// arrays of different shapes (the message names both and the field where they differ).
    ///
    /// ```
    /// use autodiff_runtime::{Differentiable, Float, LeafPairVisitor};
    /// use ndarray::{ArrayViewD, ArrayViewMutD};
    ///
    /// // self ← max(self, other), leafwise
    /// struct Max;
    /// impl LeafPairVisitor for Max {
    ///     fn pair<A: Float>(&mut self, mut leaf: ArrayViewMutD<'_, A>, other: ArrayViewD<'_, A>) {
    ///         leaf.zip_mut_with(&other, |a, &b| *a = a.max(b));
    ///     }
    /// }
    /// let mut a = vec![1.0_f32, 5.0, 3.0];
    /// a.visit_leaf_pairs(&vec![4.0, 2.0, 3.5], &mut Max);
    /// assert_eq!(a, [4.0, 5.0, 3.5]);
    /// ```
    fn visit_leaf_pairs<V: LeafPairVisitor>(&mut self, other: &Self, visitor: &mut V);

    /// Copies the skipped (`#[differentiable(skip)]`) fields of `source` into `self`, at every
    /// depth; the leaves stay as they are.
    ///
    /// # Panics
    ///
    /// If `source` holds a `Vec` of another length than `self`'s.
    ///
    /// ```
    /// use autodiff_runtime::Differentiable;
    /// // Scalars, arrays and vectors of them have no skipped fields: nothing changes.
    /// let mut x = vec![1.0, 2.0];
    /// x.copy_skipped(&vec![3.0, 4.0]);
    /// assert_eq!(x, [1.0, 2.0]);
    /// ```
    fn copy_skipped(&mut self, source: &Self);

    /// The walk of [`visit_leaf_pairs`](Differentiable::visit_leaf_pairs) below the field
    /// `at`, which only names the place of a mismatch in the panic message. Implementations
    /// in this crate and the derive override it; the default ignores `at`.
    #[doc(hidden)]
    fn visit_leaf_pairs_at<V: LeafPairVisitor>(
        &mut self,
        other: &Self,
        visitor: &mut V,
        at: &LeafPath<'_>,
    ) {
        let _ = at;
        self.visit_leaf_pairs(other, visitor);
    }

    /// A gradient in waiting: `self`'s structure with every array leaf *hollow* (empty, no
    /// allocation) and every scalar zero; skipped fields are clones of `self`'s. The generated
    /// code collects a struct parameter's gradient in one: the first cotangent that reaches an
    /// array leaf moves into it, and [`fill_hollow`](Differentiable::fill_hollow) zeroes the
    /// leaves nothing reached. The default (for hand-written impls) is
    /// [`zero_like`](Differentiable::zero_like).
    ///
    /// ```
    /// use autodiff_runtime::Differentiable;
    /// use ndarray::array;
    /// let w = vec![array![1.0, 2.0], array![3.0, 4.0]];
    /// let mut g = w.hollow_like();
    /// assert!(g[0].is_empty());
    /// g.fill_hollow(&w);
    /// assert_eq!(g, vec![array![0.0, 0.0], array![0.0, 0.0]]);
    /// ```
    fn hollow_like(&self) -> Self {
        self.zero_like()
    }

    /// Every hollow array leaf of `self` (see [`hollow_like`](Differentiable::hollow_like))
    /// becomes zeros of the shape of `like`'s leaf at the same place (where `like`'s is not
    /// hollow itself). The default does nothing: a hand-written impl's
    /// [`hollow_like`](Differentiable::hollow_like) has no hollow leaf.
    fn fill_hollow(&mut self, like: &Self) {
        let _ = like;
    }

    /// A clone of `self` with every leaf zero; skipped fields are clones of `self`'s.
    ///
    /// ```
    /// use autodiff_runtime::Differentiable;
    /// use ndarray::array;
    /// let w = vec![array![1.0, 2.0], array![3.0, 4.0]];
    /// assert_eq!(w.zero_like(), vec![array![0.0, 0.0], array![0.0, 0.0]]);
    /// ```
    fn zero_like(&self) -> Self {
        let mut zero = self.clone();
        zero.visit_leaves(&mut Zero);
        zero
    }

    /// Leafwise `self += other` (accumulates gradients, for example over mini-batches).
    ///
    /// # Panics
    ///
    /// If `other` does not have the structure of `self` (see
    /// [`visit_leaf_pairs`](Differentiable::visit_leaf_pairs)).
    ///
    /// ```
    /// use autodiff_runtime::Differentiable;
    /// let mut g = [1.0, 2.0];
    /// g.add_assign_from(&[10.0, 20.0]);
    /// assert_eq!(g, [11.0, 22.0]);
    /// ```
    #[track_caller]
    fn add_assign_from(&mut self, other: &Self) {
        self.visit_leaf_pairs_at(
            other,
            &mut AddAssign,
            &LeafPath::root("Differentiable::add_assign_from", "value", "other value"),
        );
    }

    /// Leafwise `self *= factor`, `factor` converted to each leaf's element type (so an `f64`
    /// factor scales `f32` leaves too).
    ///
    /// ```
    /// use autodiff_runtime::Differentiable;
    /// use ndarray::array;
    /// let mut g = array![1.0_f32, -2.0];
    /// g.scale_by(0.5_f64);
    /// assert_eq!(g, array![0.5, -1.0]);
    /// ```
    fn scale_by<A: Float>(&mut self, factor: A) {
        self.visit_leaves(&mut Scale(factor.as_f64()));
    }
}

/// What [`Differentiable::visit_leaves`] calls on each leaf: a mutable view of it, of the
/// leaf's own element type (`f32` or `f64`) and any dimension (a scalar is a one-element view).
///
/// ```
/// use autodiff_runtime::{Differentiable, Float, LeafVisitor};
/// use ndarray::ArrayViewMutD;
///
/// // Clips every parameter to [-1, 1].
/// struct Clip;
/// impl LeafVisitor for Clip {
///     fn leaf<A: Float>(&mut self, mut leaf: ArrayViewMutD<'_, A>) {
///         leaf.mapv_inplace(|v| v.max(-A::one()).min(A::one()));
///     }
/// }
/// let mut p = (vec![3.0_f64, -0.5], 2.0_f32);
/// p.0.visit_leaves(&mut Clip);
/// p.1.visit_leaves(&mut Clip);
/// assert_eq!(p, (vec![1.0, -0.5], 1.0));
/// ```
pub trait LeafVisitor {
    /// Visits one leaf.
    fn leaf<A: Float>(&mut self, leaf: ArrayViewMutD<'_, A>);
}

/// What [`Differentiable::visit_leaf_pairs`] calls on each pair of corresponding leaves: a
/// mutable view of the leaf and a view of the other value's leaf, of the same shape.
///
/// ```
/// use autodiff_runtime::{Differentiable, Float, LeafPairVisitor};
/// use ndarray::{array, ArrayViewD, ArrayViewMutD};
///
/// // self ← self - 0.1 · other: a gradient step.
/// struct Descend;
/// impl LeafPairVisitor for Descend {
///     fn pair<A: Float>(&mut self, mut leaf: ArrayViewMutD<'_, A>, grad: ArrayViewD<'_, A>) {
///         let lr = A::from(0.1).unwrap_or_else(A::zero);
///         leaf.zip_mut_with(&grad, |w, &g| *w -= lr * g);
///     }
/// }
/// let mut w = array![[1.0, 2.0]];
/// w.visit_leaf_pairs(&array![[10.0, -10.0]], &mut Descend);
/// assert_eq!(w, array![[0.0, 3.0]]);
/// ```
pub trait LeafPairVisitor {
    /// Visits one pair of corresponding leaves.
    fn pair<A: Float>(&mut self, leaf: ArrayViewMutD<'_, A>, other: ArrayViewD<'_, A>);
}

/// Where a walk of [`Differentiable::visit_leaf_pairs`] is, for panic messages: the operation
/// and what it calls its two values at the root, then field names and indices.
///
/// Used by the optimisers and by code `#[derive(Differentiable)]` generates; not needed to use
/// or implement [`Differentiable`].
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum LeafPath<'a> {
    /// The top of the walk.
    Root {
        /// The operation, such as `"Sgd::step"`.
        op: &'static str,
        /// What the operation calls `self`, such as `"parameter"`.
        this: &'static str,
        /// What the operation calls `other`, such as `"gradient"`.
        other: &'static str,
    },
    /// A named field of the value at `parent`.
    Field(&'a LeafPath<'a>, &'static str),
    /// An element of the `Vec` or fixed array at `parent`.
    Index(&'a LeafPath<'a>, usize),
}

impl LeafPath<'static> {
    /// The root of a bare [`Differentiable::visit_leaf_pairs`] call.
    pub const VISIT_PAIRS: Self =
        LeafPath::root("Differentiable::visit_leaf_pairs", "value", "other value");
}

impl<'a> LeafPath<'a> {
    /// The top of a walk by `op`, which calls its values `this` and `other`.
    pub const fn root(op: &'static str, this: &'static str, other: &'static str) -> Self {
        LeafPath::Root { op, this, other }
    }

    /// The field `name` below `self`.
    pub const fn field(&'a self, name: &'static str) -> Self {
        LeafPath::Field(self, name)
    }

    /// The element `index` below `self`.
    pub const fn index(&'a self, index: usize) -> Self {
        LeafPath::Index(self, index)
    }

    /// The root's operation and names.
    fn names(&self) -> (&'static str, &'static str, &'static str) {
        match *self {
            LeafPath::Root { op, this, other } => (op, this, other),
            LeafPath::Field(parent, _) | LeafPath::Index(parent, _) => parent.names(),
        }
    }

    /// Panics because the two values differ at `self`: `what_this` and `what_other` describe
    /// each side (`"shape [2, 3]"`, `"length 3"`).
    #[track_caller]
    fn mismatch(&self, what_this: impl fmt::Display, what_other: impl fmt::Display) -> ! {
        let (op, this, other) = self.names();
        let place = match self {
            LeafPath::Root { .. } => String::new(),
            _ => format!(" at `{self}`"),
        };
        panic!("{op}: the {other} has {what_other} but the {this} has {what_this}{place}");
    }
}

impl fmt::Display for LeafPath<'_> {
    /// The path below the root, as in Rust source: `layers[1].w`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LeafPath::Root { .. } => Ok(()),
            LeafPath::Field(LeafPath::Root { .. }, name) => f.write_str(name),
            LeafPath::Field(parent, name) => write!(f, "{parent}.{name}"),
            LeafPath::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

/// Sets every leaf to zero.
struct Zero;

impl LeafVisitor for Zero {
    fn leaf<A: Float>(&mut self, mut leaf: ArrayViewMutD<'_, A>) {
        leaf.fill(A::zero());
    }
}

/// `leaf += other`.
struct AddAssign;

impl LeafPairVisitor for AddAssign {
    fn pair<A: Float>(&mut self, mut leaf: ArrayViewMutD<'_, A>, other: ArrayViewD<'_, A>) {
        Zip::from(&mut leaf).and(&other).for_each(|a, &b| *a += b);
    }
}

/// `leaf *= factor`, the factor converted to the leaf's type.
struct Scale(f64);

impl LeafVisitor for Scale {
    fn leaf<A: Float>(&mut self, mut leaf: ArrayViewMutD<'_, A>) {
        let factor = A::of_f64(self.0);
        leaf.mapv_inplace(|v| v * factor);
    }
}

/// Scalars: one leaf each, seen as a one-element view.
macro_rules! scalar_leaf {
    ($($t:ty),*) => {$(
        impl Differentiable for $t {
            fn visit_leaves<V: LeafVisitor>(&mut self, visitor: &mut V) {
                visitor.leaf(ArrayViewMut::from(std::slice::from_mut(self)).into_dyn());
            }

            fn visit_leaf_pairs<V: LeafPairVisitor>(&mut self, other: &Self, visitor: &mut V) {
                self.visit_leaf_pairs_at(other, visitor, &LeafPath::VISIT_PAIRS);
            }

            fn visit_leaf_pairs_at<V: LeafPairVisitor>(
                &mut self,
                other: &Self,
                visitor: &mut V,
                _at: &LeafPath<'_>,
            ) {
                visitor.pair(
                    ArrayViewMut::from(std::slice::from_mut(self)).into_dyn(),
                    ArrayView::from(std::slice::from_ref(other)).into_dyn(),
                );
            }

            fn copy_skipped(&mut self, _source: &Self) {}
        }
    )*};
}

scalar_leaf!(f32, f64);

/// A dual number is one leaf: its value `re` (the tangent rides along, as data).
///
/// ```
/// use autodiff_runtime::{Differentiable, Dual};
/// let mut x = Dual::new(2.0_f64, 1.0);
/// x.scale_by(0.5);
/// assert_eq!(x, Dual::new(1.0, 1.0));
/// ```
impl<A: Float> Differentiable for crate::Dual<A> {
    fn visit_leaves<V: LeafVisitor>(&mut self, visitor: &mut V) {
        visitor.leaf(ArrayViewMut::from(std::slice::from_mut(&mut self.re)).into_dyn());
    }

    fn visit_leaf_pairs<V: LeafPairVisitor>(&mut self, other: &Self, visitor: &mut V) {
        self.visit_leaf_pairs_at(other, visitor, &LeafPath::VISIT_PAIRS);
    }

    fn visit_leaf_pairs_at<V: LeafPairVisitor>(
        &mut self,
        other: &Self,
        visitor: &mut V,
        _at: &LeafPath<'_>,
    ) {
        visitor.pair(
            ArrayViewMut::from(std::slice::from_mut(&mut self.re)).into_dyn(),
            ArrayView::from(std::slice::from_ref(&other.re)).into_dyn(),
        );
    }

    fn copy_skipped(&mut self, _source: &Self) {}
}

/// An owned float array is one leaf, of its own shape.
impl<A: Float, D: Dimension> Differentiable for Array<A, D> {
    fn visit_leaves<V: LeafVisitor>(&mut self, visitor: &mut V) {
        visitor.leaf(self.view_mut().into_dyn());
    }

    #[track_caller]
    fn visit_leaf_pairs<V: LeafPairVisitor>(&mut self, other: &Self, visitor: &mut V) {
        self.visit_leaf_pairs_at(other, visitor, &LeafPath::VISIT_PAIRS);
    }

    #[track_caller]
    fn visit_leaf_pairs_at<V: LeafPairVisitor>(
        &mut self,
        other: &Self,
        visitor: &mut V,
        at: &LeafPath<'_>,
    ) {
        if self.shape() != other.shape() {
            at.mismatch(
                format_args!("shape {:?}", self.shape()),
                format_args!("shape {:?}", other.shape()),
            );
        }
        visitor.pair(self.view_mut().into_dyn(), other.view().into_dyn());
    }

    fn copy_skipped(&mut self, _source: &Self) {}

    fn hollow_like(&self) -> Self {
        Array::zeros(D::zeros(self.ndim()))
    }

    fn fill_hollow(&mut self, like: &Self) {
        if self.is_empty() && self.shape() != like.shape() {
            *self = Array::zeros(like.raw_dim());
        }
    }
}

/// Panics unless the two sequences at `at` have the same length.
#[track_caller]
fn same_length(at: &LeafPath<'_>, this: usize, other: usize) {
    if this != other {
        at.mismatch(
            format_args!("length {this}"),
            format_args!("length {other}"),
        );
    }
}

/// A `Vec` visits its elements in order.
impl<T: Differentiable> Differentiable for Vec<T> {
    fn visit_leaves<V: LeafVisitor>(&mut self, visitor: &mut V) {
        for item in self.iter_mut() {
            item.visit_leaves(visitor);
        }
    }

    #[track_caller]
    fn visit_leaf_pairs<V: LeafPairVisitor>(&mut self, other: &Self, visitor: &mut V) {
        self.visit_leaf_pairs_at(other, visitor, &LeafPath::VISIT_PAIRS);
    }

    #[track_caller]
    fn visit_leaf_pairs_at<V: LeafPairVisitor>(
        &mut self,
        other: &Self,
        visitor: &mut V,
        at: &LeafPath<'_>,
    ) {
        same_length(at, self.len(), other.len());
        for (i, (item, other_item)) in self.iter_mut().zip(other).enumerate() {
            item.visit_leaf_pairs_at(other_item, visitor, &at.index(i));
        }
    }

    #[track_caller]
    fn copy_skipped(&mut self, source: &Self) {
        same_length(
            &LeafPath::root("Differentiable::copy_skipped", "value", "source"),
            self.len(),
            source.len(),
        );
        for (item, source_item) in self.iter_mut().zip(source) {
            item.copy_skipped(source_item);
        }
    }

    fn hollow_like(&self) -> Self {
        self.iter().map(Differentiable::hollow_like).collect()
    }

    fn fill_hollow(&mut self, like: &Self) {
        for (item, like_item) in self.iter_mut().zip(like) {
            item.fill_hollow(like_item);
        }
    }
}

/// A fixed array visits its elements in order (lengths always agree).
impl<T: Differentiable, const N: usize> Differentiable for [T; N] {
    fn visit_leaves<V: LeafVisitor>(&mut self, visitor: &mut V) {
        for item in self.iter_mut() {
            item.visit_leaves(visitor);
        }
    }

    #[track_caller]
    fn visit_leaf_pairs<V: LeafPairVisitor>(&mut self, other: &Self, visitor: &mut V) {
        self.visit_leaf_pairs_at(other, visitor, &LeafPath::VISIT_PAIRS);
    }

    #[track_caller]
    fn visit_leaf_pairs_at<V: LeafPairVisitor>(
        &mut self,
        other: &Self,
        visitor: &mut V,
        at: &LeafPath<'_>,
    ) {
        for (i, (item, other_item)) in self.iter_mut().zip(other).enumerate() {
            item.visit_leaf_pairs_at(other_item, visitor, &at.index(i));
        }
    }

    fn copy_skipped(&mut self, source: &Self) {
        for (item, source_item) in self.iter_mut().zip(source) {
            item.copy_skipped(source_item);
        }
    }

    fn hollow_like(&self) -> Self {
        std::array::from_fn(|i| self[i].hollow_like())
    }

    fn fill_hollow(&mut self, like: &Self) {
        for (item, like_item) in self.iter_mut().zip(like) {
            item.fill_hollow(like_item);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{array, Array2};

    /// Records each leaf's values, to check the order.
    struct Record(Vec<f64>);

    impl LeafVisitor for Record {
        fn leaf<A: Float>(&mut self, leaf: ArrayViewMutD<'_, A>) {
            self.0.extend(leaf.iter().map(|v| v.as_f64()));
        }
    }

    #[test]
    fn leaves_in_order() {
        let mut v = vec![
            [array![1.0, 2.0], array![3.0, 4.0]],
            [array![5.0], array![6.0]],
        ];
        let mut r = Record(Vec::new());
        v.visit_leaves(&mut r);
        assert_eq!(r.0, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    }

    #[test]
    fn paths_read_like_source() {
        let root = LeafPath::root("op", "a", "b");
        let f = root.field("layers");
        let i = f.index(1);
        let w = i.field("w");
        assert_eq!(w.to_string(), "layers[1].w");
        assert_eq!(root.index(2).to_string(), "[2]");
    }

    #[test]
    #[should_panic(
        expected = "Differentiable::visit_leaf_pairs: the other value has shape [3, 2] but the value has shape [2, 3] at `[1]`"
    )]
    fn shape_mismatch_names_the_place() {
        let mut a = vec![Array2::<f64>::zeros((2, 2)), Array2::zeros((2, 3))];
        let b = vec![Array2::<f64>::zeros((2, 2)), Array2::zeros((3, 2))];
        a.visit_leaf_pairs(&b, &mut AddAssign);
    }
}
