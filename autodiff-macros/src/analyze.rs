//! Activity analysis: a value gets an adjoint only if it depends on an active parameter AND
//! reaches the output. Then what each region must keep for the reverse sweep (its residuals)
//! and which `if`s and loops the reverse sweep must replay at all.
use crate::ir::{Block, Def, Loop, LoopKind, Stmt, Tape, ValueId};
use crate::rules::Arg;

/// A binding the reverse sweep reads: a value, or the pullback of a call.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Slot {
    Value(ValueId),
    Pullback(ValueId),
    /// What a fused rule's forward kept for its VJP (`Rule::saving`).
    Saved(ValueId),
    /// The shape of a value whose VJPs read only that (`Arg::Shape`).
    Shape(ValueId),
}

/// The result of the analysis for one choice of active parameters.
pub struct Analysis {
    /// `needs[v]`: value `v` gets an adjoint in the reverse sweep.
    pub needs: Vec<bool>,
    /// Per region: the bindings its reverse code (or a nested region's) reads, which the
    /// forward sweep pushes on the region's tape. Region 0 needs none: its bindings stay in
    /// scope.
    pub residuals: Vec<Vec<Slot>>,
    /// Per region: values its reverse code reads that it computes again instead of keeping
    /// (literals, data, cheap elementwise results; see `RECOMPUTED`), in tape order.
    pub remat: Vec<Vec<ValueId>>,
    /// Per `if`/loop id: whether the reverse sweep replays it.
    pub live: Vec<bool>,
    /// Per region: it is a loop body or inside one (it may run many times per call). A
    /// region outside every loop runs at most once: its tape holds one entry in place (the
    /// runtime's `OnceTape`), so keeping a number there costs no allocation.
    pub looped: Vec<bool>,
    /// Per `if`/loop id: for a loop of the function body that only adds into one scalar
    /// (`reduction`), the index of that carried value. Its reverse code runs inside the
    /// forward loop with the seed `1`, and the reverse sweep scales the sums.
    pub reductions: Vec<Option<usize>>,
}

/// Rules whose forward is one cheap pass (elementwise arithmetic and functions, an element
/// read): in a branch or loop body the reverse sweep computes them again from their inputs
/// rather than keeping them on the region's tape. For scalars, the compiler then drops what
/// a VJP does not read; for arrays, one pass replaces the copy the tape would need.
pub const RECOMPUTED: &[&str] = &[
    "add", "sub", "mul", "square", "div", "neg", "index", "ln", "exp", "sin", "cos", "tan", "tanh",
    "sqrt", "abs", "powi", "powf", "sigmoid", "relu", "ln_1p", "exp_m1", "log2", "log10", "recip",
    "sinh", "cosh", "asin", "acos", "atan", "cbrt", "max", "min", "atan2", "hypot",
];

/// Rules of [`RECOMPUTED`] whose forward evaluates a transcendental function per element:
/// their array results are kept on the region's tape instead of computed again (a tape entry,
/// or a copy where the result also leaves the region, against an `exp` per element again).
/// In a loop body that is an array per iteration, what reverse mode keeps anyway for most
/// rules (JAX and PyTorch keep every activation). Measured: the MNIST example's `if relu_on {
/// relu(&z) } else { sigmoid(&z) }`, 1.037x -> 1.001x the straight-line network; ADBench
/// LSTM's gradient, 8.3 -> 6.4 ms (its cell's `sigmoid`s and `tanh`s were evaluated twice).
/// Numbers are kept too outside loops, where a branch's tape is one entry in place
/// (`OnceTape`); in a loop a number is computed again: keeping it could cost a branch a tape
/// of its own, an entry per iteration. (What a fused rule saved, `sin`'s `cos`, is kept in
/// loops too: a `Slot::Saved` is never computed again.)
const KEPT: &[&str] = &[
    "ln", "exp", "sin", "cos", "tan", "tanh", "sqrt", "powf", "sigmoid", "ln_1p", "exp_m1", "log2",
    "log10", "sinh", "cosh", "asin", "acos", "atan", "cbrt", "atan2", "hypot",
];

