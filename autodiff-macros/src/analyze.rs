//! Activity analysis: a value gets an adjoint only if it depends on an active parameter AND
//! reaches the output. Then what each region must keep for the reverse sweep (its residuals)
//! and which `if`s and loops the reverse sweep must replay at all.
use crate::ir::{Block, Def, Stmt, Tape, ValueId};
use crate::rules::Arg;

/// A binding the reverse sweep reads: a value, or the pullback of a call.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Slot {
    Value(ValueId),
    Pullback(ValueId),
}

/// The result of the analysis for one choice of active parameters.
pub struct Analysis {
    /// `needs[v]`: value `v` gets an adjoint in the reverse sweep.
    pub needs: Vec<bool>,
    /// Per region: the bindings its reverse code (or a nested region's) reads, which the
    /// forward sweep pushes on the region's tape. Region 0 needs none: its bindings stay in
    /// scope.
    pub residuals: Vec<Vec<Slot>>,
    /// Per region: literals its reverse code reads, written again instead of kept.
    pub remat: Vec<Vec<ValueId>>,
    /// Per `if`/loop id: whether the reverse sweep replays it.
    pub live: Vec<bool>,
}

/// A value cheaper to write again than to keep: a literal.
fn is_literal(def: &Def) -> bool {
    match def {
        Def::Expr(tokens) => {
            let mut it = tokens.clone().into_iter();
            matches!(
                (it.next(), it.next()),
                (Some(proc_macro2::TokenTree::Literal(_)), None)
            )
        }
        _ => false,
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
                Def::DataParam { .. } | Def::Expr(_) => false,
                Def::Op { rule, args } => args
                    .iter()
                    .zip(rule.args)
                    .any(|(&a, arg)| matches!(arg, Arg::Diff(_)) && active[a]),
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
                Def::Op { rule, args } => args
                    .iter()
                    .zip(rule.args)
                    .filter(|(_, arg)| matches!(arg, Arg::Diff(_)))
                    .map(|(&a, _)| a)
                    .collect(),
                Def::Call { args, .. } => args.clone(),
                Def::Phi => sources[id].clone(),
                _ => Vec::new(),
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

    let mut residuals = vec![Vec::new(); regions];
    let mut remat: Vec<Vec<ValueId>> = vec![Vec::new(); regions];
    for (id, node) in tape.nodes.iter().enumerate() {
        if !needs[id] {
            continue;
        }
        let reads: Vec<Slot> = match &node.def {
            Def::Op { args, .. } => args
                .iter()
                .map(|&a| Slot::Value(a))
                .chain([Slot::Value(id)])
                .collect(),
            Def::Call { .. } => vec![Slot::Pullback(id)],
            _ => Vec::new(),
        };
        for slot in reads {
            let (Slot::Value(v) | Slot::Pullback(v)) = slot;
            let region = tape.nodes[v].region;
            if region == 0 {
                continue;
            }
            if is_literal(&tape.nodes[v].def) {
                if !remat[region].contains(&v) {
                    remat[region].push(v);
                }
            } else if !residuals[region].contains(&slot) {
                residuals[region].push(slot);
            }
        }
    }
    residuals.iter_mut().for_each(|r| r.sort());
    remat.iter_mut().for_each(|r| r.sort());

    let mut live = vec![false; tape.regions];
    mark_live(&tape.body, &needs, &mut live);
    Analysis {
        needs,
        residuals,
        remat,
        live,
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
