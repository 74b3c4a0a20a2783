//! Memory of a long loop's reverse sweep: `long_grad` keeps one tape entry per iteration, so
//! its peak memory grows linearly with the trip count `n`.
//!
//! ```text
//! cargo build --release --example long_loop
//! /usr/bin/time -v target/release/examples/long_loop 1000000   # "Maximum resident set size"
//! /usr/bin/time -v target/release/examples/long_loop 100000
//! ```
use autodiff::prelude::*;

/// `n` steps of `y <- 0.999999 y + 1e-9 sin i`, starting from `y = x`: `dy/dx = 0.999999^n`.
#[differentiate]
fn long(x: f64, n: usize) -> f64 {
    let mut y = x;
    for i in 0..n {
        y = y * 0.999999 + (i as f64).sin() * 1e-9;
    }
    y
}

fn main() {
    let n: usize = match std::env::args().nth(1) {
        Some(arg) => arg
            .parse()
            .unwrap_or_else(|_| panic!("usage: long_loop [N], got {arg:?}")),
        None => 1_000_000,
    };
    let (y, (dx,)) = long_grad(0.5, n);
    let want = 0.999999_f64.powi(i32::try_from(n).expect("n fits in i32"));
    println!("n = {n}: long(0.5) = {y:.12}, d/dx = {dx:.12} (closed form 0.999999^n = {want:.12})");
    assert!(
        (dx - want).abs() < 1e-9 * (1.0 + want),
        "gradient {dx}, want {want}"
    );
    assert_eq!(y, long(0.5, n));
}
