//! Forward mode and second order: the seed function's `jvp` and `hvp` against hand-written
//! ones, and the two-layer network's `hvp` against its own gradient (f32, MNIST's 784
//! inputs). Included with `#[path]` (not a bench target of its own).
use autodiff::ndarray::Array2;
use autodiff::prelude::*;
use std::hint::black_box;

/// The seed function, with both companions.
#[differentiate(jvp, hvp)]
pub fn seed(x1: f64, x2: f64) -> f64 {
    x1.ln() + x1 * x2 - x2.sin()
}

/// The seed function's value and directional derivative by hand:
/// `t1 (1/x1 + x2) + t2 (x1 - cos x2)`, one `sin_cos`.
#[inline(never)]
pub fn seed_jvp_hand(x1: f64, x2: f64, (t1, t2): (f64, f64)) -> (f64, f64) {
    let (s, c) = x2.sin_cos();
    let r = 1.0 / x1;
    (x1.ln() + x1 * x2 - s, t1 * (r + x2) + t2 * (x1 - c))
}

/// Value, gradient and Hessian-vector product by hand: `H = [[-1/x1², 1], [1, sin x2]]`.
#[inline(never)]
pub fn seed_hvp_hand(x1: f64, x2: f64, (v1, v2): (f64, f64)) -> (f64, (f64, f64), (f64, f64)) {
    let (s, c) = x2.sin_cos();
    let r = 1.0 / x1;
    (
        x1.ln() + x1 * x2 - s,
        (r + x2, x1 - c),
        (-v1 * r * r + v2, v1 + s * v2),
    )
}

/// The two-layer network with `hvp` (f32).
#[differentiate(wrt(w1, w2), hvp)]
pub fn network(x: &Array2<f32>, w1: &Array2<f32>, w2: &Array2<f32>, y: &[usize]) -> f32 {
    cross_entropy(&sigmoid(&x.dot(w1)).dot(w2), y)
}

/// Inputs of the network: a batch, weights and a direction `(v1, v2)`.
pub struct Inputs {
    pub x: Array2<f32>,
    pub w1: Array2<f32>,
    pub w2: Array2<f32>,
    pub v1: Array2<f32>,
    pub v2: Array2<f32>,
    pub y: Vec<usize>,
}

/// Smooth deterministic inputs, `b` rows of `d` pixels, `d -> h -> c`.
pub fn inputs(b: usize, d: usize, h: usize, c: usize) -> Inputs {
    let f = |i: usize, j: usize, a: f32, s: f32| s * (a * i as f32 + 0.37 * j as f32).sin();
    Inputs {
        x: Array2::from_shape_fn((b, d), |(i, j)| 0.5 + f(i, j, 0.1, 0.5)),
        w1: Array2::from_shape_fn((d, h), |(i, j)| f(i, j, 0.7, 0.05)),
        w2: Array2::from_shape_fn((h, c), |(i, j)| f(i, j, 1.3, 0.2)),
        v1: Array2::from_shape_fn((d, h), |(i, j)| f(i, j, 0.3, 1.0)),
        v2: Array2::from_shape_fn((h, c), |(i, j)| f(i, j, 0.9, 1.0)),
        y: (0..b).map(|i| i % c).collect(),
    }
}

/// One timed `network_grad`, folded into a number.
pub fn grad_call(i: &Inputs) -> f64 {
    let (l, (g1, g2)) = network_grad(black_box(&i.x), &i.w1, &i.w2, &i.y);
    f64::from(l + g1[[0, 0]] + g2[[0, 0]])
}

/// One timed `network_hvp` along `(v1, v2)`, folded into a number.
pub fn hvp_call(i: &Inputs) -> f64 {
    let (l, (g1, _), (h1, h2)) = network_hvp(
        black_box(&i.x),
        &i.w1,
        &i.w2,
        &i.y,
        (i.v1.clone(), i.v2.clone()),
    );
    f64::from(l + g1[[0, 0]] + h1[[0, 0]] + h2[[0, 0]])
}
