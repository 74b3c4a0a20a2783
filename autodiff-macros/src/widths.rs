//! Type mistakes the macro can see for certain, so that rustc reports them once.
//!
//! The generated code calls the runtime with the user's values; where the user's own code
//! does not type-check, neither does the generated code, and rustc would report the mistake
//! twice: once on the user's expression in its own words, and again on the generated code in
//! terms of the runtime's traits. For the mistakes that the signature alone proves (the
//! float widths of parameters, suffixed literals and annotated `let`s, combined in one
//! operation; an exponent or labels of a declared type the operation does not take), the
//! expansion leaves the companions' bodies out (see `fallback::quiet`) and adds no error of
//! its own: rustc's errors on the user's code are the only ones. Anything the signature does
//! not settle (a callee's result, an unsuffixed literal) is left to rustc as before.
use crate::ir::{Block, Def, Stmt, Tape};
use crate::signature::Signature;
use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;

/// A float width the code states (`f32` or `f64`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Width {
    F32,
    F64,
}

/// Whether the body combines values whose declared types rustc will reject: two float widths
/// in one operation, a `powi` exponent of an integer type other than `i32`, or
/// `cross_entropy` labels of a declared element type other than `usize`.
pub fn certain_type_error(tape: &Tape, sig: &Signature) -> bool {
    let mut sources = vec![None; tape.nodes.len()];
    phi_sources(&tape.body, &mut sources);
    let mut width: Vec<Option<Width>> = vec![None; tape.nodes.len()];
    for (id, node) in tape.nodes.iter().enumerate() {
        let declared = node
            .ty
            .as_ref()
            .and_then(|t| float_width(&t.to_token_stream()));
        width[id] = match &node.def {
            Def::Param { index } => float_width(&sig.params[*index].ty.to_token_stream()),
            Def::Expr { tokens, .. } => declared.or_else(|| literal_width(tokens)),
            Def::Phi => sources[id].and_then(|s: usize| (s < id).then(|| width[s]).flatten()),
            Def::Op { rule, args } => {
                let mut known = args
                    .iter()
                    .zip(rule.args)
                    .filter(|(_, arg)| arg.is_diff())
                    .filter_map(|(&a, _)| width[a]);
                let first = known.next();
                if first.is_some_and(|w| known.any(|other| other != w)) {
                    return true;
                }
                let data = |k: usize| args.get(k).map(|&a| data_type(tape, sig, a));
                match rule.forward {
                    "powi"
                        if data(1)
                            .flatten()
                            .is_some_and(|t| integer_other_than(&t, "i32")) =>
                    {
                        return true;
                    }
                    "cross_entropy"
                        if data(1).flatten().is_some_and(|t| {
                            float_width(&t).is_some() || integer_other_than(&t, "usize")
                        }) =>
                    {
                        return true;
                    }
                    _ => {}
                }
                declared.or(first)
            }
            Def::DataParam { .. } | Def::Call { .. } => declared,
        };
    }
    false
}

/// Each `if` result and loop-carried value's first source: the `then` value of an `if`, the
/// entry value of a loop (both computed before it).
fn phi_sources(block: &Block, sources: &mut [Option<usize>]) {
    for stmt in &block.stmts {
        match stmt {
            Stmt::If(i) => {
                phi_sources(&i.then, sources);
                phi_sources(&i.els, sources);
                for p in &i.phis {
                    sources[p.out] = Some(p.then);
                }
            }
            Stmt::Loop(l) => {
                phi_sources(&l.body, sources);
                for c in &l.carried {
                    sources[c.phi] = Some(c.entry);
                    sources[c.exit] = Some(c.entry);
                }
            }
            Stmt::Value(_) | Stmt::Break { .. } => {}
        }
    }
}

/// The declared type of a data argument: a parameter's type (a float slice given as labels is
/// a float parameter), an annotation or a suffixed literal.
fn data_type(tape: &Tape, sig: &Signature, a: usize) -> Option<TokenStream> {
    match &tape.nodes[a].def {
        Def::DataParam { index } | Def::Param { index } => {
            Some(sig.params[*index].ty.to_token_stream())
        }
        Def::Expr { tokens, .. } => tape.nodes[a]
            .ty
            .as_ref()
            .map(ToTokens::to_token_stream)
            .or_else(|| Some(tokens.clone())),
        _ => None,
    }
}

/// `f32` or `f64` named in a type (`&Array2<f32>`, `ArrayView1<f64>`, `f64`), if exactly one.
fn float_width(ty: &TokenStream) -> Option<Width> {
    let mut found = None;
    for name in idents(ty) {
        let w = match name.as_str() {
            "f32" => Width::F32,
            "f64" => Width::F64,
            _ => continue,
        };
        if found.is_some_and(|f| f != w) {
            return None;
        }
        found = Some(w);
    }
    found
}

