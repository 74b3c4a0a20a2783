//! API v2 sections 5 and 6 through the macro: struct parameters (field reads at any depth,
//! aliases, skipped fields read as data), methods (`&self`, `self`, `wrt(self)`), and
//! generic functions over `T: Float` (f32 and f64, calls between them), each gradient
//! against central finite differences of the original function, leaf element by leaf
//! element.
use autodiff::ndarray::{array, Array1, Array2, ArrayViewMutD};
use autodiff::prelude::*;
use autodiff::{Differentiable, LeafVisitor};

/// Reads (`set: None`) or overwrites the `k`-th float of a value, counting in visiting order.
struct Element {
    k: usize,
    seen: usize,
    set: Option<f64>,
    got: Option<f64>,
}

impl LeafVisitor for Element {
    fn leaf<A: Float>(&mut self, mut leaf: ArrayViewMutD<'_, A>) {
        for x in leaf.iter_mut() {
            if self.seen == self.k {
                self.got = Some(x.as_f64());
                if let Some(v) = self.set {
                    *x = A::of_f64(v);
                }
            }
            self.seen += 1;
        }
    }
}

fn element<P: Differentiable>(p: &P, k: usize) -> Option<f64> {
    let mut e = Element {
        k,
        seen: 0,
        set: None,
        got: None,
    };
    p.clone().visit_leaves(&mut e);
    e.got
}

fn with_element<P: Differentiable>(p: &P, k: usize, v: f64) -> P {
    let mut q = p.clone();
    q.visit_leaves(&mut Element {
        k,
        seen: 0,
        set: Some(v),
        got: None,
    });
    q
}

/// Every float of `grad` against a central difference of `f` at `p` (step `h`, tolerance
/// `tol` relative to `1 + |derivative|`).
fn check_struct<P: Differentiable>(f: impl Fn(&P) -> f64, p: &P, grad: &P, h: f64, tol: f64) {
    let mut k = 0;
    while let Some(x) = element(p, k) {
        let numeric = (f(&with_element(p, k, x + h)) - f(&with_element(p, k, x - h))) / (2.0 * h);
        let analytic = element(grad, k).expect("the gradient has the parameter's structure");
        assert!(
            (analytic - numeric).abs() < tol * (1.0 + numeric.abs()),
            "float {k}: gradient {analytic}, finite difference {numeric}"
        );
        k += 1;
    }
    assert!(k > 0, "the parameter has no float");
}

#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Layer {
    w: Array2<f64>,
    b: Array1<f64>,
}

#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Mlp {
    layers: Vec<Layer>,
    temperature: f64,
    #[differentiable(skip)]
    name: String,
}

impl Mlp {
    /// API v2 section 5, as written there.
    #[differentiate(wrt(self))]
    fn loss(&self, x: &Array2<f64>, y: &[usize]) -> f64 {
        let mut h = x.to_owned();
        for i in 0..self.layers.len() {
            h = sigmoid(&(h.dot(&self.layers[i].w) + &self.layers[i].b));
        }
        cross_entropy(&(h / self.temperature), y)
    }

    /// By value, every float parameter active (self and x).
    #[differentiate]
    fn energy(self, x: f64) -> f64 {
        let last = &self.layers[1];
        (last.w.sum() * x).tanh() + self.temperature * x * x + last.b[0]
    }
}

fn mlp() -> Mlp {
    Mlp {
        layers: vec![
            Layer {
                w: array![[0.1, 0.2, -0.3], [0.4, -0.5, 0.6]],
                b: array![0.1, 0.0, -0.1],
            },
            Layer {
                w: array![[0.1, -0.1], [0.2, 0.05], [-0.3, 0.3]],
                b: array![0.05, -0.05],
            },
        ],
        temperature: 0.7,
        name: "net".to_string(),
    }
}

#[test]
fn the_method_of_api_v2_section_5_matches_finite_differences() {
    let m = mlp();
    let x = array![[0.5, -1.0], [1.5, 2.0], [0.0, 0.3]];
    let y = [0usize, 1, 1];
    let (l, (g,)) = m.loss_grad(&x, &y);
    assert!((l - m.loss(&x, &y)).abs() < 1e-12);
    assert_eq!(g.name, "net", "a skipped field is copied into the gradient");
    check_struct(|m: &Mlp| m.loss(&x, &y), &m, &g, 1e-6, 1e-6);
    // NAME_vjp is a method too, linear in its seed.
    let (_, (g3,)) = m.loss_vjp(&x, &y, 3.0);
    assert!((g3.temperature - 3.0 * g.temperature).abs() < 1e-12);
}

