//! A generic function over `T: Float` instantiated with `f32`, against the same function
//! written for `f32`: what genericity costs (the literals become `lit::<T>(..)`, every runtime
//! call is the same monomorphised code). Included with `#[path]` (not a bench target).
use autodiff::ndarray::Array2;
use autodiff::prelude::*;
use std::hint::black_box;

/// A small network and a scalar loop with literals, generic in the float type.
#[allow(clippy::needless_range_loop)] // the loop is the workload, written as numeric code is
#[differentiate(wrt(w1, w2, s))]
pub fn generic<T: Float>(x: &Array2<T>, w1: &Array2<T>, w2: &Array2<T>, s: &[T], y: &[usize]) -> T {
    let hidden = sigmoid(&(x.dot(w1) * 0.5));
    let mut penalty = 0.0;
    for i in 0..s.len() {
        penalty += (s[i] * 0.25).sin() * s[i] + 1.0e-3;
    }
    cross_entropy(&hidden.dot(w2), y) + penalty * 0.1
}

/// The same function written for `f32`.
#[allow(clippy::needless_range_loop)]
#[differentiate(wrt(w1, w2, s))]
pub fn concrete(
    x: &Array2<f32>,
    w1: &Array2<f32>,
    w2: &Array2<f32>,
    s: &[f32],
    y: &[usize],
) -> f32 {
    let hidden = sigmoid(&(x.dot(w1) * 0.5));
    let mut penalty = 0.0;
    for i in 0..s.len() {
        penalty += (s[i] * 0.25).sin() * s[i] + 1.0e-3;
    }
    cross_entropy(&hidden.dot(w2), y) + penalty * 0.1
}

/// Inputs: a batch of `b` rows of `d` features, weights `d -> h -> c`, `n` extra scalars.
pub struct Inputs {
    pub x: Array2<f32>,
    pub w1: Array2<f32>,
    pub w2: Array2<f32>,
    pub s: Vec<f32>,
    pub y: Vec<usize>,
}

/// Smooth deterministic inputs.
pub fn inputs(b: usize, d: usize, h: usize, c: usize, n: usize) -> Inputs {
    let f = |i: usize, j: usize, a: f32| (a * i as f32 + 0.37 * j as f32).sin() * 0.3;
    Inputs {
        x: Array2::from_shape_fn((b, d), |(i, j)| f(i, j, 0.1)),
        w1: Array2::from_shape_fn((d, h), |(i, j)| f(i, j, 0.7)),
        w2: Array2::from_shape_fn((h, c), |(i, j)| f(i, j, 1.3)),
        s: (0..n).map(|i| f(i, 1, 0.9)).collect(),
        y: (0..b).map(|i| i % c).collect(),
    }
}

/// One timed call of `generic_grad::<f32>`, folded into a number.
pub fn generic_call(i: &Inputs) -> f32 {
    let (l, (g1, g2, gs)) = generic_grad::<f32>(black_box(&i.x), &i.w1, &i.w2, &i.s, &i.y);
    l + g1[[0, 0]] + g2[[0, 0]] + gs[0]
}

/// One timed call of `concrete_grad`, as [`generic_call`].
pub fn concrete_call(i: &Inputs) -> f32 {
    let (l, (g1, g2, gs)) = concrete_grad(black_box(&i.x), &i.w1, &i.w2, &i.s, &i.y);
    l + g1[[0, 0]] + g2[[0, 0]] + gs[0]
}

/// A value, the gradient of `w1` and of `s`.
pub type Result = (f32, Array2<f32>, Vec<f32>);

/// Both gradients, for the check before timing.
pub fn both(i: &Inputs) -> (Result, Result) {
    let (a, (g1, _, gs)) = generic_grad::<f32>(&i.x, &i.w1, &i.w2, &i.s, &i.y);
    let (b, (h1, _, hs)) = concrete_grad(&i.x, &i.w1, &i.w2, &i.s, &i.y);
    ((a, g1, gs), (b, h1, hs))
}
