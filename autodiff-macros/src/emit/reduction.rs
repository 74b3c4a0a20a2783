//! Loops that only add into one scalar (`analyze::reduction`): the reverse code of the body
//! runs inside the forward loop with the seed `1`, summing what it adds to outer values; the
//! reverse sweep then scales those sums by the adjoint of the loop's result. One pass, no tape.
use super::names::name;
use super::{Emitter, Unit};
use crate::ir::{Loop, Stmt, ValueId};
use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

impl Emitter<'_> {
    /// The adjoint slot a contribution to `a` goes to: its own, or while emitting a unit
    /// sweep, the loop's sum for a value outside the body (none for the carried value).
    pub(super) fn adjoint_slot(&self, a: ValueId) -> Option<Ident> {
        match self.unit {
            Some(u) if a == u.phi => None,
            Some(u) if self.tape.nodes[a].region != u.region => Some(sum_ident(u.loop_id, a)),
            _ => Some(self.adj(a)),
        }
    }

    /// The outer values the body of reduction `l` adds to, in tape order.
    fn sum_targets(&self, l: &Loop, phi: ValueId) -> Vec<ValueId> {
        let mut targets: Vec<ValueId> = l
            .body
            .stmts
            .iter()
            .filter_map(|s| match s {
                Stmt::Value(v) if self.an.needs[*v] => Some(*v),
                _ => None,
            })
            .flat_map(|v| self.tape.nodes[v].def.differentiated())
            .filter(|&a| self.an.needs[a] && a != phi && self.tape.nodes[a].region != l.body.region)
            .collect();
        targets.sort_unstable();
        targets.dedup();
        targets
    }

    /// Before reduction `l`'s forward loop: its sums, empty.
    pub(super) fn sums(&self, l: &Loop, k: usize) -> TokenStream {
        self.sum_targets(l, l.carried[k].phi)
            .into_iter()
            .map(|a| {
                let u = sum_ident(l.id, a);
                let v = self.val(a);
                match self.tape.nodes[a].float {
                    true => quote!(let mut #u = ::autodiff::__private::none_like(&#v);),
                    false => quote!(let mut #u = ::core::option::Option::None;),
                }
            })
            .collect()
    }

    /// In reduction `l`'s forward loop, after the body: the body's reverse code with the
    /// seed `1` at the carried value's next value.
    pub(super) fn unit_sweep(&self, l: &Loop, k: usize) -> TokenStream {
        let c = &l.carried[k];
        let unit = Emitter {
            unit: Some(Unit {
                loop_id: l.id,
                region: l.body.region,
                phi: c.phi,
            }),
            ..self.clone()
        };
        let one = name(format_args!("one"));
        let next = self.val(c.next);
        let decls = unit.decls(l.body.region, Some((c.next, &one)));
        let body = unit.reverse_stmts(&l.body);
        quote! {{
            let #one = ::autodiff::__private::one_like(&#next);
            #decls
            #body
        }}
    }

    /// The reverse code of reduction `l`: each sum scaled by the adjoint `g` of the loop's
    /// result, which also reaches the carried value's entry unchanged.
    pub(super) fn reduction_rev(&self, l: &Loop, k: usize) -> TokenStream {
        let c = &l.carried[k];
        let d_exit = self.adj(c.exit);
        let g = name(format_args!("g"));
        let s = name(format_args!("s"));
        let scaled = self.sum_targets(l, c.phi).into_iter().map(|a| {
            let (u, d) = (sum_ident(l.id, a), self.adj(a));
            quote! {
                if let ::core::option::Option::Some(#s) = #u.take() {
                    ::autodiff::__private::accumulate(&mut #d, ::autodiff::__private::scaled(#s, #g));
                }
            }
        });
        let into_entry = self.transfer(&quote!(#d_exit), c.entry);
        quote! {
            if let ::core::option::Option::Some(#g) = &#d_exit {
                #(#scaled)*
            }
            #into_entry
        }
    }
}

/// Reduction `loop_id`'s sum of what its body adds to value `v`.
fn sum_ident(loop_id: usize, v: ValueId) -> Ident {
    name(format_args!("u{loop_id}_{v}"))
}