/// What the VJPs of value `id` (defined by `def`) are called with: what a fused rule's forward
/// kept, a `Shape` argument's shape, every argument if a `Diff` or `Reuse` VJP reads them (the
/// data arguments too for `Shape` and `Place`: a write's index), the result if an `Output` VJP
/// reads it, a call's pullback. One list for the residuals here and `emit/consume.rs`.
pub fn vjp_reads(def: &Def, id: ValueId) -> Vec<Slot> {
    match def {
        Def::Op { rule, .. } if rule.saving.is_some() => vec![Slot::Saved(id)],
        Def::Op { rule, args } => {
            let reads_args = rule.args.iter().any(|a| a.reads_args());
            let reads_data = rule.args.iter().any(|a| a.reads_data());
            args.iter()
                .zip(rule.args)
                .filter_map(|(&a, arg)| match arg {
                    Arg::Shape(_) => Some(Slot::Shape(a)),
                    Arg::Place(_) => None,
                    Arg::Data if reads_data => Some(Slot::Value(a)),
                    _ => reads_args.then_some(Slot::Value(a)),
                })
                .chain(
                    rule.args
                        .iter()
                        .any(|a| a.reads_output())
                        .then_some(Slot::Value(id)),
                )
                .collect()
        }
        Def::Call { .. } => vec![Slot::Pullback(id)],
        _ => Vec::new(),
    }
}

/// What the reverse sweep may compute again instead of keeping, and from which values
/// (`scalar`: the value is a number, `scalars.rs`). A part read (`sparse`: `a[i]`) of an
/// array of the same branch or loop body is kept instead: computing it again would keep the
/// whole array (per iteration, where a loop writes into it: `a[i] = a[i - 1] * w`).
fn recompute_from<'t>(tape: &'t Tape, def: &'t Def, scalar: bool) -> Option<&'t [ValueId]> {
    match def {
        Def::Expr {
            deps, pure: true, ..
        } => Some(deps),
        Def::Op { rule, args } if rule.sparse && tape.nodes[args[0]].region != 0 => None,
        Def::Op { rule, args }
            if RECOMPUTED.contains(&rule.forward) && (scalar || !KEPT.contains(&rule.forward)) =>
        {
            Some(args)
        }
        _ => None,
    }
}

/// A reference to a local data value (`&[1, 0]` as labels): its binding cannot leave the
/// scope of the value it borrows, so even in the function body the reverse sweep takes the
/// reference again (in a pullback's closure, which owns the value).
fn is_local_ref(tape: &Tape, def: &Def) -> bool {
    match def {
        Def::Expr { tokens, deps, .. } => {
            matches!(tokens.clone().into_iter().next(), Some(proc_macro2::TokenTree::Punct(p)) if p.as_char() == '&')
                && deps
                    .iter()
                    .all(|&d| !matches!(tape.nodes[d].def, Def::DataParam { .. }))
        }
        _ => false,
    }
}

/// Whether the reverse sweep runs `l` by counting its range down again (a `for` over a range
/// that never breaks early): it then needs no trip count, and binds the index itself.
pub fn replays_range(l: &Loop) -> bool {
    matches!(l.kind, LoopKind::Range { .. }) && !l.breaks
}

/// Whether `v` is a scalar (a float literal, a value annotated `f32`/`f64`, a sum or a mean),
/// so that the adjoint of a loop that adds into it is one number.
fn is_scalar(tape: &Tape, v: ValueId) -> bool {
    let node = &tape.nodes[v];
    if let Some(syn::Type::Path(p)) = &node.ty {
        return p.path.is_ident("f32") || p.path.is_ident("f64");
    }
    match &node.def {
        Def::Expr { tokens, .. } => crate::generic::is_float_literal(tokens),
        Def::Op { rule, .. } => matches!(rule.forward, "sum" | "mean"),
        _ => false,
    }
}

