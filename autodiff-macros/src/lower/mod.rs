//! syn body -> SSA tape: nested expressions flattened into one node per operation, names
//! resolved with shadowing and `let mut` reassignment (each assignment is a new value),
//! control flow kept as structured regions.
//!
//! `return`, `break` and `continue` are lowered by moving the statements that follow a
//! diverging `if` into its branches (the continuation), so every region is straight-line
//! code ending in one place.
mod calls;
mod control;
mod desugar;
mod expr;
mod fields;
mod kinds;
mod matching;
mod rename;
mod twin_calls;
mod writes;

pub use calls::pullback_name;

use crate::emit::names::value_ident;
use crate::errors::Errors;
use crate::ir::{Block, Def, Node, RegionId, Stmt as IrStmt, Tape, ValueId};
use crate::signature::{Kind, Signature};
use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::{Block as SynBlock, Expr, Ident, Local, Pat, Stmt};

/// A name in scope and the value it currently holds.
struct Binding {
    /// The name as a string: compared in-process, not through the compiler's ident bridge.
    name: String,
    value: ValueId,
}

/// How a sequence of statements ends.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Flow {
    /// With a value: a final expression or `return e`.
    Value(ValueId),
    /// Without a value (a loop body, a statement).
    Unit,
    /// With `break` or `continue`: the rest of the iteration does not run.
    Jump,
    /// An error was reported.
    Failed,
}

pub(crate) struct Lowerer<'a> {
    sig: &'a Signature,
    nodes: Vec<Node>,
    /// Whether a value may depend on a float parameter (for errors only; the real activity is
    /// computed after lowering).
    maybe_active: Vec<bool>,
    /// Whether a data value is of unknown kind (a constant, a call on data), so it may be a
    /// float: a loop-carried name starting from it is treated as a float.
    opaque: Vec<bool>,
    /// Per value: the data value it borrows (`&w`, kept for a call that takes a reference);
    /// an op's differentiable operand reads that value itself (ops take operands by
    /// reference).
    borrowed: Vec<Option<ValueId>>,
    /// What each data value looks like beside a field read in arithmetic (`kinds::DataKind`).
    data_kinds: Vec<kinds::DataKind>,
    /// Whether a value is a view in the user's plain-Rust code: a part read (`x.row(i)`,
    /// `x.slice(..)`), or a branch's or a loop's merge of one; a call receives it as a view.
    views: Vec<bool>,
    scopes: Vec<Vec<Binding>>,
    /// Per name, where its visible bindings are (scope, position), innermost last: a lookup
    /// is one hash probe however many `let`s precede it. Looked up only, never iterated.
    visible: std::collections::HashMap<String, Vec<(usize, usize)>>,
    errors: &'a mut Errors,
    region: RegionId,
    regions: usize,
    stmts: Vec<IrStmt>,
    /// Ids of the enclosing loops, innermost last.
    loops: Vec<usize>,
    controls: usize,
    /// Rules already applied in a region, by (runtime function, arguments, region): the same
    /// pure operation written twice (`x[i] * x[i]`) is one value, read and scattered once.
    /// Looked up only, never iterated: the output does not depend on its order.
    applied: std::collections::HashMap<(&'static str, Vec<ValueId>, RegionId), ValueId>,
    /// Literal indices already bound in a region (`1usize`, `[0usize, 2usize]`), by their
    /// text: `x[1]` written three times is then one element read, one scatter.
    indices: std::collections::HashMap<(String, RegionId), ValueId>,
    /// Names bound to a path of a struct parameter (`let layer = &self.layers[i];`), by
    /// their (unique, after `rename`) name. Looked up only, never iterated.
    aliases: std::collections::HashMap<String, fields::Chain>,
}

