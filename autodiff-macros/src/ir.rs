//! The SSA tape: one node per value, in topological (program) order.
use crate::rules::Rule;
use proc_macro2::{Span, TokenStream};

/// Index of a node on the tape.
pub type ValueId = usize;

/// How a value is defined.
pub enum Def {
    /// A float parameter (`index` into the signature), normalised to a scalar or a view.
    Param { index: usize },
    /// A data parameter, referred to by its own name.
    DataParam { index: usize },
    /// Tokens computing an inactive value from earlier bindings: a literal, a constant, a cast,
    /// integer arithmetic, a shape read.
    Expr(TokenStream),
    /// A rule applied to earlier values.
    Op {
        rule: &'static Rule,
        args: Vec<ValueId>,
    },
}

/// One value on the tape.
pub struct Node {
    pub def: Def,
    /// The user's expression, for spans of generated code and errors.
    pub span: Span,
    /// A float value (handled by the runtime) rather than data (integers, bools, labels).
    pub float: bool,
    /// Depends on an active parameter.
    pub active: bool,
}

/// A lowered function body.
pub struct Tape {
    pub nodes: Vec<Node>,
    /// The value the function returns.
    pub output: ValueId,
    /// The value of each parameter, in parameter-list order.
    pub params: Vec<ValueId>,
}
