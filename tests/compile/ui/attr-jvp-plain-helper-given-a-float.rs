// A function with `jvp` (or `hvp`) calls a plain function, given a float constant: forward
// mode runs in a float type of its own, so the called function needs `jvp` too (a plain
// function given only integers is called as it is). One error, at the call, in our words.
use autodiff::ndarray::Array1;
use autodiff::prelude::*;

fn helper(a: f64) -> f64 {
    a * 2.0
}

#[differentiate(jvp)]
fn f(x: &Array1<f64>) -> f64 {
    (x * helper(0.5)).sum()
}

fn main() {}
