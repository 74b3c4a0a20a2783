use autodiff::prelude::*;

#[derive(Differentiable, Clone)]
enum Activation {
    Relu,
    Leaky(f64),
}

fn main() {}