#[test]
fn a_method_taking_self_by_value_differentiates_self_and_its_other_parameters() {
    let m = mlp();
    let (v, (g, dx)) = m.clone().energy_grad(0.8);
    assert!((v - m.clone().energy(0.8)).abs() < 1e-12);
    check_struct(|m: &Mlp| m.clone().energy(0.8), &m, &g, 1e-6, 1e-6);
    let numeric = (m.clone().energy(0.8 + 1e-6) - m.clone().energy(0.8 - 1e-6)) / 2e-6;
    assert!((dx - numeric).abs() < 1e-6);
    // the first layer is never read: its gradient is zero
    assert!(g.layers[0].w.iter().all(|&v| v == 0.0));
}

#[derive(Differentiable, Clone, Debug)]
struct Inner {
    scale: f64,
    v: Vec<f64>,
}

#[derive(Differentiable, Clone, Debug)]
struct Outer {
    inner: Inner,
    pair: [Inner; 2],
    #[differentiable(skip)]
    steps: usize,
    #[differentiable(skip)]
    offset: f64,
}

/// Nested fields, `Vec` and `[T; N]` of structs, indexing into a float `Vec` field, a path
/// alias, a skipped `usize` as a loop bound and a skipped float read as a value.
#[differentiate]
fn nested(o: &Outer, x: &Array1<f64>) -> f64 {
    let mut total = o.offset * o.inner.scale;
    for k in 0..o.steps {
        let p = &o.pair[k % 2];
        total += p.scale * p.v[k % 2] * x[k];
    }
    let mut s = 0.0;
    for i in 0..o.inner.v.len() {
        s += (o.inner.v[i] * x[i]).sin();
    }
    total * s + o.pair[1].v[0].exp()
}

#[test]
fn nested_fields_aliases_and_skipped_fields_match_finite_differences() {
    let inner = |s: f64, a: f64, b: f64| Inner {
        scale: s,
        v: vec![a, b],
    };
    let o = Outer {
        inner: inner(0.9, 0.3, -0.4),
        pair: [inner(1.1, 0.5, 0.2), inner(-0.7, 0.25, 0.6)],
        steps: 3,
        offset: 1.5,
    };
    let x = array![0.2, -0.6, 1.3];
    let (v, (g, dx)) = nested_grad(&o, &x);
    assert!((v - nested(&o, &x)).abs() < 1e-12);
    assert_eq!(g.steps, 3);
    assert_eq!(
        g.offset, 1.5,
        "a skipped float is data: the gradient holds its value"
    );
    check_struct(|o: &Outer| nested(o, &x), &o, &g, 1e-6, 1e-6);
    for i in 0..3 {
        let mut xp = x.clone();
        let mut xm = x.clone();
        xp[i] += 1e-6;
        xm[i] -= 1e-6;
        let numeric = (nested(&o, &xp) - nested(&o, &xm)) / 2e-6;
        assert!(
            (dx[i] - numeric).abs() < 1e-6,
            "dx[{i}] {} vs {numeric}",
            dx[i]
        );
    }
}

/// API v2 section 6, as written there.
#[differentiate]
fn f<T: Float>(x: T, w: &Array1<T>) -> T {
    (w * x).sum().ln() + x * 2.0
}

#[differentiate]
fn through<T: Float>(x: T, w: &Array1<T>) -> T {
    let mut acc = -0.5;
    for i in 0..w.len() {
        acc += w[i].max(0.1) * x;
    }
    f(x, w) * acc + f::<T>(x * 0.5, w)
}

#[test]
fn a_generic_function_differentiates_for_f32_and_f64() {
    let w32 = array![1.0_f32, 2.0];
    let (v, (dx, dw)) = f_grad::<f32>(1.5, &w32);
    assert!((v - f(1.5_f32, &w32)).abs() < 1e-6);
    assert!((dx - (1.0 / 1.5 + 2.0)).abs() < 1e-5);
    assert!((dw[0] - 1.0 / 3.0).abs() < 1e-6);
    let w64 = array![1.0_f64, 2.0];
    let (_, (dx64, dw64)) = f_grad(1.5_f64, &w64);
    assert!((dx64 - (1.0 / 1.5 + 2.0)).abs() < 1e-12);
    assert!((dw64[1] - 1.0 / 3.0).abs() < 1e-12);
}

#[test]
fn generic_functions_call_each_other_with_and_without_turbofish() {
    let w = array![0.3_f64, 1.7, 0.05];
    let (v, (dx, dw)) = through_grad(0.9, &w);
    assert!((v - through(0.9, &w)).abs() < 1e-12);
    let h = 1e-6;
    let numeric = (through(0.9 + h, &w) - through(0.9 - h, &w)) / (2.0 * h);
    assert!((dx - numeric).abs() < 1e-6 * (1.0 + numeric.abs()));
    for i in 0..3 {
        let mut wp = w.clone();
        let mut wm = w.clone();
        wp[i] += h;
        wm[i] -= h;
        let numeric = (through(0.9, &wp) - through(0.9, &wm)) / (2.0 * h);
        assert!(
            (dw[i] - numeric).abs() < 1e-6 * (1.0 + numeric.abs()),
            "dw[{i}]"
        );
    }
    // f32: the same gradient to f32 precision
    let w32 = w.mapv(|v| v as f32);
    let (_, (dx32, dw32)) = through_grad::<f32>(0.9, &w32);
    assert!((f64::from(dx32) - dx).abs() < 1e-4 * (1.0 + dx.abs()));
    assert!((f64::from(dw32[1]) - dw[1]).abs() < 1e-4 * (1.0 + dw[1].abs()));
}

