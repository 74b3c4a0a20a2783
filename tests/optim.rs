//! `autodiff::optim::{Sgd, Momentum, Adam}` on derived structs, in `f32` and `f64`.
//!
//! Each optimiser minimises the quadratic f(p) = Σᵢ cᵢ (pᵢ − tᵢ)² over every leaf of a derived
//! struct (arrays, a scalar, a `Vec` of structs, a skipped field); its gradient 2c(p − t) is
//! checked against central finite differences of f before it is used, and the optimiser must
//! reach t. The first steps of Momentum and Adam are checked against the formulas worked by
//! hand; a mismatched structure panics before anything changes.
use autodiff::ndarray::{array, Array1, Array2, ArrayViewD, ArrayViewMutD};
use autodiff::optim::{Adam, Momentum, Sgd};
use autodiff::prelude::*;
use autodiff::{LeafPairVisitor, LeafVisitor};
use std::panic::{catch_unwind, AssertUnwindSafe};

#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Layer<T: Float> {
    w: Array2<T>,
    b: Array1<T>,
}

#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Model<T: Float> {
    layers: Vec<Layer<T>>,
    scale: T,
    #[differentiable(skip)]
    name: String,
}

fn model<T: Float>(values: &[f64]) -> Model<T> {
    let v = |i: usize| T::from(values[i % values.len()]).unwrap_or_else(T::zero);
    Model {
        layers: vec![
            Layer {
                w: array![[v(0), v(1)], [v(2), v(3)]],
                b: array![v(4), v(5)],
            },
            Layer {
                w: array![[v(6), v(7)]],
                b: array![v(8)],
            },
        ],
        scale: v(9),
        name: "model".into(),
    }
}

/// The leaves, flattened in visiting order, as f64.
fn flat<P: Differentiable>(p: &P) -> Vec<f64> {
    struct Flat(Vec<f64>);
    impl LeafVisitor for Flat {
        fn leaf<A: Float>(&mut self, leaf: ArrayViewMutD<'_, A>) {
            self.0
                .extend(leaf.iter().map(|v| v.to_f64().unwrap_or(f64::NAN)));
        }
    }
    let mut flat = Flat(Vec::new());
    p.clone().visit_leaves(&mut flat);
    flat.0
}

/// leaf ← op(leaf, other), elementwise.
struct Pairwise(fn(f64, f64) -> f64);

impl LeafPairVisitor for Pairwise {
    fn pair<A: Float>(&mut self, mut leaf: ArrayViewMutD<'_, A>, other: ArrayViewD<'_, A>) {
        let op = self.0;
        leaf.zip_mut_with(&other, |a, &b| {
            let (x, y) = (
                a.to_f64().unwrap_or(f64::NAN),
                b.to_f64().unwrap_or(f64::NAN),
            );
            *a = A::from(op(x, y)).unwrap_or_else(A::nan);
        });
    }
}

/// Adds `h` to the `k`-th scalar in visiting order.
struct Nudge {
    k: usize,
    h: f64,
    seen: usize,
}

impl LeafVisitor for Nudge {
    fn leaf<A: Float>(&mut self, mut leaf: ArrayViewMutD<'_, A>) {
        for v in leaf.iter_mut() {
            if self.seen == self.k {
                *v += A::from(self.h).unwrap_or_else(A::nan);
            }
            self.seen += 1;
        }
    }
}

/// f(p) = Σ cᵢ (pᵢ − tᵢ)² with its gradient 2c(p − t), over any differentiable value.
struct Quadratic<P> {
    c: P,
    t: P,
}

impl<P: Differentiable> Quadratic<P> {
    fn value(&self, p: &P) -> f64 {
        let (p, c, t) = (flat(p), flat(&self.c), flat(&self.t));
        p.iter()
            .zip(&c)
            .zip(&t)
            .map(|((p, c), t)| c * (p - t) * (p - t))
            .sum()
    }

    fn gradient(&self, p: &P) -> P {
        let mut g = p.clone();
        g.visit_leaf_pairs(&self.t, &mut Pairwise(|p, t| p - t));
        g.visit_leaf_pairs(&self.c, &mut Pairwise(|d, c| 2.0 * c * d));
        g
    }

    /// Checks the gradient at `p` against central differences of `value` (step `h`, relative
    /// tolerance `tol`).
    fn check_gradient(&self, p: &P, h: f64, tol: f64) {
        let g = flat(&self.gradient(p));
        for (k, &gk) in g.iter().enumerate() {
            let mut plus = p.clone();
            plus.visit_leaves(&mut Nudge { k, h, seen: 0 });
            let mut minus = p.clone();
            minus.visit_leaves(&mut Nudge { k, h: -h, seen: 0 });
            let numeric = (self.value(&plus) - self.value(&minus)) / (2.0 * h);
            assert!(
                (numeric - gk).abs() <= tol * (1.0 + gk.abs()),
                "leaf scalar {k}: gradient {gk}, central difference {numeric}"
            );
        }
    }
}

