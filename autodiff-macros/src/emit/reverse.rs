//! The reverse sweep: the regions replayed backwards, each VJP's contribution accumulated into
//! an adjoint that is created on first write; only values that need an adjoint get code.
use super::Emitter;
use super::names::{name, private, pullback_ident, slot_ident};
use crate::analyze::replays_range;
use crate::ir::{Block, Def, If, Loop, LoopKind, Stmt, ValueId};
use crate::rules::{Arg, Rule};
use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};
use syn::Index;

impl Emitter<'_> {
    /// Adjoint slots (`None` until first written) for the values of `region` that need one.
    pub(super) fn decls(
        &self,
        region: usize,
        seeded: Option<(ValueId, &syn::Ident)>,
    ) -> TokenStream {
        let mut out = TokenStream::new();
        for &id in &self.by_region[region] {
            // (A shared slot is declared with the value it belongs to; a carried one before
            // its loop: `share`.)
            if !self.an.needs[id] || self.slot_of[id] != id || self.carried_slot[id] {
                continue;
            }
            let d = self.adj(id);
            // Typed after the value where its binding is in scope, so rustc knows the type
            // at once (untyped slots make type checking of long bodies slow).
            // (Not an array a write took by value: `consume`.)
            let handed_over = self.handed_over.get(id) == Some(&true)
                || self.moved_into_loop.get(id) == Some(&true);
            let in_scope = !handed_over && region == 0
                || self.unit.is_some()
                || self.an.residuals[region].contains(&crate::analyze::Slot::Value(id))
                || self.an.remat[region].contains(&id);
            let v = self.val(id);
            out.extend(match seeded {
                Some((v, seed)) if v == id => {
                    quote!(let mut #d = ::core::option::Option::Some(#seed);)
                }
                _ if in_scope && self.tape.nodes[id].float => {
                    quote!(let mut #d = ::autodiff::__private::none_like(&#v);)
                }
                _ => quote!(let mut #d = ::core::option::Option::None;),
            });
        }
        out
    }

    /// The reverse sweep of the function body, seeded with `seed` at the output.
    pub fn reverse(&self, seed: &syn::Ident) -> TokenStream {
        let decls = self.decls(0, Some((self.tape.output, seed)));
        let remat = self.remat(0);
        let body = self.reverse_stmts(&self.tape.body);
        let unused = (!self.an.needs[self.tape.output]).then(|| quote!(let _ = #seed;));
        quote!(#unused #remat #decls #body)
    }

    /// The shape of value `v`: popped from its region's tape, or taken from the value.
    /// (A `Shape` VJP takes a kept shape or the operand itself: a value gives its own shape.)
    /// (Not the bound shape inside a summing loop's forward loop, `unit`: the write that binds
    /// it comes after the loop, and the value itself is still there.)
    fn shape(&self, v: ValueId) -> TokenStream {
        let region = self.tape.nodes[v].region;
        if (self.shape_bound.get(v) == Some(&true) && self.unit.is_none())
            || self.an.residuals[region].contains(&crate::analyze::Slot::Shape(v))
        {
            slot_ident(crate::analyze::Slot::Shape(v)).to_token_stream()
        } else {
            self.operand(v)
        }
    }

    /// What the VJP of op `id` adds to its argument `a` (of kind `kind`) when the output's
    /// adjoint, by reference, is `g`; `None` for a data argument. Shared by the general sweep
    /// and the straight-line one.
    pub(super) fn contribution(
        &self,
        id: ValueId,
        rule: &Rule,
        call_args: &[TokenStream],
        (a, kind): (ValueId, &Arg),
        g: &TokenStream,
    ) -> Option<TokenStream> {
        let span = self.tape.nodes[id].span;
        Some(match (kind, rule.saving) {
            // A fused rule: its VJP reads only what its forward kept.
            (Arg::Diff(_) | Arg::Reuse(_) | Arg::Output(_), Some((_, saved_vjp))) => {
                let f = private(saved_vjp, span);
                let s = super::names::saved_ident(id);
                quote_spanned!(span=> #f(#s, #g))
            }
            (Arg::Diff(vjp) | Arg::Reuse(vjp), None) => {
                let f = private(vjp, span);
                quote_spanned!(span=> #f(#(#call_args,)* #g))
            }
            (Arg::Output(vjp), None) => {
                let f = private(vjp, span);
                let y = self.val(id);
                quote_spanned!(span=> #f(&#y, #g))
            }
            (Arg::Shape(vjp), _) => {
                let f = private(vjp, span);
                let shape = self.shape(a);
                let data = call_args
                    .iter()
                    .zip(rule.args)
                    .filter(|(_, k)| !k.is_diff())
                    .map(|(t, _)| t);
                quote_spanned!(span=> #f(&#shape, #(#data,)* #g))
            }
            (Arg::Place(vjp), _) => {
                // In place where the array shares the result's slot (`value_rev`).
                let f = match self.shares_slot(a, id) {
                    true => private(&format!("{vjp}_in_place"), span),
                    false => private(vjp, span),
                };
                let data = call_args
                    .iter()
                    .zip(rule.args)
                    .filter(|(_, k)| !k.is_diff())
                    .map(|(t, _)| t);
                quote_spanned!(span=> #f(#(#data,)* #g))
            }
            (Arg::Data, _) => return None,
        })
    }

    /// The values of `region` its reverse code computes again instead of popping.
    pub(super) fn remat(&self, region: usize) -> TokenStream {
        self.an.remat[region]
            .iter()
            .map(|&v| self.value_fwd(v))
            .collect()
    }

    pub(super) fn reverse_stmts(&self, block: &Block) -> TokenStream {
        block.stmts.iter().rev().map(|s| self.stmt_rev(s)).collect()
    }

    /// The start of a region's reverse code: its residuals popped, its adjoints declared.
    fn region_start(&self, block: &Block) -> TokenStream {
        let slots = &self.an.residuals[block.region];
        let pop = (!slots.is_empty()).then(|| {
            let tape = name(format_args!("tape{}", block.region));
            let items = slots.iter().map(|&s| slot_ident(s));
            let pop = match self.shapes_only(block.region) {
                true => quote!(::autodiff::__private::pop_shapes),
                false => quote!(::autodiff::__private::pop),
            };
            quote!(let (#(#items,)*) = #pop(&mut #tape);)
        });
        let remat = self.remat(block.region);
        let decls = self.decls(block.region, None);
        quote!(#pop #remat #decls)
    }

    /// `if let Some(g) = dv.take() { accumulate(d_target, g) }`, if both ends need it.
    pub(super) fn transfer(&self, from: &TokenStream, target: ValueId) -> TokenStream {
        if !self.an.needs[target] {
            return TokenStream::new();
        }
        let d = self.adj(target);
        let g = name(format_args!("g"));
        quote! {
            if let ::core::option::Option::Some(#g) = #from.take() {
                ::autodiff::__private::accumulate(&mut #d, #g);
            }
        }
    }

    fn stmt_rev(&self, stmt: &Stmt) -> TokenStream {
        match stmt {
            Stmt::Value(id) if self.an.needs[*id] => self.value_rev(*id),
            Stmt::Value(_) | Stmt::Break { .. } => TokenStream::new(),
            Stmt::If(i) if self.an.live[i.id] => self.if_rev(i),
            Stmt::Loop(l) if self.an.live[l.id] => self.loop_rev(l),
            Stmt::If(_) | Stmt::Loop(_) => TokenStream::new(),
        }
    }

    pub(super) fn value_rev(&self, id: ValueId) -> TokenStream {
        let node = &self.tape.nodes[id];
        let span = node.span;
        let (d, g) = (self.adj(id), name(format_args!("g")));
        match &node.def {
            Def::Op { rule, args } => {
                let call_args = self.call_args(rule, args);
                let acc = private("accumulate", span);
                // The adjoint's last reader: the first needed argument whose VJP can reuse
                // the cotangent's buffer takes it by value, after the others (as in the
                // straight-line sweep); a write's VJP then zeroes the written positions of
                // the adjoint itself, with no copy.
                let needed =
                    |k: usize| self.an.needs[args[k]] && self.adjoint_slot(args[k]).is_some();
                let owner = (0..args.len()).find(|&k| {
                    needed(k) && rule.args[k].reuses_cotangent() && rule.saving.is_none()
                });
                let order = (0..args.len())
                    .filter(|&k| needed(k) && Some(k) != owner)
                    .chain(owner);
                // A write whose array shares the result's slot (`share`): its VJP zeroes the
                // written positions of that adjoint where it is, after the others read it.
                let in_place = owner.filter(|&k| {
                    matches!(rule.args[k], Arg::Place(_)) && self.shares_slot(args[k], id)
                });
                let contributions: Vec<TokenStream> = order
                    .filter_map(|k| {
                        let (a, kind) = (args[k], &rule.args[k]);
                        let da = self.adjoint_slot(a)?;
                        let g = match (Some(k) == owner, in_place.is_some()) {
                            (true, _) => quote!(#g),
                            (false, true) => quote!(&*#g),
                            (false, false) => quote!(&#g),
                        };
                        let c = self.contribution(id, rule, &call_args, (a, kind), &g)?;
                        match Some(k) == in_place {
                            true => Some(quote_spanned!(span=> #c;)),
                            false => Some(quote_spanned!(span=> #acc(&mut #da, #c);)),
                        }
                    })
                    .collect();
                let take = match in_place {
                    Some(_) => quote!(as_mut),
                    None => quote!(take),
                };
                quote! {
                    if let ::core::option::Option::Some(#g) = #d.#take() {
                        #(#contributions)*
                    }
                }
            }
            Def::Call { args, .. } => {
                let pb = pullback_ident(id);
                let gs = name(format_args!("gs"));
                let contributions = args
                    .iter()
                    .enumerate()
                    .filter(|&(_, &a)| self.an.needs[a])
                    .map(|(k, &a)| {
                        let da = self.adj(a);
                        let k = Index::from(k);
                        quote!(::autodiff::__private::accumulate(&mut #da, #gs.#k);)
                    });
                quote! {
                    if let ::core::option::Option::Some(#g) = #d.take() {
                        let #gs = #pb(#g);
                        #(#contributions)*
                    }
                }
            }
            _ => TokenStream::new(),
        }
    }

    fn if_rev(&self, i: &If) -> TokenStream {
        let ctl = name(format_args!("ctl{}", i.id));
        let flag = name(format_args!("f"));
        let branch = |block: &Block, src: &dyn Fn(&crate::ir::IfPhi) -> ValueId| {
            let start = self.region_start(block);
            let phis: TokenStream = i
                .phis
                .iter()
                .filter(|p| self.an.needs[p.out])
                .map(|p| {
                    let d = self.adj(p.out);
                    self.transfer(&quote!(#d), src(p))
                })
                .collect();
            let body = self.reverse_stmts(block);
            quote!(#start #phis #body)
        };
        let then = branch(&i.then, &|p| p.then);
        let els = branch(&i.els, &|p| p.els);
        let flag_value = if self.stacked[i.id] {
            quote!(::autodiff::__private::pop(&mut #ctl))
        } else {
            self.operand(i.cond)
        };
        quote! {
            let #flag: bool = #flag_value;
            if #flag { #then } else { #els }
        }
    }

    fn loop_rev(&self, l: &Loop) -> TokenStream {
        let id = l.id;
        if let Some(k) = self.an.reductions[id] {
            return self.reduction_rev(l, k);
        }
        let ctl = name(format_args!("ctl{id}"));
        let count = name(format_args!("n{id}"));
        // Adjoints flowing backwards along the loop-carried values that need them.
        let carried: Vec<_> = l
            .carried
            .iter()
            .enumerate()
            .filter(|(_, c)| self.an.needs[c.phi] || self.an.needs[c.exit])
            .map(|(k, c)| match self.carried_slot[c.phi] {
                // The body only writes into it: the phi's (and the next value's) own slot
                // carries the adjoint (`share`).
                true => (c, self.adj(c.phi)),
                false => (c, name(format_args!("c{id}_{k}"))),
            })
            .collect();
        let init = carried.iter().map(|(c, dc)| {
            if self.an.needs[c.exit] {
                let d = self.adj(c.exit);
                quote!(let mut #dc = #d.take();)
            } else {
                quote!(let mut #dc = ::core::option::Option::None;)
            }
        });
        let start = self.region_start(&l.body);
        let into_next: TokenStream = carried
            .iter()
            .filter(|(c, _)| !self.carried_slot[c.phi])
            .map(|(c, dc)| self.transfer(&quote!(#dc), c.next))
            .collect();
        let body = self.reverse_stmts(&l.body);
        let to_prev = carried.iter().map(|(c, dc)| {
            if self.carried_slot[c.phi] {
                quote!()
            } else if self.an.needs[c.phi] {
                let d = self.adj(c.phi);
                quote!(#dc = #d.take();)
            } else {
                quote!(#dc = ::core::option::Option::None;)
            }
        });
        let into_entry: TokenStream = carried
            .iter()
            .map(|(c, dc)| self.transfer(&quote!(#dc), c.entry))
            .collect();
        let iterations = match &l.kind {
            // The same indices again, last first.
            LoopKind::Range {
                index,
                start,
                end,
                inclusive,
                rev,
            } if replays_range(l) => {
                let index = self.val(*index);
                let range = self.range(*start, *end, *inclusive, !*rev);
                quote!(for #index in #range)
            }
            _ if self.stacked[id] => quote! {
                let #count: usize = ::autodiff::__private::pop(&mut #ctl);
                for _ in 0..#count
            },
            // A loop of the function body: its count is still in scope.
            _ => quote!(for _ in 0..#count),
        };
        quote! {
            #(#init)*
            #iterations {
                #start
                #into_next
                #body
                #(#to_prev)*
            }
            #into_entry
        }
    }

    /// The gradient of each parameter, in order: active ones as adjoints (or zeros), others
    /// as `()` when `all_positions` (the pullback's convention), else left out.
    pub fn grads(&self, all_positions: bool, active: impl Fn(usize) -> bool) -> Vec<TokenStream> {
        self.sig
            .params
            .iter()
            .zip(&self.tape.params)
            .enumerate()
            .filter_map(|(index, (_, &v))| {
                if !active(index) {
                    return all_positions.then(|| quote!(()));
                }
                let value = self.val(v);
                let grad = if self.an.needs[v] {
                    let d = self.adj(v);
                    quote!(::autodiff::__private::gradient(#d, &#value))
                } else {
                    quote!(::autodiff::__private::zeros_like(&#value))
                };
                Some(super::sequence_grad(&self.sig.params[index], grad))
            })
            .collect()
    }
}
