use autodiff::prelude::*;

#[differentiate]
fn f(x: f64, s: &str) -> f64 {
    let k = s.parse::<f64>()?;
    x * k
}

fn main() {}
