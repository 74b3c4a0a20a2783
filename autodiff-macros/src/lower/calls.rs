//! Calls in a body: a rule of the table (`sigmoid(&z)`), an array constructor
//! (`Array1::zeros(n)`), a call on data only, or a call to another differentiated function
//! through its pullback companion.
use super::Lowerer;
use super::expr::strip_parens;
use crate::ir::{Def, ValueId};
use crate::rules::{self, Syntax};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::spanned::Spanned;
use syn::{Expr, Ident};

impl Lowerer<'_> {
    pub(super) fn call(&mut self, c: &syn::ExprCall) -> Option<ValueId> {
        let span = c.span();
        let Expr::Path(path) = strip_parens(&c.func) else {
            return self.fail(
                &c.func,
                "only calls to named functions are supported in #[differentiate] bodies",
            );
        };
        let Some(last) = path.path.segments.last() else {
            return self.fail(path, "empty path");
        };
        let name = last.ident.to_string();
        let mut args = Vec::new();
        for a in &c.args {
            args.push(self.value(a));
        }
        let args: Vec<ValueId> = args.into_iter().collect::<Option<_>>()?;
        // `Array1::zeros(n)`, `Array2::<f64>::ones((r, c))`: a float array (data until a
        // write puts a differentiable value into it).
        if rules::is_array_constructor(&path.path) && args.iter().all(|&a| !self.maybe_active[a]) {
            let arg_tokens: Vec<TokenStream> = args.iter().map(|&a| self.tokens(a)).collect();
            return Some(self.expr(quote!(#path(#(#arg_tokens),*)), args, span, true));
        }
        if let Some(rule) = rules::find(Syntax::Function, &name) {
            if args.len() != rule.args.len() {
                return self.fail(c, format!("`{name}` takes {} argument(s)", rule.args.len()));
            }
            return Some(self.op(rule, args, span));
        }
        if !args.iter().any(|&a| self.maybe_active[a]) {
            // A call on data only (`Axis(1)`, `usize::min(a, b)`, `helper(&consts)`): data. A
            // float value the user passed by reference is passed so (the tape dropped the `&`).
            let arg_tokens: Vec<TokenStream> = c
                .args
                .iter()
                .zip(&args)
                .map(|(syntax, &a)| {
                    let t = self.tokens(a);
                    match matches!(strip_parens(syntax), Expr::Reference(_)) && self.nodes[a].float
                    {
                        true => quote!(&#t),
                        false => t,
                    }
                })
                .collect();
            // Of unknown kind; it looks like a float where it is given one (`helper(0.5)`).
            let float = args
                .iter()
                .any(|&a| self.data_kind(a) == super::kinds::DataKind::Float);
            let call = match (
                super::twin_calls::original(&path.path),
                self.twin_stands_for(),
            ) {
                // In a generic function's twin: the call as written.
                (Some(original), None) => quote!(#original(#(#arg_tokens),*)),
                (Some(original), Some((t, float))) => {
                    let original = super::twin_calls::at_original_float(&original, t, &float);
                    let twin_args = self.twin_args(c, &args, arg_tokens);
                    super::twin_calls::plain_call(&original, &twin_args, &quote!(#t), span)
                }
                (None, _) => quote!(#path(#(#arg_tokens),*)),
            };
            let v = self.opaque_expr(call, args, span);
            if float {
                self.data_kinds[v] = super::kinds::DataKind::Float;
            }
            return Some(v);
        }
        // A call to another #[differentiate] function, through its pullback companion.
        let passed = c
            .args
            .iter()
            .zip(&args)
            .map(|(syntax, &v)| self.passed(syntax, v))
            .collect();
        let active = args.iter().any(|&a| self.maybe_active[a]);
        Some(self.push(
            Def::Call {
                callee: path.path.clone(),
                args,
                passed,
            },
            span,
            true,
            active,
        ))
    }

    /// How an argument is handed to a differentiated callee: as the user wrote it, but with
    /// our bindings (a parameter by its own name, a reference to a local, a clone of a local
    /// the user moved).
    fn passed(&self, syntax: &Expr, v: ValueId) -> TokenStream {
        let by_ref = matches!(strip_parens(syntax), Expr::Reference(_));
        let t = self.tokens(v);
        // `z.view()` or `&z.view()` (lowered as `z` itself): a view, as the callee declares it.
        let inner = match strip_parens(syntax) {
            Expr::Reference(r) => strip_parens(&r.expr),
            other => other,
        };
        let view_call =
            matches!(inner, Expr::MethodCall(m) if m.method == "view" && m.args.is_empty());
        if view_call && self.nodes[v].float {
            let view = quote!(::autodiff::__private::view_of(&#t));
            return if by_ref { quote!(&#view) } else { view };
        }
        // An owned `Vec` parameter (or its `clone()`), which the tape moved into an array: a
        // `Vec` again.
        if let Some(ty) = self.owned_sequence(v) {
            let again = quote!(::autodiff::__private::sequence_again::<#ty, _>(&#t));
            return if by_ref { quote!(&#again) } else { again };
        }
        match &self.nodes[v].def {
            // A parameter by its own name, as the user passed it (deref coercion applies).
            Def::Param { index } if !self.sig.params[*index].owned_array() => {
                let p = &self.sig.params[*index].ident;
                if by_ref { quote!(&#p) } else { quote!(#p) }
            }
            // A view on the tape (a field read): the borrowed data itself, as the callee
            // declares it (`field_ref(&m, path)`).
            Def::Op { rule, args } if rule.borrows => {
                let get = format_ident!("{}_ref", rule.forward);
                let (base, rest) = (
                    self.tokens(args[0]),
                    args[1..].iter().map(|&a| self.tokens(a)),
                );
                let field = quote!(::autodiff::__private::#get(&#base, #(#rest),*));
                if by_ref {
                    field
                } else {
                    quote!(::core::clone::Clone::clone(#field))
                }
            }
            // A part read (`x.row(i)`, `x.slice(..)`, or a merge of one) is a view in plain
            // Rust, which is what the callee declares: a view of our value (a copy, or a view
            // of a parameter's data).
            _ if self.views[v] => {
                let view = quote!(::autodiff::__private::view_of(&#t));
                if by_ref { quote!(&#view) } else { view }
            }
            _ if by_ref => quote!(&#t),
            _ => quote!(::core::clone::Clone::clone(&#t)),
        }
    }

    /// The type of the owned float sequence parameter (`Vec<f64>`) that `v` is, or a copy of
    /// (`v.clone()`, `v.to_owned()`).
    fn owned_sequence(&self, v: ValueId) -> Option<&syn::Type> {
        match &self.nodes[v].def {
            Def::Param { index } => {
                let param = &self.sig.params[*index];
                (param.sequence() && param.owned_array()).then_some(&param.ty)
            }
            Def::Op { rule, args } if rule.forward == "to_owned" => self.owned_sequence(args[0]),
            _ => None,
        }
    }
}

/// The pullback companion a caller uses (next to the callee; `emit/call.rs` says how a caller
/// finds it, or reports that there is none).
pub fn pullback_name(name: &Ident) -> Ident {
    format_ident!(
        "__ad_annotate_with_differentiate_{}",
        name,
        span = name.span()
    )
}
