//! What a data value looks like beside a field read in arithmetic. The macro does not see a
//! struct field's type: `self.n - 1` is data (an integer field), `self.b[0] * x` a value (a
//! float field). Beside a constant or a call on data it goes by that data's [`DataKind`],
//! kept per value by the lowering and used for nothing else (ARCHITECTURE 20).
use super::Lowerer;
use crate::ir::ValueId;
use syn::Expr;

/// What a data value looks like, beside a field read in arithmetic (`m.n - 1`, `self.b[0] *
/// PI`), where the macro cannot see the field's type: a float (the field is read as a value),
/// data (an integer, an index: the field is data too), or of unknown kind (the field is data,
/// checked to be no float: `DataField`). Used for nothing else: a value's own lowering goes by
/// `Node::float`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum DataKind {
    /// A float by its look: a call given a float (`helper(0.5)`), a constant whose path says
    /// `f32`/`f64`, a `let` typed `f32`/`f64`/`T`, or computed from one of those.
    Float,
    /// An integer, a `bool`, an index: anything else that is not of unknown kind.
    Known,
    /// A constant or a call on data of no visible type (`OFFSET`, `count(k)`), or computed
    /// from one.
    Unknown,
}

impl DataKind {
    /// What a value computed from (or merging) values of these kinds looks like: a float if
    /// any is, else of unknown kind if any is.
    pub(super) fn of(kinds: impl IntoIterator<Item = DataKind>) -> DataKind {
        kinds
            .into_iter()
            .fold(DataKind::Known, |acc, k| match (acc, k) {
                (DataKind::Float, _) | (_, DataKind::Float) => DataKind::Float,
                (DataKind::Unknown, _) | (_, DataKind::Unknown) => DataKind::Unknown,
                _ => DataKind::Known,
            })
    }
}

impl Lowerer<'_> {
    /// What `v` looks like beside a field read in arithmetic ([`DataKind`]).
    pub(super) fn data_kind(&self, v: ValueId) -> DataKind {
        match self.nodes[v].float {
            true => DataKind::Float,
            false => self.data_kinds[v],
        }
    }

    /// The operands of arithmetic on a field path and anything else: the field is data beside
    /// known data (`m.n % 2`, `m.n - 1`), data checked to be no float beside data of unknown
    /// kind (`OFFSET`, `count(k)`: a float field there would silently get no gradient, so it
    /// is our error, `DataField`), and a value otherwise.
    pub(super) fn arithmetic_operands(
        &mut self,
        left: &Expr,
        right: &Expr,
    ) -> (Option<ValueId>, Option<ValueId>) {
        match (self.is_path(left), self.is_path(right)) {
            (true, false) => {
                let rhs = self.value(right);
                (self.field_beside(left, rhs), rhs)
            }
            (false, true) => {
                let lhs = self.value(left);
                (lhs, self.field_beside(right, lhs))
            }
            _ => (self.value(left), self.value(right)),
        }
    }

    /// The field path `field` read beside the value `other` (see `arithmetic_operands`).
    fn field_beside(&mut self, field: &Expr, other: Option<ValueId>) -> Option<ValueId> {
        match other.map(|o| self.data_kind(o)) {
            Some(DataKind::Known) => self.data_value(field),
            Some(DataKind::Unknown) => self.checked_data_value(field),
            _ => self.value(field),
        }
    }

    /// Whether `ty` is `f32`, `f64` or the function's float type parameter (`T`).
    pub(super) fn is_float_type(&self, ty: &syn::Type) -> bool {
        match ty {
            syn::Type::Path(p) if p.qself.is_none() => p.path.get_ident().is_some_and(|i| {
                i == "f32" || i == "f64" || self.sig.float_params.iter().any(|t| t == i)
            }),
            _ => false,
        }
    }
}
