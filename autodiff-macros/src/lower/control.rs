//! `if`/`else`, `for`, `while`, and the jumps (`return`, `break`, `continue`).
use super::expr::{plain_ident, strip_parens};
use super::{Flow, Lowerer};
use crate::ir::{Carry, If, IfPhi, Loop, LoopKind, Stmt as IrStmt, ValueId};
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::{Expr, Ident, Pat, RangeLimits, Stmt};

impl Lowerer<'_> {
    /// `return e` / `break` / `continue` as a statement: ends the current statement list.
    pub(super) fn jump(&mut self, e: &Expr) -> Option<Flow> {
        match e {
            Expr::Return(r) => {
                if let Some(&l) = self.loops.last() {
                    let _ = l;
                    self.errors.at(r, "`return` inside a loop is not supported in #[differentiate] bodies; `break` and return after the loop");
                    return Some(Flow::Failed);
                }
                Some(match &r.expr {
                    Some(v) => self.value(v).map_or(Flow::Failed, Flow::Value),
                    None => {
                        self.errors
                            .at(r, "`return` needs a value in a #[differentiate] function");
                        Flow::Failed
                    }
                })
            }
            Expr::Break(b) => {
                if b.label.is_some() || b.expr.is_some() {
                    self.errors.at(b, "`break` with a value is not supported in #[differentiate] bodies; assign the value to a `let mut` before the loop and `break;`");
                    return Some(Flow::Failed);
                }
                let Some(&loop_id) = self.loops.last() else {
                    self.errors.at(b, "`break` outside of a loop");
                    return Some(Flow::Failed);
                };
                self.stmts.push(IrStmt::Break { loop_id });
                Some(Flow::Jump)
            }
            Expr::Continue(c) => {
                if c.label.is_some() {
                    self.errors.at(
                        c,
                        "labeled `continue` is not supported in #[differentiate] bodies",
                    );
                    return Some(Flow::Failed);
                }
                Some(Flow::Jump)
            }
            _ => None,
        }
    }

    /// `if cond { .. } else { .. }`, each branch followed by `rest` (the continuation of a
    /// diverging `if`). Names assigned in the branches get a phi each.
    pub(super) fn if_flow(&mut self, e: &syn::ExprIf, rest: &[&[Stmt]]) -> Flow {
        let Some(cond) = self.data_value(&e.cond) else {
            return Flow::Failed;
        };
        let mut scan = Assigned::default();
        scan.visit_expr_if(e);
        rest.iter()
            .flat_map(|p| p.iter())
            .for_each(|s| scan.visit_stmt(s));
        let names = self.bound(scan.names);
        let before: Vec<ValueId> = names.iter().filter_map(|n| self.current(n)).collect();

        let (then, then_flow) = self.region(|l| l.seq(&with(&e.then_branch.stmts, rest)));
        let then_vals: Vec<ValueId> = names.iter().filter_map(|n| self.current(n)).collect();
        names.iter().zip(&before).for_each(|(n, &v)| self.set(n, v));
        let (els, else_flow) =
            self.region(
                |l| match e.else_branch.as_ref().map(|(_, b)| strip_parens(b)) {
                    Some(Expr::Block(b)) => l.seq(&with(&b.block.stmts, rest)),
                    Some(Expr::If(inner)) => l.if_flow(inner, rest),
                    Some(other) => {
                        l.errors.at(other, "unsupported `else` branch");
                        Flow::Failed
                    }
                    None => l.seq(rest),
                },
            );
        let else_vals: Vec<ValueId> = names.iter().filter_map(|n| self.current(n)).collect();

        let mut phis = Vec::new();
        for ((name, &t), &f) in names.iter().zip(&then_vals).zip(&else_vals) {
            let v = if t == f {
                t
            } else {
                self.merge(&mut phis, t, f, name.span())
            };
            self.set(name, v);
        }
        let flow = match (then_flow, else_flow) {
            (Flow::Failed, _) | (_, Flow::Failed) => Flow::Failed,
            (Flow::Value(t), Flow::Value(f)) => Flow::Value(if t == f {
                t
            } else {
                self.merge(&mut phis, t, f, e.span())
            }),
            (Flow::Value(_), _) | (_, Flow::Value(_))
                if e.else_branch.is_none() && rest.is_empty() =>
            {
                self.errors
                    .at(e, "an `if` without `else` cannot give a value");
                Flow::Failed
            }
            (Flow::Value(_), _) | (_, Flow::Value(_)) => {
                self.errors.at(
                    e,
                    "every branch of this `if` must give a value (or `return` one)",
                );
                Flow::Failed
            }
            (Flow::Jump, Flow::Jump) => Flow::Jump,
            _ => Flow::Unit,
        };
        let id = self.next_control();
        self.stmts.push(IrStmt::If(If {
            id,
            cond,
            then,
            els,
            phis,
        }));
        flow
    }

    fn merge(
        &mut self,
        phis: &mut Vec<IfPhi>,
        then: ValueId,
        els: ValueId,
        span: proc_macro2::Span,
    ) -> ValueId {
        let float = self.nodes[then].float || self.nodes[els].float;
        let out = self.phi(span, float);
        // What the merge of two data values looks like beside a field (`if .. { PI } else { E }`).
        self.data_kinds[out] =
            super::kinds::DataKind::of([self.data_kind(then), self.data_kind(els)]);
        self.views[out] = self.views[then] || self.views[els];
        phis.push(IfPhi { out, then, els });
        out
    }

    fn next_control(&mut self) -> usize {
        self.controls += 1;
        self.controls - 1
    }

    /// The names among `names` that are bound here (outer variables a region may assign).
    fn bound(&mut self, names: Vec<Ident>) -> Vec<Ident> {
        let mut out: Vec<Ident> = Vec::new();
        for n in names {
            if !out.contains(&n) && self.current(&n).is_some() {
                out.push(n);
            }
        }
        out
    }

    /// `for i in a..b { .. }` (also `a..=b` and `(a..b).rev()`).
    pub(super) fn for_loop(&mut self, f: &syn::ExprForLoop) -> Flow {
        if let Some(label) = &f.label {
            self.errors.at(
                label,
                "loop labels are not supported in #[differentiate] bodies",
            );
            return Flow::Failed;
        }
        let Some((range, rev)) = range_of(&f.expr) else {
            self.errors.at(&f.expr, "`for` loops in #[differentiate] bodies iterate over a range: `a..b`, `a..=b` or `(a..b).rev()`");
            return Flow::Failed;
        };
        let (Some(start), Some(end)) = (range.start.as_deref(), range.end.as_deref()) else {
            self.errors
                .at(range, "the range of a `for` loop needs both bounds");
            return Flow::Failed;
        };
        let (Some(start), Some(end)) = (self.data_value(start), self.data_value(end)) else {
            return Flow::Failed;
        };
        let pat = match &*f.pat {
            Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => Some(p.ident.clone()),
            Pat::Wild(_) => None,
            other => {
                self.errors
                    .at(other, "the loop variable must be a name or `_`");
                return Flow::Failed;
            }
        };
        let inclusive = matches!(range.limits, RangeLimits::Closed(_));
        let mut index = 0;
        let result = self.loop_region(&f.body.stmts, None, |l| {
            index = l.phi(f.pat.span(), false);
            if let Some(name) = &pat {
                l.bind(name.clone(), index);
            }
        });
        let Some((id, body, carried, cond)) = result else {
            return Flow::Failed;
        };
        debug_assert!(cond.is_none());
        let breaks = has_break(&body);
        self.stmts.push(IrStmt::Loop(Loop {
            id,
            kind: LoopKind::Range {
                index,
                start,
                end,
                inclusive,
                rev,
            },
            body,
            carried,
            breaks,
        }));
        Flow::Unit
    }

    /// `while cond { .. }`.
    pub(super) fn while_loop(&mut self, w: &syn::ExprWhile) -> Flow {
        if let Some(label) = &w.label {
            self.errors.at(
                label,
                "loop labels are not supported in #[differentiate] bodies",
            );
            return Flow::Failed;
        }
        let result = self.loop_region(&w.body.stmts, Some(&w.cond), |_| {});
        let Some((id, body, carried, Some((cond, cond_len)))) = result else {
            return Flow::Failed;
        };
        let breaks = has_break(&body);
        self.stmts.push(IrStmt::Loop(Loop {
            id,
            kind: LoopKind::While { cond, cond_len },
            body,
            carried,
            breaks,
        }));
        Flow::Unit
    }

    /// A loop body as a region: phis for the names it assigns, the (optional) condition, the
    /// statements; then the exit values bound to those names.
    #[allow(clippy::type_complexity)]
    fn loop_region(
        &mut self,
        body: &[Stmt],
        cond: Option<&Expr>,
        start: impl FnOnce(&mut Self),
    ) -> Option<(
        usize,
        crate::ir::Block,
        Vec<Carry>,
        Option<(ValueId, usize)>,
    )> {
        let mut scan = Assigned::default();
        body.iter().for_each(|s| scan.visit_stmt(s));
        let names = self.bound(scan.names);
        let entries: Vec<ValueId> = names.iter().filter_map(|n| self.current(n)).collect();
        let id = self.next_control();
        let mut phis = Vec::new();
        let mut cond_out = None;
        let (block, flow) = self.region(|l| {
            start(l);
            for (n, &e) in names.iter().zip(&entries) {
                // A name starting from a value of unknown kind may carry a float.
                let float = l.nodes[e].float || l.opaque[e];
                let phi = l.phi(n.span(), float);
                l.data_kinds[phi] = l.data_kind(e);
                l.views[phi] = l.views[e];
                phis.push(phi);
                l.set(n, phi);
            }
            if let Some(c) = cond {
                match l.value(c) {
                    Some(v) => cond_out = Some((v, l.stmts.len())),
                    None => return Flow::Failed,
                }
            }
            l.loops.push(id);
            let flow = l.seq(&[body]);
            l.loops.pop();
            flow
        });
        let nexts: Vec<ValueId> = names.iter().filter_map(|n| self.current(n)).collect();
        if flow == Flow::Failed || nexts.len() != names.len() {
            return None;
        }
        let mut carried = Vec::new();
        for (k, name) in names.iter().enumerate() {
            let float = self.nodes[entries[k]].float
                || self.opaque[entries[k]]
                || self.nodes[nexts[k]].float;
            let exit = self.phi(name.span(), float);
            self.data_kinds[exit] =
                super::kinds::DataKind::of([self.data_kind(entries[k]), self.data_kind(nexts[k])]);
            self.views[exit] = self.views[entries[k]] || self.views[nexts[k]];
            self.set(name, exit);
            carried.push(Carry {
                entry: entries[k],
                phi: phis[k],
                next: nexts[k],
                exit,
            });
        }
        Some((id, block, carried, cond_out))
    }
}