#[derive(Differentiable, Clone, Debug)]
struct Affine<T: Float> {
    w: Array2<T>,
    b: Array1<T>,
}

impl<T: Float> Affine<T> {
    #[differentiate(wrt(self))]
    fn fit(&self, x: &Array2<T>, y: &Array2<T>) -> T {
        let r = x.dot(&self.w) + &self.b - y;
        (&r * &r).sum() * 0.5
    }
}

#[test]
fn a_generic_struct_and_its_method_differentiate_for_f32_and_f64() {
    let a = Affine {
        w: array![[0.5, -0.2], [0.1, 0.3]],
        b: array![0.05, -0.1],
    };
    let x = array![[1.0, 2.0], [-0.5, 0.25], [0.3, 0.3]];
    let y = array![[0.2, 0.1], [0.0, -0.3], [1.0, 0.5]];
    let (_, (g,)) = a.fit_grad(&x, &y);
    check_struct(|a: &Affine<f64>| a.fit(&x, &y), &a, &g, 1e-6, 1e-6);
    let a32 = Affine {
        w: a.w.mapv(|v| v as f32),
        b: a.b.mapv(|v| v as f32),
    };
    let (_, (g32,)) = a32.fit_grad(&x.mapv(|v| v as f32), &y.mapv(|v| v as f32));
    for (p, q) in g.w.iter().zip(g32.w.iter()) {
        assert!((p - f64::from(*q)).abs() < 1e-4 * (1.0 + p.abs()));
    }
}

#[derive(Clone, Debug)]
struct Config {
    scale: f64,
    rounds: usize,
}

/// A struct parameter left out of `wrt(..)` is data: its fields read as data, and it need
/// not be `Differentiable`.
#[differentiate(wrt(x))]
fn scaled(cfg: &Config, x: f64) -> f64 {
    let mut y = x;
    for _ in 0..cfg.rounds {
        y = (y * cfg.scale).sin();
    }
    y
}

/// A struct parameter whose fields the body never reads is still active: its gradient is zero.
#[differentiate]
fn ignores(_model: &Mlp, x: f64) -> f64 {
    x * x
}

#[test]
fn a_struct_left_out_of_wrt_is_data_and_an_unread_one_gets_zeros() {
    let cfg = Config {
        scale: 1.3,
        rounds: 3,
    };
    let (v, (dx,)) = scaled_grad(&cfg, 0.4);
    assert!((v - scaled(&cfg, 0.4)).abs() < 1e-12);
    let numeric = (scaled(&cfg, 0.4 + 1e-6) - scaled(&cfg, 0.4 - 1e-6)) / 2e-6;
    assert!((dx - numeric).abs() < 1e-6);
    let m = mlp();
    let (_, (g, dx)) = ignores_grad(&m, 3.0);
    assert_eq!(dx, 6.0);
    assert!(g.layers.iter().all(|l| l.w.iter().all(|&v| v == 0.0)));
    assert_eq!(g.name, "net");
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Act {
    Tanh,
    Square,
}

#[derive(Differentiable, Clone, Debug)]
struct Switch {
    w: f64,
    #[differentiable(skip)]
    on: bool,
    #[differentiable(skip)]
    act: Act,
}

/// Skipped fields in conditions and comparisons are data.
#[differentiate]
fn switched(s: &Switch, x: f64) -> f64 {
    let z = s.w * x;
    let y = if s.act == Act::Tanh { z.tanh() } else { z * z };
    if s.on && s.w > 0.0 {
        y * 2.0
    } else {
        y
    }
}

#[test]
fn skipped_fields_in_conditions_are_data() {
    for (on, act) in [(true, Act::Tanh), (false, Act::Square), (true, Act::Square)] {
        let s = Switch { w: 0.6, on, act };
        let (_, (g, dx)) = switched_grad(&s, 1.1);
        check_struct(|s: &Switch| switched(s, 1.1), &s, &g, 1e-6, 1e-6);
        let numeric = (switched(&s, 1.1 + 1e-6) - switched(&s, 1.1 - 1e-6)) / 2e-6;
        assert!((dx - numeric).abs() < 1e-6);
        assert_eq!((g.on, g.act), (on, act));
    }
}
