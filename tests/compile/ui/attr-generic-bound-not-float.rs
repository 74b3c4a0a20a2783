use autodiff::prelude::*;

#[differentiate]
fn f<T: Float + std::fmt::Debug>(x: T) -> T {
    x * x
}

fn main() {}