/// `block` followed by the continuation `rest`.
fn with<'a>(block: &'a [Stmt], rest: &[&'a [Stmt]]) -> Vec<&'a [Stmt]> {
    let mut parts = vec![block];
    parts.extend_from_slice(rest);
    parts
}

/// The range a `for` loop iterates over, and whether it is reversed.
fn range_of(e: &Expr) -> Option<(&syn::ExprRange, bool)> {
    match strip_parens(e) {
        Expr::Range(r) => Some((r, false)),
        Expr::MethodCall(m) if m.method == "rev" && m.args.is_empty() => {
            match strip_parens(&m.receiver) {
                Expr::Range(r) => Some((r, true)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Whether a block contains a `break` of its own loop.
fn has_break(block: &crate::ir::Block) -> bool {
    block.stmts.iter().any(|s| match s {
        IrStmt::Break { .. } => true,
        IrStmt::If(i) => has_break(&i.then) || has_break(&i.els),
        _ => false,
    })
}

/// Whether an `if` contains a `return`, `break` or `continue` (not inside a nested loop,
/// for the latter two): then the statements after it move into its branches.
pub(super) fn diverges(e: &Expr) -> bool {
    struct Finder {
        found: bool,
        depth: usize,
    }
    impl<'ast> Visit<'ast> for Finder {
        fn visit_expr_return(&mut self, _: &'ast syn::ExprReturn) {
            self.found = true;
        }
        fn visit_expr_break(&mut self, _: &'ast syn::ExprBreak) {
            self.found |= self.depth == 0;
        }
        fn visit_expr_continue(&mut self, _: &'ast syn::ExprContinue) {
            self.found |= self.depth == 0;
        }
        fn visit_expr_for_loop(&mut self, f: &'ast syn::ExprForLoop) {
            self.depth += 1;
            syn::visit::visit_expr_for_loop(self, f);
            self.depth -= 1;
        }
        fn visit_expr_while(&mut self, w: &'ast syn::ExprWhile) {
            self.depth += 1;
            syn::visit::visit_expr_while(self, w);
            self.depth -= 1;
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
    }
    let mut f = Finder {
        found: false,
        depth: 0,
    };
    f.visit_expr(e);
    f.found
}

/// The plain names assigned (`x = ..`, `x += ..`) anywhere in the visited code.
#[derive(Default)]
struct Assigned {
    names: Vec<Ident>,
}

impl<'ast> Visit<'ast> for Assigned {
    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        if let Some(n) = written(&a.left) {
            self.names.push(n.clone());
        }
        syn::visit::visit_expr_assign(self, a);
    }
    fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
        if super::expr::compound(&b.op).is_some()
            && let Some(n) = written(&b.left)
        {
            self.names.push(n.clone());
        }
        syn::visit::visit_expr_binary(self, b);
    }
    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if m.method == "assign"
            && let Expr::MethodCall(part) = strip_parens(&m.receiver)
            && let Some(n) = plain_ident(&part.receiver)
        {
            self.names.push(n.clone());
        }
        syn::visit::visit_expr_method_call(self, m);
    }
    fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
}

/// The name an assignment target writes: `x` in `x = ..`, `a` in `a[i] = ..`.
fn written(target: &Expr) -> Option<&Ident> {
    match strip_parens(target) {
        Expr::Index(ix) => written(&ix.expr),
        other => plain_ident(other),
    }
}
