//! Every `let` of a body gets a name of its own (on a copy of the body), resolved exactly as
//! rustc scopes it. The lowering looks names up by spelling and, after an `if` that can
//! jump, lowers the code that follows inside that `if`'s branches; with one name per
//! binding, a `let` inside a branch can no longer capture a later use of an outer binding
//! of the same spelling: after the block, the outer binding is the one seen again.
//!
//! Renamed: names bound by `let` (also in tuples), `for` loops and `match` arms, and their
//! uses (also inside `s![..]`). Not renamed: parameters, names the body does not bind
//! (constants, functions), and `UPPER_CASE` names in `match` patterns (constants, as rustc
//! reads them).
use crate::emit::names::name;
use proc_macro2::{Group, TokenStream, TokenTree};
use std::collections::HashMap;
use syn::visit_mut::VisitMut;
use syn::{Block, Ident, Pat};

/// The body with a name of its own for every binding.
pub fn rename(body: &Block) -> Block {
    let mut r = Renamer {
        scopes: vec![HashMap::new()],
        next: 0,
    };
    let mut body = body.clone();
    r.visit_block_mut(&mut body);
    body
}

struct Renamer {
    /// Per scope: the user's name -> the name of its binding.
    scopes: Vec<HashMap<String, Ident>>,
    next: usize,
}

impl Renamer {
    fn resolve(&self, ident: &Ident) -> Option<Ident> {
        let key = ident.to_string();
        self.scopes.iter().rev().find_map(|s| s.get(&key)).map(|n| {
            let mut n = n.clone();
            n.set_span(ident.span());
            n
        })
    }

    /// Binds the names of a pattern in the innermost scope, renaming them in the pattern.
    fn declare(&mut self, pat: &mut Pat, constants_stay: bool) {
        match pat {
            Pat::Ident(p) if p.subpat.is_none() => {
                let text = p.ident.to_string();
                let constant = text.chars().next().is_some_and(|c| c.is_ascii_uppercase());
                if text.starts_with("__ad_") || (constants_stay && constant) {
                    return;
                }
                let fresh = Ident::new(
                    &format!("{}_{text}", name(format_args!("l{}", self.next))),
                    p.ident.span(),
                );
                self.next += 1;
                if let Some(scope) = self.scopes.last_mut() {
                    scope.insert(text, fresh.clone());
                }
                p.ident = fresh;
            }
            Pat::Type(t) => self.declare(&mut t.pat, constants_stay),
            Pat::Tuple(t) => t
                .elems
                .iter_mut()
                .for_each(|p| self.declare(p, constants_stay)),
            Pat::Paren(p) => self.declare(&mut p.pat, constants_stay),
            Pat::Or(o) => o
                .cases
                .iter_mut()
                .for_each(|p| self.declare(p, constants_stay)),
            _ => {}
        }
    }

    fn scoped(&mut self, f: impl FnOnce(&mut Self)) {
        self.scopes.push(HashMap::new());
        f(self);
        self.scopes.pop();
    }

    /// Renames the bound names among `tokens` (the contents of `s![..]`).
    fn tokens(&self, tokens: TokenStream) -> TokenStream {
        tokens
            .into_iter()
            .map(|tt| match tt {
                TokenTree::Ident(i) => TokenTree::Ident(self.resolve(&i).unwrap_or(i)),
                TokenTree::Group(g) => {
                    let mut inner = Group::new(g.delimiter(), self.tokens(g.stream()));
                    inner.set_span(g.span());
                    TokenTree::Group(inner)
                }
                other => other,
            })
            .collect()
    }
}

impl VisitMut for Renamer {
    fn visit_block_mut(&mut self, b: &mut Block) {
        self.scoped(|r| b.stmts.iter_mut().for_each(|s| r.visit_stmt_mut(s)));
    }

    fn visit_local_mut(&mut self, local: &mut syn::Local) {
        // The value first, in the scope before the binding (`let x = x + 1.0;`).
        if let Some(init) = &mut local.init {
            self.visit_expr_mut(&mut init.expr);
            if let Some((_, diverge)) = &mut init.diverge {
                self.visit_expr_mut(diverge);
            }
        }
        if let Pat::Type(t) = &mut local.pat {
            self.visit_type_mut(&mut t.ty);
        }
        self.declare(&mut local.pat, false);
    }

    fn visit_expr_for_loop_mut(&mut self, f: &mut syn::ExprForLoop) {
        self.visit_expr_mut(&mut f.expr);
        self.scoped(|r| {
            r.declare(&mut f.pat, false);
            r.visit_block_mut(&mut f.body);
        });
    }

    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        self.scoped(|r| {
            r.declare(&mut arm.pat, true);
            if let Some((_, guard)) = &mut arm.guard {
                r.visit_expr_mut(guard);
            }
            r.visit_expr_mut(&mut arm.body);
        });
    }

    fn visit_expr_path_mut(&mut self, p: &mut syn::ExprPath) {
        if p.qself.is_none()
            && let Some(ident) = p.path.get_ident()
            && let Some(renamed) = self.resolve(ident)
            && let Some(seg) = p.path.segments.last_mut()
        {
            seg.ident = renamed;
        }
    }

    fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
        m.tokens = self.tokens(m.tokens.clone());
    }

    // Closures are rejected by the lowering; their names are left alone.
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}

    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
