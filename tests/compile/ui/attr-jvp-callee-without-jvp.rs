// A function with `jvp` (or `hvp`) calls a differentiated function that has neither: forward
// mode runs through the callee's body, so the callee needs the option too. One error, at the
// call, in our words.
use autodiff::prelude::*;

#[differentiate]
fn helper(x: f64) -> f64 {
    x.sin() * x
}

#[differentiate(hvp)]
fn f(x: f64) -> f64 {
    helper(x) * 2.0
}

fn main() {}
