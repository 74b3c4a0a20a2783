use autodiff::prelude::*;

pub struct Point {
    pub x: f64,
}

#[differentiate]
fn f(w: f64, p: &Point) -> f64 {
    w * p.x
}

fn main() {}
