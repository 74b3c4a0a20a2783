use autodiff::prelude::*;

#[differentiate]
fn f(x: f64) {
    x * x
}

fn main() {}