fn problem<T: Float>() -> (Model<T>, Quadratic<Model<T>>) {
    let start = model::<T>(&[0.5, -1.0, 2.0, 0.0, 1.5, -2.0, 0.25, 3.0, -0.5, 1.0]);
    let c = model::<T>(&[1.0, 0.5, 2.0, 1.5, 0.75, 1.25, 2.0, 0.5, 1.0, 1.75]);
    let t = model::<T>(&[-1.0, 2.0, 0.5, 1.0, -0.25, 0.75, 2.5, -1.5, 1.0, -2.0]);
    (start, Quadratic { c, t })
}

/// Runs `steps` steps of `step` from the start and checks the gradient (in f64 with a tight
/// tolerance, in f32 with a loose one) at the start and on the way.
fn minimise<T: Float>(steps: usize, mut step: impl FnMut(&mut Model<T>, &Model<T>)) -> Model<T> {
    let (mut p, f) = problem::<T>();
    let (h, tol) = if std::mem::size_of::<T>() == 8 {
        (1e-5, 1e-8)
    } else {
        (1e-2, 1e-2)
    };
    for i in 0..steps {
        if i % (steps / 4) == 0 {
            f.check_gradient(&p, h, tol);
        }
        let g = f.gradient(&p);
        step(&mut p, &g);
    }
    assert_eq!(p.name, "model", "the skipped field is not stepped");
    p
}

fn assert_reached<T: Float>(p: &Model<T>, tol: f64) {
    let (_, f) = problem::<T>();
    for (i, (p, t)) in flat(p).iter().zip(flat(&f.t)).enumerate() {
        assert!(
            (p - t).abs() < tol,
            "leaf scalar {i}: {p} but the minimum is at {t}"
        );
    }
}

#[test]
fn sgd_reaches_the_minimum_in_f64_and_f32() {
    let sgd = Sgd::new(0.1);
    assert_reached(&minimise::<f64>(400, |p, g| sgd.step(p, g)), 1e-10);
    assert_reached(&minimise::<f32>(400, |p, g| sgd.step(p, g)), 1e-5);
    let sgd32 = Sgd::new(0.1_f32);
    assert_reached(&minimise::<f32>(400, |p, g| sgd32.step(p, g)), 1e-5);
}

#[test]
fn momentum_reaches_the_minimum_in_f64_and_f32() {
    let mut opt = Momentum::new(0.05, 0.9);
    assert_reached(&minimise::<f64>(800, |p, g| opt.step(p, g)), 1e-8);
    let mut opt = Momentum::new(0.05, 0.9);
    assert_reached(&minimise::<f32>(800, |p, g| opt.step(p, g)), 1e-4);
}

#[test]
fn adam_reaches_the_minimum_in_f64_and_f32() {
    let mut adam = Adam::new(0.05);
    assert_reached(&minimise::<f64>(2000, |p, g| adam.step(p, g)), 1e-6);
    let mut adam = Adam::new(0.05);
    assert_reached(&minimise::<f32>(2000, |p, g| adam.step(p, g)), 1e-3);
}

/// Three gradients for a two-leaf model (a scalar and an array), and the updates worked out
/// by hand.
fn gradients() -> [(f64, [f64; 2]); 3] {
    [(1.0, [2.0, -0.5]), (-3.0, [0.0, 4.0]), (0.5, [1.0, 1.0])]
}

#[derive(Differentiable, Clone, Debug)]
struct Pair<T: Float> {
    s: T,
    a: Array1<T>,
}

fn pair<T: Float>(s: f64, a: [f64; 2]) -> Pair<T> {
    let t = |x: f64| T::from(x).unwrap_or_else(T::nan);
    Pair {
        s: t(s),
        a: array![t(a[0]), t(a[1])],
    }
}

/// Runs `step` over [`gradients`] from zero parameters and compares each step's parameters
/// (flattened) with `expected`.
fn compare_steps<T: Float>(
    mut step: impl FnMut(&mut Pair<T>, &Pair<T>),
    expected: &[[f64; 3]; 3],
    tol: f64,
) {
    let mut p = pair::<T>(0.0, [0.0, 0.0]);
    for (k, ((gs, ga), want)) in gradients().into_iter().zip(expected).enumerate() {
        step(&mut p, &pair(gs, ga));
        for (got, want) in flat(&p).iter().zip(want) {
            assert!(
                (got - want).abs() <= tol * want.abs().max(1e-3),
                "step {}: got {:?}, expected {want:?}",
                k + 1,
                flat(&p)
            );
        }
    }
}