/// A loop of the function body whose one active carried value `c` is a scalar that the body
/// only adds to (`total += term`, `total -= term`, `total = term + total`), where nothing else
/// in the body reads `c` and no nested `if`, loop, `break` or call is involved. Then the
/// adjoint reaching every iteration is the adjoint `g` of the loop's exit value, and the
/// reverse code of the body is linear in it: running it inside the forward loop with the
/// seed `1` and scaling the sums by `g` afterwards gives the gradient in one pass, with
/// nothing kept. Returns the index of `c` among the loop's carried values.
fn reduction(tape: &Tape, l: &Loop, needs: &[bool]) -> Option<usize> {
    if !replays_range(l) || !l.body.stmts.iter().all(|s| matches!(s, Stmt::Value(_))) {
        return None;
    }
    let active: Vec<usize> = (0..l.carried.len())
        .filter(|&k| needs[l.carried[k].phi] || needs[l.carried[k].exit])
        .collect();
    let [k] = active[..] else { return None };
    let c = &l.carried[k];
    if !needs[c.exit] || !is_scalar(tape, c.entry) {
        return None;
    }
    let adds_to = match &tape.nodes[c.next].def {
        Def::Op { rule, args } => match (rule.forward, &args[..]) {
            ("add", &[a, b]) => (a == c.phi) != (b == c.phi),
            ("sub", &[a, b]) => a == c.phi && b != c.phi,
            _ => false,
        },
        _ => false,
    };
    if !adds_to || tape.nodes[c.next].region != l.body.region {
        return None;
    }
    // Nothing but `next` reads `phi`, nothing in the body reads `next`, no calls.
    for stmt in &l.body.stmts {
        let Stmt::Value(v) = *stmt else { return None };
        let reads: &[ValueId] = match &tape.nodes[v].def {
            Def::Op { args, .. } => args,
            Def::Call { .. } if needs[v] => return None,
            Def::Call { args, .. } => args,
            _ => &[],
        };
        if (v != c.next && reads.contains(&c.phi)) || reads.contains(&c.next) {
            return None;
        }
    }
    let others = l.carried.iter().enumerate().filter(|&(j, _)| j != k);
    for (_, o) in others {
        if o.next == c.phi || o.next == c.next {
            return None;
        }
    }
    Some(k)
}

/// The loops of `block` (at any depth), in order.
fn loops<'a>(block: &'a Block, out: &mut Vec<&'a Loop>) {
    for stmt in &block.stmts {
        match stmt {
            Stmt::If(i) => {
                loops(&i.then, out);
                loops(&i.els, out);
            }
            Stmt::Loop(l) => {
                out.push(l);
                loops(&l.body, out);
            }
            Stmt::Value(_) | Stmt::Break { .. } => {}
        }
    }
}

/// Where the reverse sweep keeps or recomputes what it reads.
struct Reads<'a> {
    tape: &'a Tape,
    /// Indices of loops the reverse sweep replays (`replays_range`): bound by that loop.
    replayed: Vec<bool>,
    /// Per region: its reverse code runs where its forward code does (a `reduction` body),
    /// so it reads every value it needs in place.
    inline: Vec<bool>,
    residuals: Vec<Vec<Slot>>,
    remat: Vec<Vec<ValueId>>,
    /// Per value: a number, not an array (`scalars`).
    scalar: Vec<bool>,
    /// Per region: inside a loop (`Analysis::looped`).
    looped: &'a [bool],
    /// Per value: a VJP reads it itself (so it is kept or recomputed whatever else happens).
    read_directly: Vec<bool>,
}

