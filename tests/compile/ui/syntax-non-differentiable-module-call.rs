use autodiff::prelude::*;

mod utils {
    pub fn plain(v: f64) -> f64 {
        v * v + 1.0
    }
}

#[differentiate]
fn f(x: f64) -> f64 {
    utils::plain(x) * 2.0
}

fn main() {}
