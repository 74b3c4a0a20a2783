//! Activity analysis: a value gets an adjoint only if it depends on an active parameter
//! (computed while lowering) AND reaches the output. Everything else costs nothing in the
//! reverse sweep.
use crate::ir::{Def, Tape};
use crate::rules::Arg;

/// `needs[v]`: value `v` gets an adjoint in the reverse sweep.
pub fn adjoints(tape: &Tape) -> Vec<bool> {
    let mut needs = vec![false; tape.nodes.len()];
    needs[tape.output] = tape.nodes[tape.output].active;
    for (id, node) in tape.nodes.iter().enumerate().rev() {
        if !needs[id] {
            continue;
        }
        if let Def::Op { rule, args } = &node.def {
            for (&a, arg) in args.iter().zip(rule.args) {
                if matches!(arg, Arg::Diff(_)) && tape.nodes[a].active {
                    needs[a] = true;
                }
            }
        }
    }
    needs
}
