use autodiff::prelude::*;

#[differentiate]
fn f(x: f64) -> f64 {
    let mut y = x;
    'grow: while y < 10.0 {
        y *= 2.0;
        if y > 5.0 {
            break 'grow;
        }
    }
    y
}

fn main() {}