/// v ← βv + g; p ← p − lr·v, in f64, one scalar at a time.
fn momentum_by_hand(lr: f64, beta: f64) -> [[f64; 3]; 3] {
    let mut out = [[0.0; 3]; 3];
    for i in 0..3 {
        let (mut v, mut p) = (0.0, 0.0);
        for (k, (gs, ga)) in gradients().into_iter().enumerate() {
            let g = [gs, ga[0], ga[1]][i];
            v = beta * v + g;
            p -= lr * v;
            out[k][i] = p;
        }
    }
    out
}

#[test]
fn momentum_first_steps_match_the_formula() {
    // Worked for the scalar leaf: v = 1, p = −0.1; v = 0.9 − 3 = −2.1, p = −0.1 + 0.21 = 0.11;
    // v = −1.89 + 0.5 = −1.39, p = 0.11 + 0.139 = 0.249.
    let expected = momentum_by_hand(0.1, 0.9);
    let scalar = [expected[0][0], expected[1][0], expected[2][0]];
    assert!((scalar[0] + 0.1).abs() < 1e-15);
    assert!((scalar[1] - 0.11).abs() < 1e-15);
    assert!((scalar[2] - 0.249).abs() < 1e-15);
    let mut opt = Momentum::new(0.1, 0.9);
    compare_steps::<f64>(|p, g| opt.step(p, g), &expected, 1e-14);
    let mut opt = Momentum::new(0.1_f32, 0.9);
    compare_steps::<f32>(|p, g| opt.step(p, g), &expected, 1e-6);
}

/// Adam with bias correction, t from 1, in f64, one scalar at a time.
fn adam_by_hand(lr: f64, b1: f64, b2: f64, eps: f64) -> [[f64; 3]; 3] {
    let mut out = [[0.0; 3]; 3];
    for i in 0..3 {
        let (mut m, mut v, mut p) = (0.0, 0.0, 0.0);
        for (k, (gs, ga)) in gradients().into_iter().enumerate() {
            let g = [gs, ga[0], ga[1]][i];
            let t = (k + 1) as i32;
            m = b1 * m + (1.0 - b1) * g;
            v = b2 * v + (1.0 - b2) * g * g;
            let m_hat = m / (1.0 - b1.powi(t));
            let v_hat = v / (1.0 - b2.powi(t));
            p -= lr * m_hat / (v_hat.sqrt() + eps);
            out[k][i] = p;
        }
    }
    out
}

#[test]
fn adam_first_steps_match_the_formula() {
    let expected = adam_by_hand(0.1, 0.9, 0.999, 1e-8);
    // Worked for the scalar leaf at t = 1: m̂ = g = 1 and v̂ = g² = 1, so p = −0.1/(1 + 1e-8).
    assert!((expected[0][0] + 0.1 / (1.0 + 1e-8)).abs() < 1e-15);
    // At t = 2 (g = −3): m = 0.09 − 0.3 = −0.21, m̂ = −0.21/0.19; v = 0.000999 + 0.009 =
    // 0.009999, v̂ = 0.009999/0.001999.
    let p2 = expected[0][0] - 0.1 * (-0.21 / 0.19) / ((0.009999_f64 / 0.001999).sqrt() + 1e-8);
    assert!(
        (expected[1][0] - p2).abs() < 1e-12,
        "{} vs {p2}",
        expected[1][0]
    );
    // The last leaf's first gradient is −0.5: it moves by +lr·0.5/(0.5 + ε).
    assert!((expected[0][2] - 0.1 * 0.5 / (0.5 + 1e-8)).abs() < 1e-15);

    let mut adam = Adam::new(0.1);
    compare_steps::<f64>(|p, g| adam.step(p, g), &expected, 1e-12);
    assert_eq!(adam.steps(), 3);
    let mut adam = Adam::new(0.1_f32);
    compare_steps::<f32>(|p, g| adam.step(p, g), &expected, 1e-5);

    let other = adam_by_hand(0.01, 0.5, 0.9, 1e-3);
    let mut adam = Adam::with(0.01, 0.5, 0.9, 1e-3);
    compare_steps::<f64>(|p, g| adam.step(p, g), &other, 1e-12);
}

#[test]
fn sgd_steps_f32_parameters_with_an_f64_learning_rate() {
    let mut p = pair::<f32>(1.0, [2.0, 3.0]);
    Sgd::new(0.5).step(&mut p, &pair(2.0, [2.0, -2.0]));
    assert_eq!(flat(&p), [0.0, 1.0, 4.0]);
}

