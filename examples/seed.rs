use autodiff::prelude::*;

#[differentiate]
fn f(x1: f64, x2: f64) -> f64 {
    x1.ln() + x1 * x2 - x2.sin()
}

fn main() {
    let (y, (dx1, dx2)) = f_grad(2.0, 5.0);
    println!("{y} {dx1} {dx2}");
}
