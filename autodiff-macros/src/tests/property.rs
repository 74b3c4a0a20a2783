//! The macro never panics: thousands of generated inputs (valid, unsupported and malformed
//! bodies, odd signatures, odd attribute arguments) give an expansion or spanned errors, and
//! every error points inside the input.
use crate::expand::expand;
use proc_macro2::{TokenStream, TokenTree};
use proptest::prelude::*;
use std::str::FromStr;

const STATEMENTS: &[&str] = &[
    "let a = x * y;",
    "let a = x.ln() + y.exp();",
    "let mut a = x; a += y; a *= 2.0;",
    "let b = if x > y { x } else { y * 2.0 };",
    "let mut s = 0.0; for i in 0..3 { s += x * (i as f64); }",
    "let mut k = 0; while k < 3 { k += 1; }",
    "let c = x.powi(2) - y.powf(1.5);",
    "if x > 0.0 { return x; }",
    "let d = sigmoid(&x);",
    "let e = x.mapv(|v| v);",
    "let f = match x { _ => x };",
    "let g = (x, y);",
    "let h = x?;",
    "println!(\"{}\", x);",
    "let i = unsafe { x };",
    "let (p, q) = (x, y);",
    "*x = 1.0;",
    "let j = &mut x;",
    "let k = x.foo(y);",
    "let l = x.mean();",
    "let m = undefined_fn(x);",
    "let n = x % y;",
    "let o = x as f32;",
    "loop { break; }",
    "let r = x[0];",
    "let s = x.field;",
    "fn inner() {}",
    "let t = || x;",
    "let u;",
    "return;",
    "break;",
    "let v = x + ;",
    "let w = ((x + y) * (x - y)) / (x * x + 1.0);",
    "for _ in 0..2 { if x > 1.0 { break; } }",
];

const SIGNATURES: &[&str] = &[
    "fn f(x: f64, y: f64) -> f64",
    "fn f(x: f32, y: f32) -> f32",
    "fn f(x: &Array1<f64>, y: f64) -> f64",
    "fn f(&self, x: f64, y: f64) -> f64",
    "fn f<T>(x: T, y: f64) -> f64",
    "fn f(x: f64, y: f64)",
    "fn f((x, y): (f64, f64)) -> f64",
    "async fn f(x: f64, y: f64) -> f64",
    "unsafe fn f(x: f64, y: f64) -> f64",
    "pub(crate) fn f(x: f64, y: f64, n: usize) -> f64",
    "fn f(x: f64, seed: f64, y: f64) -> f64",
    "fn f(x: f64, y: f64) -> Array1<f64>",
    "struct S",
    "fn",
];

const ARGS: &[&str] = &[
    "",
    "wrt(x)",
    "wrt(x, y)",
    "wrt()",
    "wrt(z)",
    "wrt(x, x)",
    "wrt(n)",
    "foo",
    "wrt(x) extra",
    "wrt(x),",
    "wrt",
    "wrt[x]",
    "= 3",
    "wrt(x, y, )",
];

const TAILS: &[&str] = &["x + y", "x", "", "y.sin() * x", "return x * y;", "{ x }"];

fn input() -> impl Strategy<Value = (String, String)> {
    (
        0..ARGS.len(),
        0..SIGNATURES.len(),
        proptest::collection::vec(0..STATEMENTS.len(), 0..6),
        0..TAILS.len(),
    )
        .prop_map(|(a, s, stmts, t)| {
            let body: Vec<&str> = stmts.iter().map(|&i| STATEMENTS[i]).collect();
            let item = if SIGNATURES[s].starts_with("struct") {
                "struct S { x: f64 }".to_string()
            } else {
                format!(
                    "{} {{\n{}\n{}\n}}",
                    SIGNATURES[s],
                    body.join("\n"),
                    TAILS[t]
                )
            };
            (ARGS[a].to_string(), item)
        })
}

/// The spans of every `compile_error!` in an expansion.
fn error_lines(out: &TokenStream, lines: &mut Vec<usize>) {
    let tokens: Vec<TokenTree> = out.clone().into_iter().collect();
    for (i, tt) in tokens.iter().enumerate() {
        match tt {
            TokenTree::Ident(id) if id == "compile_error" => {
                if let Some(TokenTree::Group(g)) = tokens.get(i + 2) {
                    lines.push(g.span().start().line);
                }
            }
            TokenTree::Group(g) => error_lines(&g.stream(), lines),
            _ => {}
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    #[test]
    fn expansion_never_panics_and_errors_point_inside((args, item) in input()) {
        let (Ok(args_ts), Ok(item_ts)) = (TokenStream::from_str(&args), TokenStream::from_str(&item)) else {
            return Ok(()); // not even tokens: rustc would reject it before the macro runs
        };
        let out = std::panic::catch_unwind(|| expand(args_ts, item_ts));
        prop_assert!(out.is_ok(), "the expansion panicked on #[differentiate({})] {}", args, item);
        let out = out.unwrap_or_default();
        let mut lines = Vec::new();
        error_lines(&out, &mut lines);
        let max_line = item.lines().count().max(args.lines().count()).max(1);
        for line in lines {
            prop_assert!(line >= 1 && line <= max_line, "an error at line {} outside the input:\n{}", line, item);
        }
    }
}