impl Reads<'_> {
    /// Whether a cheap array result of `region` computed from `deps` is better kept than
    /// computed again: when that would keep a dependency for it alone, and every array it is
    /// computed from belongs to the region. An array from outside (a parameter, a value of
    /// the enclosing code) may be what the result broadcasts to (`x - &center`, `x` n x d and
    /// the center computed per iteration): keeping the result would keep that size per
    /// iteration where the dependency is small.
    fn keep_instead(&self, deps: &[ValueId], region: usize) -> bool {
        deps.iter().any(|&d| self.kept_only_for(d, region))
            && deps
                .iter()
                .all(|&d| self.scalar[d] || self.tape.nodes[d].region == region)
    }

    /// Whether computing a value of `region` again would keep `d` on the region's tape for
    /// that alone: an array of the same region that nothing else keeps, no VJP reads and that
    /// cannot be computed again itself (`x.dot(&w) - &b`: keeping the difference costs what
    /// keeping the product would, without a pass per iteration to compute it again).
    fn kept_only_for(&self, d: ValueId, region: usize) -> bool {
        let node = &self.tape.nodes[d];
        node.region == region
            && !self.scalar[d]
            && !self.replayed[d]
            && !self.read_directly[d]
            && !self.remat[region].contains(&d)
            && !self.residuals[region].contains(&Slot::Value(d))
            && recompute_from(self.tape, &node.def, false).is_none()
            && matches!(node.def, Def::Op { .. } | Def::Call { .. })
    }

    /// Records that the reverse code of `v`'s region reads `v`: kept on the region's tape, or
    /// computed again (after what it reads in turn).
    fn read(&mut self, slot: Slot) {
        let tape = self.tape;
        let (Slot::Value(v) | Slot::Pullback(v) | Slot::Saved(v) | Slot::Shape(v)) = slot;
        let node = &tape.nodes[v];
        let region = node.region;
        if self.replayed[v]
            || self.inline[region]
            || self.remat[region].contains(&v)
            || self.residuals[region].contains(&slot)
            || (matches!(slot, Slot::Shape(_)) && self.residuals[region].contains(&Slot::Value(v)))
        {
            return;
        }
        let again = match slot {
            Slot::Value(_) if region == 0 => is_local_ref(tape, &node.def).then_some(&[][..]),
            // A number outside loops is kept like an array (`KEPT`): its region's tape is
            // an entry in place, and a `sin` or `sqrt` is not evaluated again per sweep.
            Slot::Value(_) => {
                recompute_from(tape, &node.def, self.scalar[v] && self.looped[region])
                    .filter(|deps| self.scalar[v] || !self.keep_instead(deps, region))
            }
            Slot::Pullback(_) | Slot::Saved(_) | Slot::Shape(_) => None,
        };
        match again {
            Some(deps) => {
                self.remat[region].push(v);
                for &d in deps {
                    self.read(Slot::Value(d));
                }
            }
            None if region == 0 => {}
            None => self.residuals[region].push(slot),
        }
    }
}

/// Analyses `tape` with `active_param(i)` telling whether parameter `i` is active.
pub fn analyze(tape: &Tape, active_param: impl Fn(usize) -> bool) -> Analysis {
    let n = tape.nodes.len();
    let mut sources: Vec<Vec<ValueId>> = vec![Vec::new(); n];
    let mut regions = 1;
    collect_sources(&tape.body, &mut sources, &mut regions);

    let mut active = vec![false; n];
    fixpoint(|| {
        let mut changed = false;
        for (id, node) in tape.nodes.iter().enumerate() {
            let now = match &node.def {
                Def::Param { index } => active_param(*index),
                Def::DataParam { .. } | Def::Expr { .. } => false,
                Def::Op { rule, args } => args
                    .iter()
                    .zip(rule.args)
                    .any(|(&a, arg)| arg.is_diff() && active[a]),
                Def::Call { args, .. } => args.iter().any(|&a| active[a]),
                Def::Phi => sources[id].iter().any(|&s| active[s]),
            };
            if now && !active[id] {
                active[id] = true;
                changed = true;
            }
        }
        changed
    });

    let mut needs = vec![false; n];
    needs[tape.output] = active[tape.output];
    fixpoint(|| {
        let mut changed = false;
        for id in (0..n).rev() {
            if !needs[id] {
                continue;
            }
            let inputs: Vec<ValueId> = match &tape.nodes[id].def {
                Def::Phi => sources[id].clone(),
                def => def.differentiated(),
            };
            for a in inputs {
                if active[a] && !needs[a] {
                    needs[a] = true;
                    changed = true;
                }
            }
        }
        changed
    });

    let mut live = vec![false; tape.regions];
    mark_live(&tape.body, &needs, &mut live);

    let mut reductions = vec![None; tape.regions];
    let mut inline = vec![false; regions];
    for stmt in &tape.body.stmts {
        if let Stmt::Loop(l) = stmt {
            reductions[l.id] = reduction(tape, l, &needs);
            inline[l.body.region] = reductions[l.id].is_some();
        }
    }

    let mut looped = vec![false; regions];
    mark_looped(&tape.body, false, &mut looped);
    let mut all_loops = Vec::new();
    loops(&tape.body, &mut all_loops);
    // What the VJPs of the values that get an adjoint read, in tape order.
    let vjp_slots: Vec<Slot> = (0..n)
        .filter(|&id| needs[id])
        .flat_map(|id| vjp_reads(&tape.nodes[id].def, id))
        .collect();
    let mut read_directly = vec![false; n];
    for slot in &vjp_slots {
        if let Slot::Value(v) = *slot {
            read_directly[v] = true;
        }
    }
    let mut reads = Reads {
        tape,
        replayed: vec![false; n],
        inline,
        residuals: vec![Vec::new(); regions],
        remat: vec![Vec::new(); regions],
        scalar: crate::scalars::scalars(tape, &sources),
        looped: &looped,
        read_directly,
    };
    for l in &all_loops {
        if let (
            true,
            LoopKind::Range {
                index, start, end, ..
            },
        ) = (replays_range(l), &l.kind)
        {
            reads.replayed[*index] = true;
            // The reverse loop counts the range down again.
            if live[l.id] && reductions[l.id].is_none() {
                reads.read(Slot::Value(*start));
                reads.read(Slot::Value(*end));
            }
        }
    }
    for slot in vjp_slots {
        reads.read(slot);
    }
    let Reads {
        mut residuals,
        mut remat,
        ..
    } = reads;
    // A shape kept where the value itself ends up kept or computed again: taken from that.
    for (kept, again) in residuals.iter_mut().zip(&remat) {
        let values: Vec<Slot> = kept.clone();
        kept.retain(|s| match s {
            Slot::Shape(v) => !again.contains(v) && !values.contains(&Slot::Value(*v)),
            _ => true,
        });
    }
    residuals.iter_mut().for_each(|r| r.sort());
    remat.iter_mut().for_each(|r| r.sort());

    Analysis {
        needs,
        residuals,
        remat,
        live,
        looped,
        reductions,
    }
}

