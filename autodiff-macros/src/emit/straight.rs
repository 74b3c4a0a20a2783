//! Straight-line bodies (no `if`, loop or `break`): every adjoint write is unconditional, so
//! the generator knows which write to a slot comes first. A slot is a plain `let` made by its
//! first contribution (`adjoint_from`) and added to by the others (`add_into`): no `Option`,
//! no empty slots, no checks at run time, and about half the tokens of the general sweep.
//!
//! `NAME_vjp` knows its seed from the start, so it interleaves the sweeps: each VJP is emitted
//! as soon as its value's adjoint is complete (every consumer's VJP done). A scalar output that
//! is a sum of terms, `t0 + t1 - t2 ..`, gives each term the adjoint `±seed` at once, and pure
//! values wait for their first use: a term's forward and reverse code come together and its
//! values die there, as in a hand-written gradient (the unrolled Rosenbrock function). The
//! pullback's closure gets its seed later: it runs the VJPs in reverse order.
use super::Emitter;
use super::names::{name, private, pullback_ident, slot_ident};
use super::release::Code;
use crate::analyze::Slot;
use crate::ir::{Def, Stmt, ValueId};
use crate::rules::Arg;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::{Ident, Index};

/// What the straight-line emission has done so far.
struct State {
    /// Per value: the VJPs still to run that add into its adjoint.
    pending: Vec<usize>,
    /// The `+`/`-` nodes of the sum at the output (no adjoint of their own).
    in_sum: Vec<bool>,
    /// The sum's terms and signs, sorted.
    terms: Vec<(ValueId, bool)>,
    /// Per value: its VJP is emitted.
    done: Vec<bool>,
    /// Per value: its forward code is emitted.
    placed: Vec<bool>,
    /// Per value: its adjoint slot exists (its first contribution is emitted).
    declared: Vec<bool>,
}

