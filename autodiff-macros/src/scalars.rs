//! Which float values of a tape are numbers rather than arrays, as far as the tape says: a
//! scalar parameter, a float literal or a value annotated `f32`/`f64`, an element read, a
//! reduction to one number, elementwise arithmetic and functions of numbers, and a phi all of
//! whose sources are numbers. Anything the tape cannot tell (a call's result, a field read,
//! `dot`) counts as an array. `analyze` uses it where keeping a value costs a tape of its own.
use crate::ir::{Def, Tape, ValueId};

/// Rules whose result is one number whatever their operands.
const REDUCING: &[&str] = &["index", "sum", "mean", "logsumexp", "cross_entropy"];

/// Per value: a number (see the module doc). `sources` are the phis' sources (`analyze`).
pub fn scalars(tape: &Tape, sources: &[Vec<ValueId>]) -> Vec<bool> {
    let n = tape.nodes.len();
    // Every value starts as a number and loses it where the rules say so, until nothing
    // changes (a loop's phi is computed before its next value, which depends on it): the
    // largest consistent assignment.
    let mut scalar = vec![true; n];
    loop {
        let mut changed = false;
        for id in 0..n {
            let node = &tape.nodes[id];
            let now = node.float
                && match &node.def {
                    Def::Param { .. } => node.ty.is_some(),
                    Def::Expr { tokens, .. } => {
                        annotated_float(node.ty.as_ref())
                            || crate::generic::is_float_literal(tokens)
                    }
                    Def::Op { rule, .. } if REDUCING.contains(&rule.forward) => true,
                    Def::Op { rule, args }
                        if crate::analyze::RECOMPUTED.contains(&rule.forward) =>
                    {
                        args.iter()
                            .zip(rule.args)
                            .filter(|(_, kind)| kind.is_diff())
                            .all(|(&a, _)| scalar[a])
                    }
                    Def::Phi => sources[id].iter().all(|&s| scalar[s]),
                    Def::Op { .. } | Def::Call { .. } | Def::DataParam { .. } => false,
                };
            if now != scalar[id] {
                scalar[id] = now;
                changed = true;
            }
        }
        if !changed {
            return scalar;
        }
    }
}

/// Whether a binding is annotated `f32` or `f64`.
fn annotated_float(ty: Option<&syn::Type>) -> bool {
    matches!(ty, Some(syn::Type::Path(p)) if p.path.is_ident("f32") || p.path.is_ident("f64"))
}
