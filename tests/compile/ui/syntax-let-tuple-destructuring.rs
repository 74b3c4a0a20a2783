use autodiff::prelude::*;

#[differentiate]
fn f(x: f64, y: f64) -> f64 {
    let (a, b) = (x * 2.0, y * 3.0);
    a + b
}

fn main() {}
