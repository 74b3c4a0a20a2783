use autodiff::prelude::*;

#[differentiate]
fn f(x: f64, bits: u64) -> f64 {
    let k: f64 = unsafe { std::mem::transmute::<u64, f64>(bits) };
    x * k
}

fn main() {}
