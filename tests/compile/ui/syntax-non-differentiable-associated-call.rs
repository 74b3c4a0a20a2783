use autodiff::prelude::*;

#[differentiate]
fn f(x: f64) -> f64 {
    f64::max(x, 1.0)
}

fn main() {}