fn fixpoint(mut step: impl FnMut() -> bool) {
    while step() {}
}

/// Phi sources: an `if` result from its branch values, a loop-carried value and a loop exit
/// from the entry value and the previous iteration's value.
fn collect_sources(block: &Block, sources: &mut [Vec<ValueId>], regions: &mut usize) {
    for stmt in &block.stmts {
        match stmt {
            Stmt::If(i) => {
                *regions = (*regions).max(i.then.region + 1).max(i.els.region + 1);
                for p in &i.phis {
                    sources[p.out] = vec![p.then, p.els];
                }
                collect_sources(&i.then, sources, regions);
                collect_sources(&i.els, sources, regions);
            }
            Stmt::Loop(l) => {
                *regions = (*regions).max(l.body.region + 1);
                for c in &l.carried {
                    sources[c.phi] = vec![c.entry, c.next];
                    sources[c.exit] = vec![c.entry, c.next];
                }
                collect_sources(&l.body, sources, regions);
            }
            Stmt::Value(_) | Stmt::Break { .. } => {}
        }
    }
}

/// Marks the regions that are a loop body or inside one (`Analysis::looped`).
fn mark_looped(block: &Block, in_loop: bool, looped: &mut [bool]) {
    looped[block.region] = in_loop;
    for stmt in &block.stmts {
        match stmt {
            Stmt::If(i) => {
                mark_looped(&i.then, in_loop, looped);
                mark_looped(&i.els, in_loop, looped);
            }
            Stmt::Loop(l) => mark_looped(&l.body, true, looped),
            Stmt::Value(_) | Stmt::Break { .. } => {}
        }
    }
}

/// Marks the `if`s and loops whose reverse code does anything; returns whether `block` does.
fn mark_live(block: &Block, needs: &[bool], live: &mut [bool]) -> bool {
    let mut any = false;
    for stmt in &block.stmts {
        any |= match stmt {
            Stmt::Value(v) => needs[*v],
            Stmt::If(i) => {
                let inner = mark_live(&i.then, needs, live) | mark_live(&i.els, needs, live);
                let l = inner || i.phis.iter().any(|p| needs[p.out]);
                live[i.id] = l;
                l
            }
            Stmt::Loop(l) => {
                let inner = mark_live(&l.body, needs, live);
                let on = inner || l.carried.iter().any(|c| needs[c.exit] || needs[c.phi]);
                live[l.id] = on;
                on
            }
            Stmt::Break { .. } => false,
        };
    }
    any
}
