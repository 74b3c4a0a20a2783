//! Writes into a local array, as new values (SSA): `a[i] = e`, `a[[i, j]] = e`, `a[i] += e`
//! (also `-=`, `*=`, `/=`), `a.slice_mut(s![..]).assign(&e)`, `a.row_mut(i).assign(&e)`,
//! `a.column_mut(j).assign(&e)`. Each binds `a` to the array after the write, so a read
//! before it keeps its own value and gradient; the rules' VJPs give the overwritten elements
//! nothing of what replaced them.
use super::expr::{plain_ident, rule, strip_parens};
use super::{Flow, Lowerer};
use crate::ir::ValueId;
use crate::rules::Syntax;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Expr, Ident};

impl Lowerer<'_> {
    /// `a[i] = value` or, with `compound`, `a[i] OP= value`.
    pub(super) fn write_index(
        &mut self,
        target: &Expr,
        value: &Expr,
        compound: Option<&syn::ExprBinary>,
    ) -> Flow {
        let Expr::Index(ix) = strip_parens(target) else {
            return Flow::Failed;
        };
        let Some((name, old)) = self.write_target(&ix.expr) else {
            return Flow::Failed;
        };
        let Some(idx) = self.index_arg(&ix.index) else {
            return Flow::Failed;
        };
        if self.maybe_active[idx] {
            self.errors.at(
                &ix.index,
                "an index must be data (an integer), not a differentiable value",
            );
            return Flow::Failed;
        }
        let Some(mut v) = self.value(value) else {
            return Flow::Failed;
        };
        if let Some(b) = compound {
            let read = self.op(rule(Syntax::Operator, "[]"), vec![old, idx], ix.span());
            let Some(op) = super::expr::compound(&b.op) else {
                return Flow::Failed;
            };
            match self.binary(op, read, v, b) {
                Some(combined) => v = combined,
                None => return Flow::Failed,
            }
        }
        let new = self.op(
            rule(Syntax::Operator, "[]="),
            vec![old, idx, v],
            target.span(),
        );
        self.set(&name, new);
        Flow::Unit
    }

    /// `a.slice_mut(s![..]).assign(&e)`, `a.row_mut(i).assign(&e)`, `a.column_mut(j).assign(&e)`.
    pub(super) fn write_slice(&mut self, m: &syn::ExprMethodCall) -> Flow {
        let Expr::MethodCall(part) = strip_parens(&m.receiver) else {
            return self.unsupported_assign(m);
        };
        let kind = part.method.to_string();
        if !matches!(kind.as_str(), "slice_mut" | "row_mut" | "column_mut")
            || part.args.len() != 1
            || m.args.len() != 1
        {
            return self.unsupported_assign(m);
        }
        let Some((name, old)) = self.write_target(&part.receiver) else {
            return Flow::Failed;
        };
        let info = match (&part.args[0], kind.as_str()) {
            (Expr::Macro(mac), "slice_mut") => self.slice_info(mac),
            (_, "slice_mut") => {
                self.errors.at(
                    &part.args[0],
                    "`.slice_mut(..)` takes ndarray's `s![..]` in #[differentiate] bodies",
                );
                return Flow::Failed;
            }
            (i, lane) => {
                let Some(i) = self.value(i) else {
                    return Flow::Failed;
                };
                if self.maybe_active[i] {
                    self.errors.at(
                        &part.args[0],
                        "an index must be data (an integer), not a differentiable value",
                    );
                    return Flow::Failed;
                }
                let t = self.tokens(i);
                let info = match lane {
                    "row_mut" => quote!(::autodiff::ndarray::s![#t, ..]),
                    _ => quote!(::autodiff::ndarray::s![.., #t]),
                };
                Some(self.expr(info, vec![i], part.span(), false))
            }
        };
        let (Some(info), Some(v)) = (info, self.value(&m.args[0])) else {
            return Flow::Failed;
        };
        if !self.nodes[v].float {
            self.errors.at(
                &m.args[0],
                "`.assign(..)` takes a float array in #[differentiate] bodies",
            );
            return Flow::Failed;
        }
        let new = self.op(
            rule(Syntax::Operator, "[..]="),
            vec![old, info, v],
            m.span(),
        );
        self.set(&name, new);
        Flow::Unit
    }

    fn unsupported_assign(&mut self, m: &syn::ExprMethodCall) -> Flow {
        self.errors.at(
            m,
            "`.assign(..)` is supported on `a.slice_mut(s![..])`, `a.row_mut(i)` and `a.column_mut(j)` of a local array in #[differentiate] bodies",
        );
        Flow::Failed
    }

    /// The local float array a write goes into, by name: not a parameter (copy it first).
    fn write_target(&mut self, base: &Expr) -> Option<(Ident, ValueId)> {
        let Some(name) = plain_ident(base).cloned() else {
            self.errors.at(
                base,
                "writes go into a local array by its name in #[differentiate] bodies (`a[i] = ..`, `a.row_mut(i).assign(..)`)",
            );
            return None;
        };
        if self.sig.params.iter().any(|p| p.ident == name) {
            self.errors.at(
                base,
                format!("`{name}` is a parameter: #[differentiate] bodies do not write into parameters; write into a copy (`let mut {name} = {name}.to_owned();`)"),
            );
            return None;
        }
        let Some(old) = self.current(&name) else {
            self.errors.at(
                base,
                format!("cannot write into `{name}`: it is not a local array"),
            );
            return None;
        };
        if !self.nodes[old].float {
            self.errors.at(
                base,
                format!("`{name}` is not a float array: #[differentiate] bodies write into float arrays only"),
            );
            return None;
        }
        Some((name, old))
    }
}
