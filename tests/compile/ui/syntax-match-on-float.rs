use autodiff::prelude::*;

#[differentiate]
fn f(x: f64) -> f64 {
    match x {
        0.0 => x,
        _ => x * x,
    }
}

fn main() {}
