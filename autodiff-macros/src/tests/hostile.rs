//! Hostile sizes: very long bodies and deep nesting expand without stack overflow, in time
//! linear in their size.
use crate::expand::expand;
use proc_macro2::TokenStream;
use std::str::FromStr;
use std::time::{Duration, Instant};

fn long_body(n: usize) -> TokenStream {
    let mut src = String::from("fn f(x: f64, y: f64) -> f64 { let a0 = x * y;\n");
    for i in 1..n {
        let op = ["+", "*", "-"][i % 3];
        src.push_str(&format!("let a{i} = a{} {op} x.sin();\n", i - 1));
    }
    src.push_str(&format!("a{} }}", n - 1));
    TokenStream::from_str(&src).unwrap_or_default()
}

fn nested(depth: usize) -> TokenStream {
    let mut e = String::from("x");
    for i in 0..depth {
        e = if i % 2 == 0 {
            format!("({e} + 1.0)")
        } else {
            format!("({e} * y)")
        };
    }
    TokenStream::from_str(&format!("fn g(x: f64, y: f64) -> f64 {{ {e} }}")).unwrap_or_default()
}

fn time_expand(item: TokenStream) -> (Duration, String) {
    let start = Instant::now();
    let out = expand(TokenStream::new(), item).to_string();
    (start.elapsed(), out)
}

/// Runs `f` on a thread with a large stack, as rustc gives proc macros.
fn with_big_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    match std::thread::Builder::new().stack_size(256 << 20).spawn(f) {
        Ok(handle) => match handle.join() {
            Ok(v) => v,
            Err(e) => std::panic::resume_unwind(e),
        },
        Err(e) => panic!("cannot spawn: {e}"),
    }
}

#[test]
fn ten_thousand_lets_expand_in_linear_time() {
    with_big_stack(|| {
        let (small, out_small) = time_expand(long_body(1_000));
        let (large, out_large) = time_expand(long_body(10_000));
        assert!(!out_small.contains("compile_error"));
        assert!(!out_large.contains("compile_error"));
        assert!(out_large.contains("fn f_grad"));
        // Past `OWN_SWEEPS_LIMIT` values, `f_vjp` calls the pullback (one copy of the sweeps).
        assert!(
            out_large.contains("let (__ad_value , __ad_pb) = __ad_annotate_with_differentiate_f ("),
            "f_vjp calls the pullback"
        );
        assert!(!out_small.contains("let (__ad_value , __ad_pb)"));
        eprintln!("expansion: 1,000 lets in {small:?}, 10,000 lets in {large:?}");
        // Linear: 10x the size may cost at most ~25x (a generous bound for noise).
        assert!(
            large.as_secs_f64() < 25.0 * small.as_secs_f64().max(0.01),
            "1,000 lets: {small:?}, 10,000 lets: {large:?}"
        );
    });
}

#[test]
fn expressions_nested_256_deep_expand() {
    with_big_stack(|| {
        let (_, out) = time_expand(nested(256));
        assert!(!out.contains("compile_error"), "{out}");
        assert!(out.contains("fn g_vjp"));
    });
}
