//! The SSA tape: one node per value, and structured regions (`if` branches, loop bodies)
//! holding the statements in program order.
use crate::rules::Rule;
use proc_macro2::{Span, TokenStream};

/// Index of a node on the tape.
pub type ValueId = usize;

/// Index of a region: 0 is the function body, then one per branch and loop body.
pub type RegionId = usize;

/// How a value is defined.
pub enum Def {
    /// A float parameter (`index` into the signature), normalised to a scalar or a view.
    Param { index: usize },
    /// A data parameter, referred to by its own name.
    DataParam { index: usize },
    /// Tokens computing an inactive value from earlier bindings: a literal, a constant, a cast,
    /// integer arithmetic, a shape read, a comparison, a reference to a data value.
    Expr {
        tokens: TokenStream,
        /// The values whose bindings `tokens` name.
        deps: Vec<ValueId>,
        /// Evaluating `tokens` again gives the same value and does nothing else (not a call
        /// to a user function): the reverse sweep may recompute it instead of keeping it.
        pure: bool,
    },
    /// A rule applied to earlier values.
    Op {
        rule: &'static Rule,
        args: Vec<ValueId>,
    },
    /// A call to another differentiated function through its pullback companion.
    Call {
        /// The called function's path as the user wrote it (`utils::helper`).
        callee: syn::Path,
        args: Vec<ValueId>,
        /// How each argument is passed (`&v`, a parameter's own name, a clone).
        passed: Vec<TokenStream>,
    },
    /// Defined by a region: an `if` result, a loop-carried value, a loop's exit value, or a
    /// loop index. Its sources are in the region's description.
    Phi,
}

impl Def {
    /// The values the forward code of this one reads: an op's or a call's arguments, an
    /// expression's dependencies.
    pub fn reads(&self) -> &[ValueId] {
        match self {
            Def::Op { args, .. } | Def::Call { args, .. } => args,
            Def::Expr { deps, .. } => deps,
            _ => &[],
        }
    }

    /// The arguments the VJPs of this value add into, once per use: an op's differentiable
    /// arguments, every argument of a call; none for anything else.
    pub fn differentiated(&self) -> Vec<ValueId> {
        match self {
            Def::Op { rule, args } => args
                .iter()
                .zip(rule.args)
                .filter(|(_, arg)| arg.is_diff())
                .map(|(&a, _)| a)
                .collect(),
            Def::Call { args, .. } => args.clone(),
            _ => Vec::new(),
        }
    }
}

/// One value on the tape.
pub struct Node {
    pub def: Def,
    /// The user's expression, for spans of generated code and errors.
    pub span: Span,
    /// A float value (handled by the runtime) rather than data (integers, bools, labels).
    pub float: bool,
    /// The region whose code defines it.
    pub region: RegionId,
    /// The user's type annotation (`let c: f64 = 0.0;`) of a data value or literal, kept on
    /// its binding so that rustc knows the type where the generated code uses it; for a
    /// scalar parameter, its type.
    pub ty: Option<syn::Type>,
}

/// A statement of a region, in program order.
pub enum Stmt {
    /// Compute this value.
    Value(ValueId),
    If(If),
    Loop(Loop),
    /// Leave the innermost loop after this iteration (`break` as the last statement of a
    /// branch; the rest of the body was moved into the other branch).
    Break {
        loop_id: usize,
    },
}

/// A sequence of statements forming one region.
pub struct Block {
    pub region: RegionId,
    pub stmts: Vec<Stmt>,
}

/// `if cond { then } else { els }`; `phis` merge the values the branches give to one name.
pub struct If {
    pub id: usize,
    pub cond: ValueId,
    pub then: Block,
    pub els: Block,
    pub phis: Vec<IfPhi>,
}

/// `out` is `then` if the first branch ran, else `els`.
pub struct IfPhi {
    pub out: ValueId,
    pub then: ValueId,
    pub els: ValueId,
}

/// How a loop iterates.
pub enum LoopKind {
    /// `for i in start..end` (or `..=`, or `.rev()`).
    Range {
        index: ValueId,
        start: ValueId,
        end: ValueId,
        inclusive: bool,
        rev: bool,
    },
    /// `while cond { .. }`: the first `cond_len` statements of the body compute `cond`.
    While { cond: ValueId, cond_len: usize },
}

/// A loop; `carried` are the names the body assigns.
pub struct Loop {
    pub id: usize,
    pub kind: LoopKind,
    pub body: Block,
    pub carried: Vec<Carry>,
    /// Whether the body contains a `break`.
    pub breaks: bool,
}

/// A loop-carried value: `phi` at the start of each iteration (`entry` first, then the
/// previous iteration's `next`), `exit` after the loop.
pub struct Carry {
    pub entry: ValueId,
    pub phi: ValueId,
    pub next: ValueId,
    pub exit: ValueId,
}

/// A lowered function body.
pub struct Tape {
    pub nodes: Vec<Node>,
    pub body: Block,
    /// The value the function returns.
    pub output: ValueId,
    /// The value of each parameter, in parameter-list order.
    pub params: Vec<ValueId>,
    /// Number of `if`s and loops (their ids index the branch-flag and trip-count tapes).
    pub regions: usize,
}
