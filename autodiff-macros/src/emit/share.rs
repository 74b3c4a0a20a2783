//! Shared adjoints in the general sweep: a write that took its array by value
//! (`consume`) gives the array the result's adjoint slot, so the write's VJP zeroes the
//! written positions of that one buffer in place (`{vjp}_in_place`) instead of moving it
//! from slot to slot; and a loop-carried array that the body only writes into keeps its
//! adjoint in one slot across the reverse iterations. A loop filling an array element by
//! element then moves no array per element in the reverse sweep either.
//!
//! Sound because the write is the array's last reader: every other contribution to the
//! array's adjoint comes from code before the write, whose reverse runs after the write's
//! VJP, when nothing reads the result's adjoint any more.
use super::consume::Consumed;
use crate::analyze::Analysis;
use crate::ir::{Block, Def, Stmt, Tape, ValueId};
use crate::rules::Arg;

/// Which values share an adjoint slot.
pub struct Shared {
    /// Per value: the value whose slot holds its adjoint (itself unless shared).
    pub slot_of: Vec<ValueId>,
    /// Per value: a loop-carried value whose slot also carries the adjoint between the
    /// reverse iterations (declared before the loop, not in the body).
    pub carried: Vec<bool>,
}

impl Shared {
    /// No value shares a slot (straight-line code, which has no `Option` slots to share).
    pub fn none(n: usize) -> Shared {
        Shared {
            slot_of: (0..n).collect(),
            carried: vec![false; n],
        }
    }
}

/// The shared slots of `tape` under `an`, given what the general sweep hands over.
pub fn shared(tape: &Tape, an: &Analysis, consumed: &Consumed) -> Shared {
    let Shared {
        mut slot_of,
        mut carried,
    } = Shared::none(tape.nodes.len());
    for (id, node) in tape.nodes.iter().enumerate() {
        let Def::Op { rule, args } = &node.def else {
            continue;
        };
        let Some(&a) = args.first() else {
            continue;
        };
        if rule.overwrites
            && matches!(rule.args[0], Arg::Place(_))
            && consumed.consumes.get(id) == Some(&true)
            && an.needs[id]
            && an.needs[a]
            && id != tape.output
        {
            slot_of[id] = slot_of[a];
        }
    }
    mark_carried(tape, &tape.body, an, &slot_of, &mut carried);
    Shared { slot_of, carried }
}

/// Marks the carried values of the loops in `block` whose next value shares their slot.
fn mark_carried(
    tape: &Tape,
    block: &Block,
    an: &Analysis,
    slot_of: &[ValueId],
    carried: &mut [bool],
) {
    for stmt in &block.stmts {
        match stmt {
            Stmt::If(i) => {
                mark_carried(tape, &i.then, an, slot_of, carried);
                mark_carried(tape, &i.els, an, slot_of, carried);
            }
            Stmt::Loop(l) => {
                if an.reductions.get(l.id).is_some_and(Option::is_none) {
                    for c in &l.carried {
                        carried[c.phi] = c.next != c.phi
                            && slot_of[c.next] == c.phi
                            && tape.nodes[c.phi].region == l.body.region;
                    }
                }
                mark_carried(tape, &l.body, an, slot_of, carried);
            }
            Stmt::Value(_) | Stmt::Break { .. } => {}
        }
    }
}
