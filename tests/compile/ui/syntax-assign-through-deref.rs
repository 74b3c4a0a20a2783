use autodiff::prelude::*;

#[differentiate]
fn f(x: f64, out: &mut f64) -> f64 {
    *out = x * 2.0;
    x * x
}

fn main() {}
