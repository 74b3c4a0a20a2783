use autodiff::prelude::*;

#[differentiate]
struct Model {
    w: f64,
}

fn main() {}
