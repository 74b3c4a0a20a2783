//! Writes in place in the general sweep (branches and loops): a write (`a[i] = e`, an
//! `overwrites` rule) takes the array by value where it is the array's last reader, so a loop
//! that fills an array element by element costs what it costs by hand, not a copy of the
//! array per element.
//!
//! An array may be handed over when, in its own region, the write is its last forward reader
//! (nothing after it, no nested `if` or loop, no region end reads it, and the write reads it
//! once), and the reverse sweep never reads its value (a write's VJPs read only its shape and
//! the index). Where the reverse sweep reads its shape, the shape gets a binding of its own
//! before the write (`__ad_z{v}`), which the region's tape and the VJPs then use.
use crate::analyze::{Analysis, Slot};
use crate::ir::{Block, Def, Stmt, Tape, ValueId};

/// Who reads a value last in its region.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reader {
    None,
    /// The op of this id, reading it once.
    Op(ValueId),
    /// The loop of this id, as the entry of one carried value and nothing else.
    LoopEntry(usize),
    /// Anything else: an expression, a call, a nested `if` or loop, the region's end.
    Other,
}

/// What the general sweep hands over by value.
#[derive(Default)]
pub struct Consumed {
    /// Per op: its forward takes its first argument by value.
    pub consumes: Vec<bool>,
    /// Per value: a write takes it by value (no later code names its binding).
    pub handed_over: Vec<bool>,
    /// Per value handed over: its shape is bound before the write (the reverse sweep reads it).
    pub shape_bound: Vec<bool>,
    /// Per value: the loop it enters (as a carried value's first value) takes it by value
    /// instead of a copy: nothing reads it after, the reverse sweep included.
    pub moved_into_loop: Vec<bool>,
}

/// Which writes take their array by value (see the module doc).
pub fn consumed(tape: &Tape, an: &Analysis, param_views: &[bool]) -> Consumed {
    let n = tape.nodes.len();
    let (value_read, shape_read) = reverse_reads(tape, an);
    let mut last = vec![Reader::None; n];
    scan(tape, &tape.body, &mut last, &[tape.output]);
    let reduction_regions: Vec<usize> = reduction_bodies(&tape.body, an);
    let mut out = Consumed {
        consumes: vec![false; n],
        handed_over: vec![false; n],
        shape_bound: vec![false; n],
        moved_into_loop: vec![false; n],
    };
    for (v, node) in tape.nodes.iter().enumerate() {
        // (Not into a loop whose reverse code runs inside it: `reduction`.)
        out.moved_into_loop[v] = matches!(last[v], Reader::LoopEntry(l) if an.reductions.get(l).is_some_and(Option::is_none))
            && !value_read[v]
            && !shape_read[v]
            && !reduction_regions.contains(&node.region)
            && match &node.def {
                Def::Op { .. } => true,
                // A float array built in the body (`Array1::zeros(n)`), an `if`'s result or
                // a loop's exit value: owned.
                Def::Expr { .. } | Def::Phi => node.float,
                _ => false,
            };
    }
    for (id, node) in tape.nodes.iter().enumerate() {
        let Def::Op { rule, args } = &node.def else {
            continue;
        };
        let Some(&v) = args.first() else {
            continue;
        };
        // A write, or an elementwise rule that writes its result into its first operand's
        // buffer (`in_place`; a fused one only where it saves for its VJP).
        let in_place = rule.overwrites
            || (rule.in_place
                && (rule.saving.is_none() || an.needs[id])
                && !args[1..].contains(&v));
        // A view of a parameter's data (a field read, a part read: `views`), never owned.
        let view =
            param_views[v] || matches!(&tape.nodes[v].def, Def::Op { rule, .. } if rule.borrows);
        if in_place
            && !view
            && last[v] == Reader::Op(id)
            && !value_read[v]
            && tape.nodes[v].region == node.region
            && !matches!(tape.nodes[v].def, Def::Param { .. } | Def::DataParam { .. })
            && !reduction_regions.contains(&node.region)
        {
            out.consumes[id] = true;
            out.handed_over[v] = true;
            out.shape_bound[v] = shape_read[v];
        }
    }
    out
}

/// The values whose value, and those whose shape, the reverse sweep reads.
fn reverse_reads(tape: &Tape, an: &Analysis) -> (Vec<bool>, Vec<bool>) {
    let n = tape.nodes.len();
    let (mut value, mut shape) = (vec![false; n], vec![false; n]);
    for (id, node) in tape.nodes.iter().enumerate() {
        if !an.needs[id] {
            continue;
        }
        for slot in crate::analyze::vjp_reads(&node.def, id) {
            match slot {
                Slot::Value(v) => value[v] = true,
                Slot::Shape(v) => shape[v] = true,
                Slot::Pullback(_) | Slot::Saved(_) => {}
            }
        }
    }
    for region in &an.remat {
        for &u in region {
            value[u] = true;
            for &d in tape.nodes[u].def.reads() {
                value[d] = true;
            }
        }
    }
    (value, shape)
}

