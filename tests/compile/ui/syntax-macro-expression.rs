use autodiff::prelude::*;

#[differentiate]
fn f(x: f64) -> f64 {
    let z = dbg!(x * 2.0);
    z * x
}

fn main() {}
