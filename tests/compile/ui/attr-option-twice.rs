use autodiff::prelude::*;

#[differentiate(hvp, wrt(x), hvp)]
fn f(x: f64) -> f64 {
    x * x
}

fn main() {}