/// Records the last reader of every value in its own region; `end` is what the region's end
/// reads (its outgoing values).
fn scan(tape: &Tape, block: &Block, last: &mut [Reader], end: &[ValueId]) {
    let own = |v: ValueId| tape.nodes[v].region == block.region;
    for stmt in &block.stmts {
        match stmt {
            Stmt::Value(id) => {
                let reads = tape.nodes[*id].def.reads();
                for &v in reads.iter().filter(|&&v| own(v)) {
                    let once = reads.iter().filter(|&&w| w == v).count() == 1;
                    let is_op = matches!(tape.nodes[*id].def, Def::Op { .. });
                    last[v] = if once && is_op {
                        Reader::Op(*id)
                    } else {
                        Reader::Other
                    };
                }
            }
            Stmt::If(i) => {
                let then_out: Vec<ValueId> = i.phis.iter().map(|p| p.then).collect();
                let else_out: Vec<ValueId> = i.phis.iter().map(|p| p.els).collect();
                scan(tape, &i.then, last, &then_out);
                scan(tape, &i.els, last, &else_out);
                let mut nested = vec![i.cond];
                nested.extend(then_out.iter().chain(&else_out));
                nested.extend(reads_in(tape, &i.then));
                nested.extend(reads_in(tape, &i.els));
                nested
                    .into_iter()
                    .filter(|&v| own(v))
                    .for_each(|v| last[v] = Reader::Other);
            }
            Stmt::Loop(l) => {
                let next: Vec<ValueId> = l.carried.iter().map(|c| c.next).collect();
                let mut body_end = next.clone();
                if let crate::ir::LoopKind::While { cond, .. } = l.kind {
                    body_end.push(cond);
                }
                scan(tape, &l.body, last, &body_end);
                let mut nested: Vec<ValueId> = next;
                if let crate::ir::LoopKind::Range { start, end, .. } = l.kind {
                    nested.extend([start, end]);
                }
                nested.extend(reads_in(tape, &l.body));
                let entries: Vec<ValueId> = l.carried.iter().map(|c| c.entry).collect();
                for &e in entries.iter().filter(|&&e| own(e)) {
                    let once = entries.iter().filter(|&&w| w == e).count() == 1;
                    last[e] = match once && !nested.contains(&e) {
                        true => Reader::LoopEntry(l.id),
                        false => Reader::Other,
                    };
                }
                nested
                    .into_iter()
                    .filter(|&v| own(v))
                    .for_each(|v| last[v] = Reader::Other);
            }
            Stmt::Break { .. } => {}
        }
    }
    end.iter()
        .filter(|&&v| own(v))
        .for_each(|&v| last[v] = Reader::Other);
}

/// Every value read by the statements of a block and of the blocks nested in it.
fn reads_in(tape: &Tape, block: &Block) -> Vec<ValueId> {
    let mut out = Vec::new();
    for stmt in &block.stmts {
        match stmt {
            Stmt::Value(id) => out.extend(tape.nodes[*id].def.reads()),
            Stmt::If(i) => {
                out.push(i.cond);
                out.extend(i.phis.iter().flat_map(|p| [p.then, p.els]));
                out.extend(reads_in(tape, &i.then));
                out.extend(reads_in(tape, &i.els));
            }
            Stmt::Loop(l) => {
                out.extend(l.carried.iter().flat_map(|c| [c.entry, c.next]));
                match l.kind {
                    crate::ir::LoopKind::Range { start, end, .. } => out.extend([start, end]),
                    crate::ir::LoopKind::While { cond, .. } => out.push(cond),
                }
                out.extend(reads_in(tape, &l.body));
            }
            Stmt::Break { .. } => {}
        }
    }
    out
}

/// The body regions of the loops whose reverse code runs inside their forward loop.
fn reduction_bodies(block: &Block, an: &Analysis) -> Vec<usize> {
    let mut out = Vec::new();
    for stmt in &block.stmts {
        match stmt {
            Stmt::If(i) => {
                out.extend(reduction_bodies(&i.then, an));
                out.extend(reduction_bodies(&i.els, an));
            }
            Stmt::Loop(l) => {
                if an.reductions.get(l.id).is_some_and(Option::is_some) {
                    out.push(l.body.region);
                }
                out.extend(reduction_bodies(&l.body, an));
            }
            Stmt::Value(_) | Stmt::Break { .. } => {}
        }
    }
    out
}