/// Lowers a function body. Returns `None` if an error was reported.
pub fn lower(block: &SynBlock, sig: &Signature, errors: &mut Errors) -> Option<Tape> {
    let mut l = Lowerer {
        sig,
        nodes: Vec::new(),
        maybe_active: Vec::new(),
        opaque: Vec::new(),
        borrowed: Vec::new(),
        data_kinds: Vec::new(),
        views: Vec::new(),
        scopes: vec![Vec::new()],
        visible: std::collections::HashMap::new(),
        errors,
        region: 0,
        regions: 1,
        stmts: Vec::new(),
        loops: Vec::new(),
        controls: 0,
        applied: std::collections::HashMap::new(),
        indices: std::collections::HashMap::new(),
        aliases: std::collections::HashMap::new(),
    };
    let params = l.bind_params();
    let block = match desugar::desugar(&rename::rename(block), &sig.output) {
        Ok(b) => b,
        Err(e) => {
            l.errors.push(e);
            return None;
        }
    };
    let flow = l.seq(&[&block.stmts]);
    let output = match flow {
        Flow::Value(v) => v,
        Flow::Failed => return None,
        Flow::Unit | Flow::Jump => {
            l.errors.at_span(
                block.brace_token.span.close(),
                "a #[differentiate] body must end with the value to return (a final expression or `return e;`)",
            );
            return None;
        }
    };
    Some(Tape {
        nodes: l.nodes,
        body: Block {
            region: 0,
            stmts: l.stmts,
        },
        output,
        params,
        regions: l.controls,
    })
}

