use autodiff::prelude::*;

#[differentiate]
fn f(x: f64) -> f64 {
    let a = x % 2.0;
    let b = (x as f32) as f64;
    a + b
}

fn main() {}
