use autodiff::prelude::*;

#[differentiate]
fn mixed(x: f32, y: f64) -> f64 {
    x + y
}

fn main() {}
