//! The forward sweep: one `let` per tape value, the user's control flow with the values each
//! region's reverse code needs pushed on that region's tape.
use super::Emitter;
use super::names::{name, private, slot_ident};
use crate::ir::{Block, Def, If, Loop, LoopKind, Stmt, ValueId};
use crate::rules::Rule;
use crate::signature::Kind;
use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};

impl Emitter<'_> {
    /// The tapes, branch-flag and trip-count stacks, declared before the forward sweep.
    pub fn tapes(&self) -> TokenStream {
        let mut out = TokenStream::new();
        for (region, slots) in self.an.residuals.iter().enumerate() {
            if !slots.is_empty() {
                let t = name(format_args!("tape{region}"));
                out.extend(match self.an.looped[region] {
                    true => quote!(let mut #t = ::std::vec::Vec::new();),
                    false => quote!(let mut #t = ::autodiff::__private::OnceTape::new();),
                });
            }
        }
        for (id, &stacked) in self.stacked.iter().enumerate() {
            if stacked {
                let t = name(format_args!("ctl{id}"));
                out.extend(quote!(let mut #t = ::std::vec::Vec::new();));
            }
        }
        out
    }

    /// The forward code of a block.
    pub fn forward(&self, block: &Block) -> TokenStream {
        block.stmts.iter().map(|s| self.stmt_fwd(s)).collect()
    }

    fn stmt_fwd(&self, stmt: &Stmt) -> TokenStream {
        match stmt {
            Stmt::Value(id) if self.consumes.get(*id) == Some(&true) => self.consuming_fwd(*id),
            Stmt::Value(id) => self.value_fwd(*id),
            Stmt::If(i) => self.if_fwd(i),
            Stmt::Loop(l) => self.loop_fwd(l),
            Stmt::Break { loop_id } => {
                let stop = name(format_args!("stop{loop_id}"));
                quote!(#stop = true;)
            }
        }
    }

    /// The `let` computing one value (also used to compute it again in the reverse sweep).
    pub(super) fn value_fwd(&self, id: ValueId) -> TokenStream {
        let node = &self.tape.nodes[id];
        let v = self.val(id);
        let span = node.span;
        match &node.def {
            Def::Param { index } if self.sig.params[*index].kind == Kind::Struct => {
                let param = &self.sig.params[*index];
                let p = &param.ident;
                let model = private("Model", span);
                match (self.owned_params, param.by_reference()) {
                    (true, true) => {
                        quote_spanned!(span=> let #v = #model::owned(::core::clone::Clone::clone(#p));)
                    }
                    (true, false) => quote_spanned!(span=> let #v = #model::owned(#p);),
                    (false, true) => quote_spanned!(span=> let #v = #model::new(#p);),
                    (false, false) => quote_spanned!(span=> let #v = #model::new(&#p);),
                }
            }
            Def::Param { index } => {
                let p = &self.sig.params[*index].ident;
                let param = private("Param", span);
                if self.owned_params {
                    quote_spanned!(span=> let #v = #param::into_owned_value(#p);)
                } else {
                    quote_spanned!(span=> let #v = #param::into_value(#p);)
                }
            }
            Def::DataParam { .. } | Def::Phi => TokenStream::new(),
            Def::Expr { tokens, .. } => match &node.ty {
                Some(ty) => quote!(let #v: #ty = #tokens;),
                None => quote!(let #v = #tokens;),
            },
            Def::Op { rule, args } => self.op_fwd(id, rule, args, false),
            Def::Call { callee, passed, .. } => {
                let pb = super::names::pullback_ident(id);
                super::call::companion_call((&v, &pb), callee, passed, span)
            }
        }
    }

    /// A write that takes its array by value (`consume`), the array's shape bound first where
    /// the reverse sweep reads it.
    fn consuming_fwd(&self, id: ValueId) -> TokenStream {
        let Def::Op { rule, args } = &self.tape.nodes[id].def else {
            return self.value_fwd(id);
        };
        let a = args[0];
        let shape = (self.shape_bound.get(a) == Some(&true)).then(|| {
            let (z, v) = (slot_ident(crate::analyze::Slot::Shape(a)), self.val(a));
            quote!(let #z = ::autodiff::__private::shape_of(&#v);)
        });
        let fwd = self.op_fwd(id, rule, args, true);
        quote!(#shape #fwd)
    }

    /// The forward code of rule `rule`'s value `id`; `in_place`: with its first argument
    /// passed by value, for the runtime to write into (its last use; see `release`).
    fn op_fwd(&self, id: ValueId, rule: &Rule, args: &[ValueId], in_place: bool) -> TokenStream {
        let (v, span) = (self.val(id), self.tape.nodes[id].span);
        let mut call = self.call_args(rule, args);
        if in_place {
            call[0] = self.operand(args[0]);
        }
        match rule.saving {
            Some((saving, _)) if self.an.needs[id] => {
                let f = private(saving, span);
                let s = super::names::saved_ident(id);
                quote_spanned!(span=> let (#v, #s) = #f(#(#call),*);)
            }
            _ => {
                // A closure that keeps the forward values (the pullback, the jacobian) keeps a
                // view made here as an owned copy.
                let f = match (rule.borrows && self.owned_views, self.part_view(id)) {
                    (true, _) => private(&format!("{}_owned", rule.forward), span),
                    (false, true) => private(&format!("{}_view", rule.forward), span),
                    (false, false) => private(rule.forward, span),
                };
                quote_spanned!(span=> let #v = #f(#(#call),*);)
            }
        }
    }

    /// For an `in_place` rule's value `id` whose forward may take its first argument by value
    /// (for a fused rule, only its saving forward, used where the value needs a gradient; never
    /// an argument the forward reads twice, `a + a`): that argument, and the forward code
    /// passing it so, made on demand (see `release`).
    pub(super) fn in_place_fwd(
        &self,
        id: ValueId,
    ) -> Option<(ValueId, impl FnOnce() -> TokenStream + '_)> {
        match &self.tape.nodes[id].def {
            Def::Op { rule, args }
                if rule.in_place
                    && (rule.saving.is_none() || self.an.needs[id])
                    && !args[1..].contains(&args[0]) =>
            {
                Some((args[0], move || self.op_fwd(id, rule, args, true)))
            }
            _ => None,
        }
    }

    /// Whether `region`'s tape holds only shapes (at most 12, a tuple with `Default`): then
    /// an entry of scalar shapes is zero-sized and never stored (`push_shapes`).
    pub(super) fn shapes_only(&self, region: usize) -> bool {
        let slots = &self.an.residuals[region];
        slots.len() <= 12
            && slots
                .iter()
                .all(|s| matches!(s, crate::analyze::Slot::Shape(_)))
    }

    /// A rule's arguments as its runtime functions take them: differentiable ones by
    /// reference, data by value.
    pub(super) fn call_args(&self, rule: &Rule, args: &[ValueId]) -> Vec<TokenStream> {
        args.iter()
            .zip(rule.args)
            .map(|(&a, kind)| {
                let a = self.operand(a);
                match kind.is_diff() {
                    true => quote!(&#a),
                    false => a,
                }
            })
            .collect()
    }

    /// `(start..end)` or `(start..=end)`, counted down if `down`.
    pub(super) fn range(
        &self,
        start: ValueId,
        end: ValueId,
        inclusive: bool,
        down: bool,
    ) -> TokenStream {
        let (start, end) = (self.operand(start), self.operand(end));
        let range = match inclusive {
            true => quote!((#start..=#end)),
            false => quote!((#start..#end)),
        };
        match down {
            true => quote!(#range.rev()),
            false => range,
        }
    }

    /// The tokens naming a value: its binding, or a data parameter's own name.
    pub fn operand(&self, id: ValueId) -> TokenStream {
        match self.tape.nodes[id].def {
            Def::DataParam { index } => {
                let p = &self.sig.params[index].ident;
                quote!(#p)
            }
            _ => {
                let v = self.val(id);
                quote!(#v)
            }
        }
    }

    /// The end of a region: its outgoing values (cloned where they are also kept or are not
    /// the region's own), then its residuals pushed on its tape. Evaluates to the outgoing
    /// values as a tuple.
    fn region_end(&self, block: &Block, outgoing: &[ValueId]) -> TokenStream {
        let slots = &self.an.residuals[block.region];
        let kept = |v: ValueId| slots.contains(&crate::analyze::Slot::Value(v));
        let values = outgoing.iter().enumerate().map(|(k, &v)| {
            let t = self.operand(v);
            let own = self.tape.nodes[v].region == block.region;
            if own && !kept(v) && !outgoing[..k].contains(&v) {
                t
            } else {
                quote!(::core::clone::Clone::clone(&#t))
            }
        });
        let out = name(format_args!("out"));
        // The kept shapes first: an outgoing value moves into `out`.
        let mut code: TokenStream = slots
            .iter()
            .filter_map(|&s| match s {
                crate::analyze::Slot::Shape(v) if self.shape_bound.get(v) != Some(&true) => {
                    let (z, v) = (slot_ident(s), self.val(v));
                    Some(quote!(let #z = ::autodiff::__private::shape_of(&#v);))
                }
                _ => None,
            })
            .collect();
        code.extend(quote!(let #out = (#(#values,)*);));
        if !slots.is_empty() {
            let tape = name(format_args!("tape{}", block.region));
            let items = slots.iter().map(|&s| slot_ident(s).to_token_stream());
            code.extend(match self.shapes_only(block.region) {
                true => quote!(::autodiff::__private::push_shapes(&mut #tape, (#(#items,)*));),
                false => quote!(#tape.push((#(#items,)*));),
            });
        }
        quote!({ #code #out })
    }

    fn if_fwd(&self, i: &If) -> TokenStream {
        let cond = self.operand(i.cond);
        let mut out = TokenStream::new();
        if self.stacked[i.id] {
            let ctl = name(format_args!("ctl{}", i.id));
            out.extend(quote!(#ctl.push(#cond);));
        }
        let then_out: Vec<ValueId> = i.phis.iter().map(|p| p.then).collect();
        let else_out: Vec<ValueId> = i.phis.iter().map(|p| p.els).collect();
        let (then_code, then_end) = (self.forward(&i.then), self.region_end(&i.then, &then_out));
        let (else_code, else_end) = (self.forward(&i.els), self.region_end(&i.els, &else_out));
        let outs = i.phis.iter().map(|p| self.val(p.out));
        out.extend(quote! {
            let (#(#outs,)*) = if #cond { #then_code #then_end } else { #else_code #else_end };
        });
        out
    }

    fn loop_fwd(&self, l: &Loop) -> TokenStream {
        let id = l.id;
        let holders: Vec<_> = (0..l.carried.len())
            .map(|k| name(format_args!("h{id}_{k}")))
            .collect();
        let count = name(format_args!("n{id}"));
        let stop = name(format_args!("stop{id}"));
        // A copy of each entry, or the entry itself where nothing reads it after (`consume`).
        let entries = l.carried.iter().map(|c| {
            let e = self.operand(c.entry);
            match self.moved_into_loop.get(c.entry) == Some(&true) {
                true => e,
                false => quote!(::core::clone::Clone::clone(&#e)),
            }
        });
        let phis: Vec<_> = l.carried.iter().map(|c| self.val(c.phi)).collect();
        let nexts: Vec<ValueId> = l.carried.iter().map(|c| c.next).collect();
        let reduction = self.an.reductions[id];
        // The trip count, for a reverse sweep that cannot count the range down again.
        let counted = !crate::analyze::replays_range(l);
        let mut out = quote!(#(let mut #holders = #entries;)*);
        if counted {
            out.extend(quote!(let mut #count: usize = 0;));
        }
        if let Some(k) = reduction {
            out.extend(self.sums(l, k));
        }
        if l.breaks {
            out.extend(quote!(let mut #stop = false;));
        }
        let end = self.region_end(&l.body, &nexts);
        let increment = counted.then(|| quote!(#count += 1;));
        let finish = quote! {
            (#(#holders,)*) = #end;
            #increment
        };
        let stop_check = l.breaks.then(|| quote!(if #stop { break; }));
        let take_phis = quote!(#(let #phis = #holders;)*);
        match &l.kind {
            LoopKind::Range {
                index,
                start,
                end,
                inclusive,
                rev,
            } => {
                let range = self.range(*start, *end, *inclusive, *rev);
                let i = name(format_args!("i"));
                let index = self.val(*index);
                let mut body = self.forward(&l.body);
                if let Some(k) = reduction {
                    body.extend(self.unit_sweep(l, k));
                }
                if !self.an.residuals[l.body.region].is_empty() {
                    // One tape entry per iteration: reserve them up front.
                    let tape = name(format_args!("tape{}", l.body.region));
                    out.extend(
                        quote!(#tape.reserve(::core::iter::Iterator::size_hint(&#range).0);),
                    );
                }
                out.extend(quote! {
                    for #i in #range {
                        let #index = #i;
                        #take_phis
                        #body
                        #finish
                        #stop_check
                    }
                });
            }
            LoopKind::While { cond, cond_len } => {
                let (head, rest) = l.body.stmts.split_at(*cond_len);
                let head: TokenStream = head.iter().map(|s| self.stmt_fwd(s)).collect();
                let rest: TokenStream = rest.iter().map(|s| self.stmt_fwd(s)).collect();
                let cond = self.operand(*cond);
                out.extend(quote! {
                    loop {
                        #take_phis
                        #head
                        if !#cond {
                            #(#holders = #phis;)*
                            break;
                        }
                        #rest
                        #finish
                        #stop_check
                    }
                });
            }
        }
        if self.stacked[id] {
            let ctl = name(format_args!("ctl{id}"));
            out.extend(quote!(#ctl.push(#count);));
        }
        let exits = l.carried.iter().map(|c| self.val(c.exit));
        out.extend(quote!(#(let #exits = #holders;)*));
        out
    }
}
