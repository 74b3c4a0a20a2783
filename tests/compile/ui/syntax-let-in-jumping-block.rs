use autodiff::prelude::*;

#[differentiate]
fn f(x: f64) -> f64 {
    let mut s = x;
    let a = x * 2.0;
    for _ in 0..3 {
        if s > 1.0 {
            let a = s * 3.0;
            if a > 10.0 {
                break;
            }
        }
        s = s * a;
    }
    s
}

fn main() {}