impl Lowerer<'_> {
    fn bind_params(&mut self) -> Vec<ValueId> {
        let sig = self.sig;
        sig.params
            .iter()
            .enumerate()
            .map(|(index, p)| {
                let (def, float) = match p.kind {
                    Kind::Data => (Def::DataParam { index }, false),
                    _ => (Def::Param { index }, true),
                };
                let id = self.push(def, p.ident.span(), float, float);
                // A number's type (`f64`, `f32`, `T`): the analysis tells numbers from arrays.
                if p.kind == Kind::Scalar {
                    self.nodes[id].ty = Some(p.ty.clone());
                }
                self.bind(p.ident.clone(), id);
                id
            })
            .collect()
    }

    /// Adds a node in the current region (and, unless it is a phi, a statement computing it).
    fn push(&mut self, def: Def, span: Span, float: bool, maybe_active: bool) -> ValueId {
        let id = self.nodes.len();
        let phi = matches!(def, Def::Phi);
        self.views
            .push(matches!(&def, Def::Op { rule, .. } if rule.views));
        self.nodes.push(Node {
            def,
            span,
            float,
            region: self.region,
            ty: None,
        });
        self.maybe_active.push(maybe_active);
        self.opaque.push(false);
        self.borrowed.push(None);
        self.data_kinds.push(kinds::DataKind::Known);
        if !phi {
            self.stmts.push(IrStmt::Value(id));
        }
        id
    }

    /// A value defined by a region (if result, loop-carried, loop exit, loop index).
    fn phi(&mut self, span: Span, float: bool) -> ValueId {
        self.push(Def::Phi, span, float, float)
    }

    fn bind(&mut self, name: Ident, value: ValueId) {
        let depth = self.scopes.len().saturating_sub(1);
        if let Some(scope) = self.scopes.last_mut() {
            let name = name.to_string();
            self.visible
                .entry(name.clone())
                .or_default()
                .push((depth, scope.len()));
            scope.push(Binding { name, value });
        }
    }

    fn lookup(&mut self, name: &Ident) -> Option<&mut Binding> {
        let &(depth, at) = self.visible.get(&name.to_string())?.last()?;
        self.scopes.get_mut(depth)?.get_mut(at)
    }

    fn push_scope(&mut self) {
        self.scopes.push(Vec::new());
    }

    /// Leaves the innermost scope: its names show the bindings they shadowed again.
    fn pop_scope(&mut self) {
        for b in self.scopes.pop().unwrap_or_default().iter().rev() {
            if let Some(places) = self.visible.get_mut(&b.name) {
                places.pop();
            }
        }
    }

    /// The value a name holds now.
    fn current(&mut self, name: &Ident) -> Option<ValueId> {
        self.lookup(name).map(|b| b.value)
    }

    /// The value a name holds, without needing `&mut self`.
    fn lookup_value(&self, name: &Ident) -> Option<ValueId> {
        let &(depth, at) = self.visible.get(&name.to_string())?.last()?;
        self.scopes.get(depth)?.get(at).map(|b| b.value)
    }

    fn set(&mut self, name: &Ident, value: ValueId) {
        if let Some(b) = self.lookup(name) {
            b.value = value;
        }
    }

    /// The tokens that name a value in generated code.
    fn tokens(&self, id: ValueId) -> TokenStream {
        match self.nodes[id].def {
            Def::DataParam { index } => self.sig.params[index].ident.to_token_stream(),
            _ => value_ident(id).to_token_stream(),
        }
    }

    fn fail<T: ToTokens>(&mut self, tokens: T, message: impl std::fmt::Display) -> Option<ValueId> {
        self.errors.at(tokens, message);
        None
    }

    /// Runs `f` in a new region (a branch or loop body) with its own scope.
    fn region(&mut self, f: impl FnOnce(&mut Self) -> Flow) -> (Block, Flow) {
        let region = self.regions;
        self.regions += 1;
        let outer_region = std::mem::replace(&mut self.region, region);
        let outer_stmts = std::mem::take(&mut self.stmts);
        self.push_scope();
        let flow = f(self);
        self.pop_scope();
        self.region = outer_region;
        let stmts = std::mem::replace(&mut self.stmts, outer_stmts);
        (Block { region, stmts }, flow)
    }

    /// Statements in order: the parts are a block followed by its continuation.
    fn seq(&mut self, parts: &[&[Stmt]]) -> Flow {
        let mut flow = Flow::Unit;
        for (k, part) in parts.iter().enumerate() {
            for (idx, stmt) in part.iter().enumerate() {
                let last = k + 1 == parts.len() && idx + 1 == part.len();
                match stmt {
                    Stmt::Local(local) => {
                        self.local(local);
                        flow = Flow::Unit;
                    }
                    Stmt::Item(item) => {
                        self.errors.at(
                            item,
                            "items (`fn`, `use`, `struct`, ..) inside #[differentiate] bodies are not supported; move them outside the function",
                        );
                        flow = Flow::Failed;
                    }
                    Stmt::Macro(m) => {
                        self.errors
                            .at(&m.mac, "macros are not supported in #[differentiate] bodies; write the computation out");
                        flow = Flow::Failed;
                    }
                    Stmt::Expr(e, semi) => {
                        let matched;
                        let e = match e {
                            Expr::Match(m) => match self.match_as_if(m) {
                                Some(chain) => {
                                    matched = chain;
                                    &matched
                                }
                                None => return Flow::Failed,
                            },
                            e => e,
                        };
                        if let Some(jump) = self.jump(e) {
                            return jump;
                        }
                        if let Expr::If(if_expr) = e
                            && control::diverges(e)
                        {
                            // The rest of this block and the enclosing continuation run
                            // inside the branches that do not jump (every `let` has a name
                            // of its own: `rename`, so none is seen where rustc would not).
                            let mut rest: Vec<&[Stmt]> = vec![&part[idx + 1..]];
                            rest.extend_from_slice(&parts[k + 1..]);
                            return self.if_flow(if_expr, &rest);
                        }
                        let control = matches!(e, Expr::If(_) | Expr::ForLoop(_) | Expr::While(_));
                        flow = if semi.is_none() && last && !control {
                            match self.value(e) {
                                Some(v) => Flow::Value(v),
                                None => Flow::Failed,
                            }
                        } else {
                            self.statement(e)
                        };
                    }
                }
            }
        }
        flow
    }

    fn local(&mut self, local: &Local) {
        let Some(init) = &local.init else {
            return self.errors.at(local, "`let` without a value is not supported in #[differentiate] bodies; write `let x = ..;`");
        };
        if let Some((_, diverge)) = &init.diverge {
            return self.errors.at(
                diverge,
                "`let .. else` is not supported in #[differentiate] bodies",
            );
        }
        let pat = match &local.pat {
            Pat::Type(t) => &*t.pat,
            p => p,
        };
        match pat {
            Pat::Ident(pi)
                if pi.by_ref.is_none()
                    && pi.subpat.is_none()
                    && pi.mutability.is_none()
                    && matches!(local.pat, Pat::Ident(_))
                    && self.alias(&pi.ident, &init.expr) => {}
            Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => {
                let fresh = self.nodes.len();
                if let Some(v) = self.value(&init.expr) {
                    // `let c: f64 = 0.0;`: the annotation types the binding of a new literal
                    // or data value (rules' results keep the runtime's own types).
                    if let (Pat::Type(t), true) = (&local.pat, v >= fresh)
                        && matches!(self.nodes[v].def, Def::Expr { .. })
                    {
                        self.nodes[v].ty = Some((*t.ty).clone());
                        // Typed a float by the user: a float beside a field read.
                        if self.is_float_type(&t.ty) {
                            self.data_kinds[v] = kinds::DataKind::Float;
                        }
                    }
                    self.bind(pi.ident.clone(), v);
                }
            }
            Pat::Wild(_) => {
                self.value(&init.expr);
            }
            Pat::Tuple(names) => self.tuple_local(local, names, &init.expr),
            other => self.errors.at(
                other,
                "destructuring `let` patterns are not supported in #[differentiate] bodies; bind one name per `let`, or a tuple of expressions: `let (a, b) = (e1, e2);`",
            ),
        }
    }

    /// `let (a, mut b, _) = (e1, e2, e3);`: every expression evaluated first, then bound, as
    /// rustc does (`let (a, b) = (b, a);` swaps); an annotation `: (f64, usize)` types each.
    fn tuple_local(&mut self, local: &Local, names: &syn::PatTuple, init: &Expr) {
        let Expr::Tuple(values) = expr::strip_parens(init) else {
            return self.data_tuple_local(names, init);
        };
        if names.elems.len() != values.elems.len() {
            return self.errors.at(
                init,
                format!(
                    "the pattern binds {} names but the tuple has {} expressions",
                    names.elems.len(),
                    values.elems.len()
                ),
            );
        }
        let types: Vec<Option<&syn::Type>> = match &local.pat {
            Pat::Type(t) => match &*t.ty {
                syn::Type::Tuple(tt) if tt.elems.len() == names.elems.len() => {
                    tt.elems.iter().map(Some).collect()
                }
                other => {
                    return self.errors.at(
                        other,
                        "the annotation of a tuple `let` must be a tuple of as many types",
                    );
                }
            },
            _ => vec![None; names.elems.len()],
        };
        let mut bound = Vec::new();
        for ((pat, value), ty) in names.elems.iter().zip(&values.elems).zip(types) {
            // `let (l1, l2) = (&self.layers[0], &self.layers[1]);`: aliases of paths.
            if let Pat::Ident(pi) = pat
                && pi.by_ref.is_none()
                && pi.subpat.is_none()
                && pi.mutability.is_none()
                && ty.is_none()
                && self.alias(&pi.ident, value)
            {
                continue;
            }
            let fresh = self.nodes.len();
            let Some(v) = self.value(value) else {
                return;
            };
            if let (Some(ty), true) = (ty, v >= fresh)
                && matches!(self.nodes[v].def, Def::Expr { .. })
            {
                self.nodes[v].ty = Some(ty.clone());
            }
            match pat {
                Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => {
                    bound.push((pi.ident.clone(), v));
                }
                Pat::Wild(_) => {}
                other => {
                    return self.errors.at(
                        other,
                        "each name of a tuple `let` must be a plain name (`a`, `mut a`) or `_`",
                    );
                }
            }
        }
        for (name, v) in bound {
            self.bind(name, v);
        }
    }

    /// `let (n, d) = x.dim();`, `let (lo, hi) = bounds(k);`: a tuple of data from one value,
    /// each name bound to its field (`t.0`, `t.1`). A value with floats in it (a call on
    /// differentiable values) cannot be split so.
    fn data_tuple_local(&mut self, names: &syn::PatTuple, init: &Expr) {
        let Some(v) = self.value(init) else { return };
        if self.nodes[v].float || !matches!(self.nodes[v].def, Def::Expr { .. }) {
            return self.errors.at(
                init,
                "a tuple `let` of one value takes data in #[differentiate] bodies (`let (n, d) = x.dim();`); for numbers, write a tuple of expressions: `let (a, b) = (e1, e2);`",
            );
        }
        let t = self.tokens(v);
        let span = syn::spanned::Spanned::span(init);
        for (k, pat) in names.elems.iter().enumerate() {
            match pat {
                Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => {
                    // A copy of the part: the tuple itself may be kept for the reverse sweep
                    // (a part that is not `Copy`, moved out, would leave it partly moved).
                    let field = syn::Index {
                        index: k as u32,
                        span,
                    };
                    let part =
                        quote::quote_spanned!(span=> ::core::clone::Clone::clone(&#t.#field));
                    let part = self.expr(part, vec![v], span, false);
                    self.bind(pi.ident.clone(), part);
                }
                Pat::Wild(_) => {}
                other => {
                    return self.errors.at(
                        other,
                        "each name of a tuple `let` must be a plain name (`a`, `mut a`) or `_`",
                    );
                }
            }
        }
    }
}
