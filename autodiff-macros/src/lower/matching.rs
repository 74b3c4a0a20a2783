//! `match` on data, lowered as the `if` chain it means: each arm's patterns become a
//! condition on the scrutinee (literals, `a | b`, ranges, constants), `_` or a binding the
//! final `else`. The `if` machinery then does the rest (the taken arm carries the gradient,
//! names assigned in arms get phis, arms may `return`, `break` or `continue`).
use super::Lowerer;
use super::expr::{plain_ident, strip_parens};
use crate::emit::names::name;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Expr, ExprMatch, Pat, RangeLimits};

/// What an arm's patterns match.
enum Test {
    /// Any value (`_`, a name, or an alternative that is one of those).
    Always,
    /// A condition on the scrutinee.
    When(TokenStream),
}

impl Lowerer<'_> {
    /// The `if` chain of `m`, or `None` after reporting an error.
    pub(super) fn match_as_if(&mut self, m: &ExprMatch) -> Option<Expr> {
        let scrutinee = self.scrutinee(&m.expr)?;
        let mut arms: Vec<(Test, TokenStream)> = Vec::new();
        for arm in &m.arms {
            if let Some((_, guard)) = &arm.guard {
                self.errors.at(
                    guard,
                    "`match` guards (`if ..` after a pattern) are not supported in #[differentiate] bodies; test inside the arm with `if`",
                );
                return None;
            }
            let test = self.test(&arm.pat, &scrutinee)?;
            let body = arm_body(&arm.pat, &scrutinee, &arm.body);
            let always = matches!(test, Test::Always);
            arms.push((test, body));
            if always {
                break; // later arms are unreachable
            }
        }
        // The last arm is the final `else` (rustc checks the original for exhaustiveness).
        let (_, last) = arms.pop()?;
        let mut chain = last;
        for (test, body) in arms.into_iter().rev() {
            let Test::When(cond) = test else {
                continue;
            };
            chain = quote!({ if #cond #body else #chain });
        }
        match syn::parse2::<syn::Block>(chain) {
            Ok(block) => match block.stmts.as_slice() {
                [syn::Stmt::Expr(e, None)] => Some(e.clone()),
                _ => Some(Expr::Block(syn::ExprBlock {
                    attrs: Vec::new(),
                    label: None,
                    block,
                })),
            },
            Err(e) => {
                self.errors.push(e);
                None
            }
        }
    }

    /// The scrutinee as a plain name: the user's own, or a reserved one bound to its value.
    fn scrutinee(&mut self, e: &Expr) -> Option<TokenStream> {
        let (v, tokens) = match plain_ident(e) {
            Some(n) if self.current(n).is_some() => (self.current(n)?, quote!(#n)),
            _ => {
                let v = self.value(e)?;
                let hidden = name(format_args!("match{v}"));
                self.bind(hidden.clone(), v);
                (v, quote!(#hidden))
            }
        };
        if self.nodes[v].float {
            self.errors.at(
                e,
                "`match` on a float value is not supported in #[differentiate] bodies; match on integer, `bool` or `char` data, or compare with `if`",
            );
            return None;
        }
        Some(tokens)
    }

    fn test(&mut self, pat: &Pat, s: &TokenStream) -> Option<Test> {
        let span = pat.span();
        Some(match pat {
            Pat::Wild(_) => Test::Always,
            Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none() => Test::Always,
            Pat::Paren(p) => self.test(&p.pat, s)?,
            Pat::Lit(l) => Test::When(quote_spanned!(span=> (#s == #l))),
            Pat::Path(p) => Test::When(quote_spanned!(span=> (#s == #p))),
            Pat::Verbatim(v) => match syn::parse2::<Expr>(v.clone()) {
                Ok(e) => Test::When(quote_spanned!(span=> (#s == #e))),
                Err(_) => return self.unsupported_pattern(pat),
            },
            Pat::Range(r) => {
                let low = r.start.as_ref().map(|a| quote_spanned!(span=> #a <= #s));
                let high = r.end.as_ref().map(|b| match r.limits {
                    RangeLimits::Closed(_) => quote_spanned!(span=> #s <= #b),
                    RangeLimits::HalfOpen(_) => quote_spanned!(span=> #s < #b),
                });
                match (low, high) {
                    (Some(l), Some(h)) => Test::When(quote_spanned!(span=> (#l && #h))),
                    (Some(c), None) | (None, Some(c)) => Test::When(quote_spanned!(span=> (#c))),
                    (None, None) => Test::Always,
                }
            }
            Pat::Or(o) => {
                let mut conds = Vec::new();
                for case in &o.cases {
                    match self.test(case, s)? {
                        Test::Always => return Some(Test::Always),
                        Test::When(c) => conds.push(c),
                    }
                }
                Test::When(quote_spanned!(span=> (#(#conds)||*)))
            }
            _ => return self.unsupported_pattern(pat),
        })
    }

    fn unsupported_pattern(&mut self, pat: &Pat) -> Option<Test> {
        self.errors.at(
            pat,
            "this pattern is not supported in `match` in #[differentiate] bodies; use literals, `a | b`, ranges `a..=b`, constants, a name or `_`",
        );
        None
    }
}

/// An arm's body as a block: a name the pattern binds is bound to the scrutinee first; an
/// assignment arm (`0 => acc += x,`) is a statement.
fn arm_body(pat: &Pat, s: &TokenStream, body: &Expr) -> TokenStream {
    let binding = match pat {
        Pat::Ident(p) if p.subpat.is_none() && p.by_ref.is_none() => {
            let n = &p.ident;
            Some(quote!(let #n = #s;))
        }
        _ => None,
    };
    let statement = match strip_parens(body) {
        Expr::Assign(_) => true,
        Expr::Binary(b) => super::expr::compound(&b.op).is_some(),
        _ => false,
    };
    match (strip_parens(body), statement) {
        (Expr::Block(b), _) if b.label.is_none() && binding.is_none() => quote!(#b),
        (_, true) => quote!({ #binding #body; }),
        _ => quote!({ #binding #body }),
    }
}
