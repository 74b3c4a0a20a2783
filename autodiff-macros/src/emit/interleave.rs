//! `NAME_vjp` of a straight-line body: the forward and reverse sweeps as one, each VJP emitted
//! as soon as its value's adjoint is complete (every consumer's VJP done) instead of after
//! the whole forward sweep. A scalar output that is a sum of terms, `t0 + t1 - t2 ..`, gives
//! each term the adjoint `±seed` at once, so a term's VJPs follow its forward code and its
//! values die there, as in a hand-written gradient (the unrolled Rosenbrock function).
use super::Emitter;
use super::names::{adjoint_ident, value_ident};
use crate::ir::{Def, Stmt, ValueId};
use proc_macro2::TokenStream;
use quote::quote;
use syn::Ident;

impl Emitter<'_> {
    /// Whether the body is straight-line code (no `if`, loop or `break` at the top level).
    pub fn straight_line(&self) -> bool {
        self.tape
            .body
            .stmts
            .iter()
            .all(|s| matches!(s, Stmt::Value(_)))
    }

    /// For each needed value: the needed values its VJPs add into, once per argument.
    fn diff_args(&self, id: ValueId) -> Vec<ValueId> {
        let args: Vec<ValueId> = match &self.tape.nodes[id].def {
            Def::Op { rule, args } => args
                .iter()
                .zip(rule.args)
                .filter(|(_, a)| a.is_diff())
                .map(|(&a, _)| a)
                .collect(),
            Def::Call { args, .. } => args.clone(),
            _ => Vec::new(),
        };
        args.into_iter().filter(|&a| self.an.needs[a]).collect()
    }

    /// The sum at the output of a scalar function: the `+`/`-` nodes whose adjoint is `±seed`
    /// (the output, and each such node's operands used by it alone), and their other
    /// operands, the terms, each with the sign of its `seed`.
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

    /// The body's forward and reverse code, interleaved (for `NAME_vjp`; see the module doc).
    /// `scalar_output`: the declared output is `f32`/`f64`, so every node of a sum at the
    /// output is a scalar too (only scalar operands give a scalar) and its terms' adjoints
    /// are `±seed`.
    pub fn interleaved(&self, seed: &Ident, scalar_output: bool) -> TokenStream {
        let n = self.tape.nodes.len();
        let needs = &self.an.needs;
        let mut pending = vec![0usize; n];
        for v in (0..n).filter(|&v| needs[v]) {
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
        let out = self.tape.output;
        let mut code = TokenStream::new();
        if !needs[out] {
            code.extend(quote!(let _ = #seed;));
        }
        let mut state = State {
            pending,
            in_sum,
            terms,
            done: vec![false; n],
            placed: vec![false; n],
        };
        // With a sum at the output, pure values wait for their first use (a `let` at the top
        // of the body is computed where its term needs it) and the sum's nodes and terms
        // keep their place: each term's code, forward and reverse, comes together.
        let sinks = !state.terms.is_empty();
        let deferred = |v: ValueId| {
            sinks && v != out && !state_in_sum(&state.in_sum, &state.terms, v) && self.pure(v)
        };
        let deferred: Vec<bool> = (0..n).map(deferred).collect();
        let order: Vec<ValueId> = self
            .tape
            .body
            .stmts
            .iter()
            .filter_map(|s| match s {
                Stmt::Value(v) => Some(*v),
                _ => None,
            })
            .collect();
        for &v in order.iter().filter(|&&v| !deferred[v]) {
            self.place(v, seed, &deferred, &mut state, &mut code);
        }
        for &v in &order {
            self.place(v, seed, &deferred, &mut state, &mut code);
        }
        code
    }
}

/// What the interleaved emission has done so far.
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
}

fn state_in_sum(in_sum: &[bool], terms: &[(ValueId, bool)], v: ValueId) -> bool {
    in_sum[v] || terms.binary_search_by_key(&v, |&(t, _)| t).is_ok()
}

impl Emitter<'_> {
    /// Whether computing `v` later changes nothing but when it is computed: a pure rule or
    /// expression (not a call, not a parameter).
    fn pure(&self, v: ValueId) -> bool {
        match &self.tape.nodes[v].def {
            Def::Expr { pure, .. } => *pure,
            Def::Op { rule, .. } => crate::analyze::RECOMPUTED.contains(&rule.forward),
            _ => false,
        }
    }

    /// Whether an element read `v[i]` adds into `v`'s adjoint: then it starts as zeros.
    fn by_index(&self, v: ValueId) -> bool {
        self.tape.nodes.iter().any(|n| match &n.def {
            Def::Op { rule, args } => rule.forward == "index" && args[0] == v,
            _ => false,
        })
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
    /// forward code, its adjoint slot with the output's seed or its terms' `±seed`, then
    /// every VJP this completes.
    fn place(
        &self,
        v: ValueId,
        seed: &Ident,
        deferred: &[bool],
        st: &mut State,
        code: &mut TokenStream,
    ) {
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
            self.emit_value(w, seed, st, code);
        }
    }

    fn emit_value(&self, v: ValueId, seed: &Ident, st: &mut State, code: &mut TokenStream) {
        code.extend(self.value_fwd(v));
        if !self.an.needs[v] || st.in_sum[v] {
            return;
        }
        let d = adjoint_ident(v);
        let value = value_ident(v);
        let scattered = self.by_index(v);
        code.extend(match v == self.tape.output {
            true => quote!(let mut #d = ::core::option::Option::Some(#seed);),
            false if scattered => {
                quote!(let mut #d = ::core::option::Option::Some(::autodiff::__private::zeros_like(&#value));)
            }
            false if self.tape.nodes[v].float => {
                quote!(let mut #d = ::autodiff::__private::none_like(&#value);)
            }
            false => quote!(let mut #d = ::core::option::Option::None;),
        });
        let lo = st.terms.partition_point(|&(t, _)| t < v);
        for &(_, positive) in st.terms[lo..].iter().take_while(|&&(t, _)| t == v) {
            let g = match positive {
                true => quote!(#seed),
                false => quote!(::core::ops::Neg::neg(#seed)),
            };
            code.extend(quote!(::autodiff::__private::accumulate(&mut #d, #g);));
        }
        // This VJP, and those it completes in turn (their values are all computed).
        let mut ready = vec![v];
        while let Some(r) = ready.pop() {
            if st.pending[r] != 0 || st.done[r] {
                continue;
            }
            st.done[r] = true;
            code.extend(self.value_rev(r));
            for a in self.diff_args(r) {
                st.pending[a] -= 1;
                if st.pending[a] == 0 {
                    ready.push(a);
                }
            }
        }
    }
}
