//! Which part reads become views of a parameter's data instead of copies (`NAME_vjp`,
//! `NAME_grad`): `x.row(i)`, `x.column(j)` and `x.slice(..)` (rules with `views`) of an array
//! parameter passed by reference or as a view, or of such a part, call the runtime's
//! `{forward}_view`, which returns a view with the parameter's own lifetime. The tape may keep
//! it like any value (the parameter outlives every local), and nothing is copied: an LSTM
//! cell reading its weights' rows and gates in slices copies none of them.
//!
//! A part stays a copy where its type would meet another value's or a user's: merged by a
//! branch or a loop (a copied part of a local array on the other side), read by an
//! expression (which the user wrote for the plain-Rust type), or returned. A call receives a
//! view of either (`lower/calls.rs`), as the callee declares it. The
//! pullback and `NAME_jacobian` own their values (`owned_params`, `owned_views`) and copy.
use crate::ir::{Block, Def, Stmt, Tape};
use crate::signature::Signature;

/// Per value: a part read that is a view of a parameter's data.
pub fn param_views(sig: &Signature, tape: &Tape) -> Vec<bool> {
    let n = tape.nodes.len();
    let mut copied = vec![false; n];
    copied[tape.output] = true;
    for node in &tape.nodes {
        if let Def::Expr { deps, .. } = &node.def {
            deps.iter().for_each(|&d| copied[d] = true);
        }
    }
    merged(&tape.body, &mut copied);
    let mut view = vec![false; n];
    for (v, node) in tape.nodes.iter().enumerate() {
        if let Def::Op { rule, args } = &node.def
            && rule.views
            && !copied[v]
            && let Some(&of) = args.first()
        {
            view[v] = view[of]
                || matches!(tape.nodes[of].def, Def::Param { index } if sig.params[index].view_value());
        }
    }
    view
}

/// Marks the values a branch or a loop merges into one name (an `if`'s two results, a loop's
/// entry and next values).
fn merged(block: &Block, copied: &mut [bool]) {
    for stmt in &block.stmts {
        match stmt {
            Stmt::If(i) => {
                for phi in &i.phis {
                    copied[phi.then] = true;
                    copied[phi.els] = true;
                }
                merged(&i.then, copied);
                merged(&i.els, copied);
            }
            Stmt::Loop(l) => {
                for c in &l.carried {
                    copied[c.entry] = true;
                    copied[c.next] = true;
                }
                merged(&l.body, copied);
            }
            Stmt::Value(_) | Stmt::Break { .. } => {}
        }
    }
}