#[test]
fn a_mismatched_gradient_panics_and_changes_nothing() {
    let mut adam = Adam::new(0.1);
    let mut p = model::<f64>(&[1.0]);
    let mut g = model::<f64>(&[0.5]);
    g.layers[1].b = array![1.0, 2.0];
    let before = p.clone();
    let err = catch_unwind(AssertUnwindSafe(|| adam.step(&mut p, &g))).unwrap_err();
    let message = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert_eq!(
        message,
        "Adam::step: the gradient has shape [2] but the parameter has shape [1] at `layers[1].b`"
    );
    assert_eq!(p, before);
    assert_eq!(adam.steps(), 0);

    // The state was not sized by the failed step: another structure is a first step.
    let mut q = pair::<f64>(1.0, [1.0, 1.0]);
    adam.step(&mut q, &pair(1.0, [1.0, 1.0]));
    assert_eq!(adam.steps(), 1);
}

#[test]
#[should_panic(
    expected = "Momentum::step: the parameters have 2 leaves but had 3 at the first step"
)]
fn a_later_step_with_fewer_leaves_panics() {
    let mut opt = Momentum::new(0.1, 0.9);
    let mut p = vec![1.0_f64, 2.0, 3.0];
    opt.step(&mut p, &vec![0.0; 3]);
    p.pop();
    opt.step(&mut p, &vec![0.0; 2]);
}

#[test]
#[should_panic(
    expected = "Momentum::step: leaf 2 of the parameters is f64 of shape [1] but was f64 of shape [1, 2] at the first step"
)]
fn a_later_step_on_a_model_with_a_layer_less_panics() {
    let mut opt = Momentum::new(0.1, 0.9);
    let mut p = model::<f64>(&[1.0]);
    let g = p.zero_like();
    opt.step(&mut p, &g);
    p.layers.pop();
    let g = p.zero_like();
    opt.step(&mut p, &g);
}

#[test]
#[should_panic(
    expected = "Adam::step: leaf 1 of the parameters is f64 of shape [3] but was f64 of shape [2] at the first step"
)]
fn a_later_step_with_another_shape_panics() {
    let mut adam = Adam::new(0.1);
    let mut p = pair::<f64>(1.0, [1.0, 1.0]);
    let g = p.zero_like();
    adam.step(&mut p, &g);
    p.a = array![1.0, 2.0, 3.0];
    let g = p.zero_like();
    adam.step(&mut p, &g);
}

#[test]
#[should_panic(
    expected = "Adam::step: the parameters have more leaves than the 2 of the first step"
)]
fn a_later_step_with_more_leaves_panics() {
    let mut adam = Adam::new(0.1);
    let mut p = vec![1.0_f64, 2.0];
    adam.step(&mut p, &vec![0.0, 0.0]);
    p.push(3.0);
    adam.step(&mut p, &vec![0.0; 3]);
}

#[test]
fn reset_allows_another_structure() {
    let mut opt = Momentum::new(0.1, 0.5);
    opt.step(&mut 1.0_f64, &1.0);
    opt.reset();
    let mut v = vec![1.0_f32, 2.0];
    opt.step(&mut v, &vec![1.0, 1.0]);
    assert_eq!(v, [0.9, 1.9]);
}

#[test]
fn hyperparameters_are_validated_naming_the_constructor() {
    let message = |f: fn()| {
        let err = catch_unwind(f).unwrap_err();
        err.downcast_ref::<String>().cloned().unwrap_or_default()
    };
    assert_eq!(
        message(|| drop(Momentum::new(0.1, 1.0))),
        "Momentum::new: the momentum beta must be in [0, 1), got 1"
    );
    assert_eq!(
        message(|| drop(Momentum::new(-0.1, 0.5))),
        "Momentum::new: the learning rate must be finite and non-negative, got -0.1"
    );
    assert_eq!(
        message(|| drop(Adam::new(f64::NAN))),
        "Adam::new: the learning rate must be finite and non-negative, got NaN"
    );
    assert_eq!(
        message(|| drop(Adam::with(0.1, 0.9, 1.5, 1e-8))),
        "Adam::with: beta2 must be in [0, 1), got 1.5"
    );
    assert_eq!(
        message(|| drop(Adam::with(0.1, -0.1, 0.9, 1e-8))),
        "Adam::with: beta1 must be in [0, 1), got -0.1"
    );
    assert_eq!(
        message(|| drop(Adam::with(0.1_f32, 0.9, 0.999, 0.0))),
        "Adam::with: eps must be finite and positive, got 0"
    );
    assert_eq!(
        message(|| {
            let _ = Sgd::new(f64::INFINITY);
        }),
        "Sgd::new: the learning rate must be finite and non-negative, got inf"
    );
}