/// The width of a suffixed float literal (`1.5f32`, `2_f64`).
fn literal_width(tokens: &TokenStream) -> Option<Width> {
    let mut trees = tokens.clone().into_iter();
    let (Some(TokenTree::Literal(lit)), None) = (trees.next(), trees.next()) else {
        return None;
    };
    let text = lit.to_string();
    match () {
        _ if text.ends_with("f32") => Some(Width::F32),
        _ if text.ends_with("f64") => Some(Width::F64),
        _ => None,
    }
}

/// Whether a type names a primitive integer, and not `wanted`: `usize` for an `i32` exponent.
fn integer_other_than(ty: &TokenStream, wanted: &str) -> bool {
    const INTEGERS: &[&str] = &[
        "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
    ];
    let names = idents(ty);
    let integers: Vec<&String> = names
        .iter()
        .filter(|n| INTEGERS.contains(&n.as_str()))
        .collect();
    !integers.is_empty() && integers.iter().all(|n| *n != wanted)
        || literal_suffix(ty).is_some_and(|s| INTEGERS.contains(&s.as_str()) && s != wanted)
}

/// The suffix of a lone integer literal (`2usize` -> `usize`).
fn literal_suffix(tokens: &TokenStream) -> Option<String> {
    let mut trees = tokens.clone().into_iter();
    let (Some(TokenTree::Literal(lit)), None) = (trees.next(), trees.next()) else {
        return None;
    };
    let text = lit.to_string();
    let start = text.find(['i', 'u'])?;
    Some(text[start..].to_string())
}

/// Every identifier in a token stream, nested groups included.
fn idents(tokens: &TokenStream) -> Vec<String> {
    let mut out = Vec::new();
    for tree in tokens.clone() {
        match tree {
            TokenTree::Ident(i) => out.push(i.to_string()),
            TokenTree::Group(g) => out.extend(idents(&g.stream())),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use quote::quote;

    /// Whether the expansion of `item` left the companions' bodies out (quietly).
    fn quiet(item: proc_macro2::TokenStream) -> bool {
        let out = crate::expand::expand(quote!(), item).to_string();
        assert!(!out.contains("compile_error"), "an error of ours: {out}");
        out.contains("did not differentiate this function")
    }

    #[test]
    fn two_widths_in_one_operation_are_left_to_rustc() {
        assert!(quiet(quote!(
            fn f(x: f32, y: f64) -> f64 {
                x + y
            }
        )));
        assert!(quiet(quote!(
            fn f(v: &Array1<f32>, s: f64) -> f32 {
                (v * s).sum()
            }
        )));
        assert!(quiet(quote!(
            fn f(x: f64) -> f64 {
                let c = x.sin();
                c * 2.0f32
            }
        )));
        assert!(quiet(quote!(
            fn f(x: f64) -> f64 {
                let mut a = x;
                for _ in 0..3 {
                    a = a * 1.5f32;
                }
                a
            }
        )));
    }

    #[test]
    fn one_width_per_operation_is_differentiated() {
        assert!(!quiet(quote!(
            fn f(x: f32, y: f64) -> f64 {
                y * 2.0
            }
        )));
        assert!(!quiet(quote!(
            fn f(x: f32) -> f32 {
                x * 2.0 + 1.5f32
            }
        )));
        assert!(!quiet(quote!(
            fn f(a: &Array2<f32>, w: &Array2<f32>) -> f32 {
                sigmoid(&a.dot(w)).sum()
            }
        )));
    }

    #[test]
    fn exponents_and_labels_of_the_wrong_declared_type_are_left_to_rustc() {
        assert!(quiet(quote!(
            fn f(x: f64, n: usize) -> f64 {
                x.powi(n)
            }
        )));
        assert!(!quiet(quote!(
            fn f(x: f64, n: i32) -> f64 {
                x.powi(n)
            }
        )));
        assert!(!quiet(quote!(
            fn f(x: f64, n: usize) -> f64 {
                x.powi(n as i32)
            }
        )));
        assert!(quiet(quote!(
            fn f(z: &Array2<f64>, y: &[f64]) -> f64 {
                cross_entropy(z, y)
            }
        )));
        assert!(quiet(quote!(
            fn f(z: &Array2<f64>, y: &[u8]) -> f64 {
                cross_entropy(z, y)
            }
        )));
        assert!(!quiet(quote!(
            fn f(z: &Array2<f64>, y: &[usize]) -> f64 {
                cross_entropy(z, y)
            }
        )));
    }
}