impl Emitter<'_> {
    /// Whether the body is straight-line code (no `if`, loop or `break` at the top level).
    pub fn straight_line(&self) -> bool {
        self.tape
            .body
            .stmts
            .iter()
            .all(|s| matches!(s, Stmt::Value(_)))
    }

    /// The needed values the VJPs of `id` add into, once per argument.
    fn diff_args(&self, id: ValueId) -> Vec<ValueId> {
        let mut args = self.tape.nodes[id].def.differentiated();
        args.retain(|&a| self.an.needs[a]);
        args
    }

    /// The counts of pending VJPs, and the sum at the output of a scalar function.
    fn state(&self, scalar_output: bool) -> State {
        let n = self.tape.nodes.len();
        let mut pending = vec![0usize; n];
        for v in (0..n).filter(|&v| self.an.needs[v]) {
            for a in self.diff_args(v) {
                pending[a] += 1;
            }
        }
        let (in_sum, terms) = match scalar_output {
            true => self.output_sum(&pending),
            false => (vec![false; n], Vec::new()),
        };
        for &(t, _) in &terms {
            pending[t] -= 1;
        }
        State {
            pending,
            in_sum,
            terms,
            done: vec![false; n],
            placed: vec![false; n],
            declared: vec![false; n],
        }
    }

    /// The sum at the output of a scalar function: the `+`/`-` nodes whose adjoint is `±seed`
    /// (the output, and each such node's operands used by it alone), and their other
    /// operands, the terms, each with the sign of its `seed`. Every node of such a sum is a
    /// scalar (only scalar operands give a scalar), so a term's adjoint is `±seed` itself.
    fn output_sum(&self, pending: &[usize]) -> (Vec<bool>, Vec<(ValueId, bool)>) {
        let nodes = &self.tape.nodes;
        let mut in_sum = vec![false; nodes.len()];
        let mut terms = Vec::new();
        let is_sum = |v: ValueId| match &nodes[v].def {
            Def::Op { rule, .. } => matches!(rule.forward, "add" | "sub"),
            _ => false,
        };
        let out = self.tape.output;
        if !self.an.needs[out] || !is_sum(out) {
            return (in_sum, terms);
        }
        in_sum[out] = true;
        let mut stack = vec![(out, true)];
        while let Some((v, positive)) = stack.pop() {
            let Def::Op { rule, args } = &nodes[v].def else {
                continue;
            };
            for (k, &a) in args.iter().enumerate() {
                if !self.an.needs[a] {
                    continue;
                }
                let sign = positive == (k == 0 || rule.forward == "add");
                if is_sum(a) && pending[a] == 1 && !in_sum[a] {
                    in_sum[a] = true;
                    stack.push((a, sign));
                } else {
                    terms.push((a, sign));
                }
            }
        }
        terms.sort_unstable();
        (in_sum, terms)
    }

    /// `NAME_vjp`'s sweeps, interleaved, and the gradients (see the module doc).
    /// `scalar_output`: the declared output is `f32`/`f64`.
    pub fn interleaved(
        &self,
        seed: &Ident,
        scalar_output: bool,
        active: impl Fn(usize) -> bool,
    ) -> (TokenStream, Vec<TokenStream>) {
        let n = self.tape.nodes.len();
        let out = self.tape.output;
        let mut st = self.state(scalar_output);
        let mut code = Code::default();
        if !self.an.needs[out] {
            code.extend(quote!(let _ = #seed;));
        }
        // With a sum at the output, pure values wait for their first use (a `let` at the top
        // of the body is computed where its term needs it); the sum's nodes and terms keep
        // their place, so each term's code, forward and reverse, comes together.
        let sinks = !st.terms.is_empty();
        let deferred: Vec<bool> = (0..n)
            .map(|v| {
                sinks
                    && v != out
                    && !st.in_sum[v]
                    && st.terms.binary_search_by_key(&v, |&(t, _)| t).is_err()
                    && self.pure(v)
            })
            .collect();
        let order = self.order();
        // The values whose shape alone a `Shape` VJP reads get a shape binding, so that the
        // value itself can die at its last other reader.
        let droppable = self.droppable();
        let e = Emitter {
            shape_bound: std::rc::Rc::new(self.shape_reads(&droppable)),
            ..self.clone()
        };
        for &v in order.iter().filter(|&&v| !deferred[v]) {
            e.place(v, seed, &deferred, &mut st, &mut code);
        }
        for &v in &order {
            e.place(v, seed, &deferred, &mut st, &mut code);
        }
        let grads = e.straight_grads(&st, false, active);
        (e.released(code, &droppable), grads)
    }

    /// Per value: a needed rule reads it through a `Shape` VJP, and it may be an array that
    /// `release` drops early (`droppable`).
    fn shape_reads(&self, droppable: &[bool]) -> Vec<bool> {
        let mut reads = vec![false; self.tape.nodes.len()];
        for (v, node) in self.tape.nodes.iter().enumerate() {
            if let (true, Def::Op { rule, args }) = (self.an.needs[v], &node.def) {
                for (&a, kind) in args.iter().zip(rule.args) {
                    reads[a] |= matches!(kind, Arg::Shape(_)) && self.an.needs[a] && droppable[a];
                }
            }
        }
        reads
    }

    /// The pullback's forward code, its closure's reverse code (for the seed `seed`), and
    /// the gradients (`()` for data parameters).
    pub fn straight_pullback(
        &self,
        seed: &Ident,
        scalar_output: bool,
        active: impl Fn(usize) -> bool,
    ) -> (TokenStream, TokenStream, Vec<TokenStream>) {
        let out = self.tape.output;
        let mut st = self.state(scalar_output);
        let mut forward = Code::default();
        for v in self.order() {
            forward.forward(v, self.value_fwd(v));
        }
        let mut code = Code::default();
        code.extend(self.remat(0));
        if !self.an.needs[out] {
            code.extend(quote!(let _ = #seed;));
        }
        let terms = st.terms.clone();
        for (t, positive) in terms {
            self.seed_term(t, positive, seed, &mut st, &mut code);
        }
        for v in (0..self.tape.nodes.len()).rev() {
            if !self.an.needs[v] || st.in_sum[v] {
                continue;
            }
            if v == out {
                let d = self.adj(v);
                code.extend(quote!(let mut #d = #seed;));
                st.declared[v] = true;
            }
            self.task(v, &mut st, &mut code);
        }
        let grads = self.straight_grads(&st, true, active);
        let reverse = code.into_tokens();
        // What the closure does not read dies in the forward code: an array built in the
        // body is written in place, a temporary dropped.
        let later = quote!(#reverse #(#grads)*);
        let forward = self.released_before(forward, &later, &self.droppable());
        (forward, reverse, grads)
    }

    /// The values of the body, in program order.
    fn order(&self) -> Vec<ValueId> {
        self.tape
            .body
            .stmts
            .iter()
            .filter_map(|s| match s {
                Stmt::Value(v) => Some(*v),
                _ => None,
            })
            .collect()
    }

    /// Whether computing `v` later changes nothing but when it is computed: a pure rule or
    /// expression (not a call, not a parameter).
    fn pure(&self, v: ValueId) -> bool {
        match &self.tape.nodes[v].def {
            Def::Expr { pure, .. } => *pure,
            Def::Op { rule, .. } => crate::analyze::RECOMPUTED.contains(&rule.forward),
            _ => false,
        }
    }

    /// The values `v` reads.
    fn deps(&self, v: ValueId) -> &[ValueId] {
        match &self.tape.nodes[v].def {
            Def::Expr { deps, .. } => deps,
            Def::Op { args, .. } | Def::Call { args, .. } => args,
            _ => &[],
        }
    }

    /// Emits `v` after the deferred values it reads (depth first, without recursion): its
    /// forward code, the output's seed or its terms' `±seed`, then every VJP this completes.
    fn place(&self, v: ValueId, seed: &Ident, deferred: &[bool], st: &mut State, code: &mut Code) {
        let mut stack = vec![(v, false)];
        while let Some((w, expanded)) = stack.pop() {
            if st.placed[w] {
                continue;
            }
            if !expanded {
                stack.push((w, true));
                for &d in self.deps(w).iter().rev() {
                    if deferred[d] && !st.placed[d] {
                        stack.push((d, false));
                    }
                }
                continue;
            }
            st.placed[w] = true;
            code.forward(w, self.value_fwd(w));
            if self.shape_bound.get(w) == Some(&true) {
                let (z, v) = (slot_ident(Slot::Shape(w)), self.val(w));
                code.extend(quote!(let #z = ::autodiff::__private::shape_of(&#v);));
            }
            if !self.an.needs[w] || st.in_sum[w] {
                continue;
            }
            if w == self.tape.output {
                let d = self.adj(w);
                code.extend(quote!(let mut #d = #seed;));
                st.declared[w] = true;
            }
            let lo = st.terms.partition_point(|&(t, _)| t < w);
            let signs: Vec<bool> = st.terms[lo..]
                .iter()
                .take_while(|&&(t, _)| t == w)
                .map(|&(_, s)| s)
                .collect();
            for positive in signs {
                self.seed_term(w, positive, seed, st, code);
            }
            // This VJP, and those it completes in turn (their values are all computed).
            let mut ready = vec![w];
            while let Some(r) = ready.pop() {
                if st.pending[r] != 0 || st.done[r] {
                    continue;
                }
                st.done[r] = true;
                self.task(r, st, code);
                for a in self.diff_args(r) {
                    st.pending[a] -= 1;
                    if st.pending[a] == 0 {
                        ready.push(a);
                    }
                }
            }
        }
    }

    /// A term of the output's sum receives `±seed`.
    fn seed_term(&self, t: ValueId, positive: bool, seed: &Ident, st: &mut State, code: &mut Code) {
        let g = match positive {
            true => quote!(#seed),
            false => quote!(::core::ops::Neg::neg(#seed)),
        };
        self.contribute(t, g, false, self.tape.nodes[t].span, st, code);
    }

    /// Adds `contribution` into `a`'s adjoint: its first write makes the slot (a dense
    /// contribution is the adjoint itself; with `sparse`, the runtime's `adjoint_from` makes
    /// it: the zeros around an element read, the 1-D adjoint from a sequence's `Vec`).
    fn contribute(
        &self,
        a: ValueId,
        contribution: TokenStream,
        sparse: bool,
        span: proc_macro2::Span,
        st: &mut State,
        code: &mut Code,
    ) {
        let da = self.adj(a);
        code.extend(match (st.declared[a], sparse) {
            (true, _) => {
                let add = private("add_into", span);
                quote_spanned!(span=> #add(&mut #da, #contribution);)
            }
            (false, true) => {
                let first = private("adjoint_from", span);
                quote_spanned!(span=> let mut #da = #first(#contribution);)
            }
            (false, false) => quote_spanned!(span=> let mut #da = #contribution;),
        });
        st.declared[a] = true;
    }

    /// The VJPs of `v`, its adjoint complete, into its arguments' adjoints.
    fn task(&self, v: ValueId, st: &mut State, code: &mut Code) {
        let node = &self.tape.nodes[v];
        let span = node.span;
        let d = self.adj(v);
        match &node.def {
            Def::Op { rule, args } => {
                let call_args = self.call_args(rule, args);
                // This is the adjoint's last reader: the first needed argument whose VJP can
                // reuse the cotangent's buffer gets it by value, emitted after the others.
                let needed = |k: usize| self.an.needs[args[k]];
                let owner = (0..args.len()).find(|&k| {
                    needed(k) && rule.args[k].reuses_cotangent() && rule.saving.is_none()
                });
                let order = (0..args.len())
                    .filter(|&k| needed(k) && Some(k) != owner)
                    .chain(owner);
                for k in order {
                    let (a, kind) = (args[k], &rule.args[k]);
                    let g = match Some(k) == owner {
                        true => quote!(#d),
                        false => quote!(&#d),
                    };
                    let Some(contribution) = self.contribution(v, rule, &call_args, (a, kind), &g)
                    else {
                        continue;
                    };
                    let sparse = rule.sparse;
                    self.contribute(a, contribution, sparse, span, st, code);
                }
            }
            Def::Call { args, .. } => {
                let pb = pullback_ident(v);
                let gs = name(format_args!("gs"));
                code.extend(quote!(let #gs = #pb(#d);));
                for (k, &a) in args.iter().enumerate() {
                    if self.an.needs[a] {
                        let k = Index::from(k);
                        // Through `adjoint_from`: a sequence parameter's gradient (`Vec<T>`)
                        // becomes the 1-D adjoint the caller keeps.
                        self.contribute(a, quote!(#gs.#k), true, span, st, code);
                    }
                }
            }
            _ => {}
        }
    }

    /// Each parameter's gradient: active ones as their adjoint (or zeros if nothing reached
    /// them), others as `()` when `all_positions` (the pullback's convention), else left out.
    fn straight_grads(
        &self,
        st: &State,
        all_positions: bool,
        active: impl Fn(usize) -> bool,
    ) -> Vec<TokenStream> {
        (0..self.sig.params.len())
            .filter_map(|index| {
                if !active(index) {
                    return all_positions.then(|| quote!(()));
                }
                let v = self.tape.params[index];
                let value = self.val(v);
                let grad = match st.declared[v] {
                    true => {
                        let d = self.adj(v);
                        match self.sig.params[index].kind {
                            // The struct's adjoint as its gradient (skipped fields restored).
                            crate::signature::Kind::Struct => quote!(
                                ::autodiff::__private::gradient(::core::option::Option::Some(#d), &#value)
                            ),
                            _ => quote!(#d),
                        }
                    }
                    false => quote!(::autodiff::__private::zeros_like(&#value)),
                };
                Some(super::sequence_grad(&self.sig.params[index], grad))
            })
            .collect()
    }
}
