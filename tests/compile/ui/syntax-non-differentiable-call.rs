use autodiff::prelude::*;

fn helper(v: f64) -> f64 {
    v * v + 1.0
}

#[differentiate]
fn f(x: f64) -> f64 {
    helper(x) * 2.0
}

fn main() {}
