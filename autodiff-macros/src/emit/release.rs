//! Values die at their last use in `NAME_vjp`'s straight-line code: an array that the rest of
//! the code no longer reads is dropped there, as a hand-written gradient's temporaries are,
//! or, where its last reader is an `in_place` forward (`sigmoid(&x.dot(w))`), handed to it by
//! value to hold the result. A call's peak memory is then what is live, not everything it
//! computed; at MNIST size that also keeps glibc from handing the top of its heap back to the
//! kernel after each call and faulting it in again on the next.
use super::Emitter;
use super::names::value_id;
use crate::ir::{Def, ValueId};
use crate::signature::Kind;
use proc_macro2::{TokenStream, TokenTree};
use quote::quote;

/// Generated code as chunks in order (a forward `let`, a VJP, a seed), so that what each
/// chunk reads can be found afterwards, each with the value whose forward code it is.
#[derive(Default)]
pub struct Code(Vec<(TokenStream, Option<ValueId>)>);

impl Code {
    /// Appends a chunk.
    pub fn extend(&mut self, chunk: TokenStream) {
        self.0.push((chunk, None));
    }

    /// Appends the forward code of `v` (`Emitter::value_fwd`).
    pub fn forward(&mut self, v: ValueId, chunk: TokenStream) {
        self.0.push((chunk, Some(v)));
    }

    /// The code, chunk after chunk.
    pub fn into_tokens(self) -> TokenStream {
        self.0.into_iter().map(|(chunk, _)| chunk).collect()
    }
}

impl Emitter<'_> {
    /// The code, each chunk followed by `drop`s of the droppable values it reads last (the
    /// bindings it names: exactly what the generated code uses, nothing inferred). A value
    /// whose last reader is an `in_place` forward is passed to it by value instead.
    /// `droppable`: `Emitter::droppable`.
    pub(super) fn released(&self, code: Code, droppable: &[bool]) -> TokenStream {
        self.released_before(code, &TokenStream::new(), droppable)
    }

    /// [`released`](Self::released) for code that `later` follows (a pullback's closure,
    /// which owns what it reads): what `later` names lives past every chunk.
    pub(super) fn released_before(
        &self,
        code: Code,
        later: &TokenStream,
        droppable: &[bool],
    ) -> TokenStream {
        let n = self.tape.nodes.len();
        let mut last = vec![None; n];
        for (k, (chunk, _)) in code.0.iter().enumerate() {
            visit_values(chunk.clone(), &mut |v| {
                if v < n {
                    last[v] = Some(k);
                }
            });
        }
        let mut dead: Vec<Vec<ValueId>> = vec![Vec::new(); code.0.len()];
        let mut read_later = vec![false; n];
        visit_values(later.clone(), &mut |v| {
            if v < n {
                read_later[v] = true;
            }
        });
        for (v, &droppable) in droppable.iter().enumerate() {
            if let (true, false, Some(k)) = (droppable, read_later[v], last[v]) {
                dead[k].push(v);
            }
        }
        code.0
            .into_iter()
            .zip(dead)
            .map(|((chunk, forward_of), mut dead)| {
                let chunk = match forward_of.and_then(|v| self.in_place_fwd(v)) {
                    Some((a, in_place)) if dead.contains(&a) => {
                        dead.retain(|&d| d != a);
                        in_place()
                    }
                    _ => chunk,
                };
                let dead = dead.into_iter().map(|v| self.val(v));
                quote!(#chunk #(::core::mem::drop(#dead);)*)
            })
            .collect()
    }

    /// The values worth dropping early: results of rules and arrays built in the body (owned
    /// values) that may be arrays, other than the output, that nothing borrows or takes by
    /// value (an expression, a call or a data argument reading them keeps them to the end).
    pub(super) fn droppable(&self) -> Vec<bool> {
        let nodes = &self.tape.nodes;
        let mut array = vec![true; nodes.len()];
        let mut kept = vec![false; nodes.len()];
        kept[self.tape.output] = true;
        for (v, node) in nodes.iter().enumerate() {
            match &node.def {
                Def::Param { index } => array[v] = self.sig.params[*index].kind == Kind::Array,
                Def::Op { rule, args } => {
                    array[v] = match rule.forward {
                        // A view of a parameter's data is never dropped or taken by value.
                        _ if rule.borrows => false,
                        "sum" | "mean" | "index" | "cross_entropy" | "logsumexp" => false,
                        "dot" | "matmul" | "slice" | "sum_axis" | "row" | "column" => true,
                        _ => args
                            .iter()
                            .zip(rule.args)
                            .any(|(&a, k)| k.is_diff() && array[a]),
                    };
                    for (&a, k) in args.iter().zip(rule.args) {
                        kept[a] |= !k.is_diff();
                    }
                    // A view of a parameter's data (`views`) is not taken by value either.
                    kept[v] |= self.param_views[v] && self.part_views();
                }
                Def::Expr { tokens, deps, .. } => {
                    array[v] = !crate::generic::is_float_literal(tokens);
                    deps.iter().for_each(|&a| kept[a] = true);
                }
                Def::Call { args, .. } => args.iter().for_each(|&a| kept[a] = true),
                _ => {}
            }
        }
        // An array built in the body (`Array1::zeros(n)`) is owned too: the first write into
        // it takes it by value instead of copying it.
        (0..nodes.len())
            .map(|v| {
                let owned = match &nodes[v].def {
                    Def::Op { .. } => true,
                    Def::Expr { tokens, .. } => new_array(tokens),
                    _ => false,
                };
                owned && array[v] && !kept[v]
            })
            .collect()
    }
}

/// Whether an expression's tokens make a new array (`Array1::zeros(n)`: owned, never a view).
fn new_array(tokens: &TokenStream) -> bool {
    match syn::parse2::<syn::Expr>(tokens.clone()) {
        Ok(syn::Expr::Call(c)) => {
            matches!(&*c.func, syn::Expr::Path(p) if crate::rules::is_array_constructor(&p.path))
        }
        _ => false,
    }
}

/// Whether any of `code` names the tape value `v` (the pullback's and the jacobian's closure:
/// the function's output is moved out, not copied, where the closure does not read it).
pub(super) fn names_value<'t>(code: impl IntoIterator<Item = &'t TokenStream>, v: ValueId) -> bool {
    let mut found = false;
    for tokens in code {
        visit_values(tokens.clone(), &mut |w| found |= w == v);
    }
    found
}

/// Calls `f` with every tape value a token stream names.
fn visit_values(tokens: TokenStream, f: &mut impl FnMut(ValueId)) {
    for tree in tokens {
        match tree {
            TokenTree::Ident(ident) => {
                if let Some(v) = value_id(&ident) {
                    f(v);
                }
            }
            TokenTree::Group(group) => visit_values(group.stream(), f),
            _ => {}
        }
    }
}
