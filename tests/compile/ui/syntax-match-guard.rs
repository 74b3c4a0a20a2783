use autodiff::prelude::*;

#[differentiate]
fn f(x: f64, n: usize) -> f64 {
    match n {
        k if k > 2 => x,
        _ => x * x,
    }
}

fn main() {}
