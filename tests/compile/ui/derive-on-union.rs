use autodiff::prelude::*;

#[derive(Differentiable, Clone, Copy)]
union Bits {
    x: f64,
    y: f32,
}

fn main() {}
