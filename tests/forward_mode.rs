//! API v2 section 7: `jvp` (forward mode) and `hvp` (forward over reverse), each against
//! central finite differences of the function (JVP) and of its gradient (HVP), along random
//! directions, through arithmetic, broadcasting, matrix products, control flow, writes,
//! sequences, calls and generic functions.
use autodiff::check::{check_hvp, check_jvp, numeric_derivative};
use autodiff::ndarray::{array, Array1, Array2};
use autodiff::prelude::*;

/// A deterministic "random" array in [-1, 1].
fn direction<Sh: autodiff::ndarray::ShapeBuilder>(
    shape: Sh,
    seed: f64,
) -> autodiff::ndarray::Array<f64, Sh::Dim> {
    let mut k = 0.0;
    autodiff::ndarray::Array::from_shape_simple_fn(shape, || {
        k += 1.0;
        (seed * 12.9898 + k * 78.233).sin()
    })
}

#[differentiate(jvp, hvp)]
fn seed(x1: f64, x2: f64) -> f64 {
    x1.ln() + x1 * x2 - x2.sin()
}

#[test]
fn the_seed_function_jvp_and_hvp_match_the_calculus() {
    let (x1, x2) = (2.0, 5.0);
    let (t1, t2) = (0.3, -0.7);
    let (y, ty) = seed_jvp(x1, x2, (t1, t2));
    assert!((y - seed(x1, x2)).abs() < 1e-15);
    let expected = (1.0 / x1 + x2) * t1 + (x1 - x2.cos()) * t2;
    assert!((ty - expected).abs() < 1e-14, "{ty} vs {expected}");
    // H = [[-1/x1², 1], [1, sin x2]]
    let (y, (g1, g2), (h1, h2)) = seed_hvp(x1, x2, (t1, t2));
    assert!((y - seed(x1, x2)).abs() < 1e-15);
    assert!((g1 - 5.5).abs() < 1e-14 && (g2 - (2.0 - 5f64.cos())).abs() < 1e-14);
    assert!((h1 - (-t1 / (x1 * x1) + t2)).abs() < 1e-14);
    assert!((h2 - (t1 + x2.sin() * t2)).abs() < 1e-14);
}

#[differentiate(wrt(w1, w2), jvp, hvp)]
fn network(
    x: &Array2<f64>,
    w1: &Array2<f64>,
    b: &Array1<f64>,
    w2: &Array2<f64>,
    y: &[usize],
) -> f64 {
    let h = sigmoid(&(x.dot(w1) + b));
    cross_entropy(&h.dot(w2), y) + 0.01 * (w1 * w1).sum()
}

#[test]
fn the_network_jvp_and_hvp_match_finite_differences() {
    let x = direction((6, 4), 1.0);
    let w1 = direction((4, 5), 2.0);
    let b = direction(5, 3.0);
    let w2 = direction((5, 3), 4.0);
    let y = [0, 1, 2, 1, 0, 2];
    let (t1, t2) = (direction((4, 5), 5.0), direction((5, 3), 6.0));
    let (v, tv) = network_jvp(&x, &w1, &b, &w2, &y, (t1.clone(), t2.clone()));
    assert!((v - network(&x, &w1, &b, &w2, &y)).abs() < 1e-14);
    // one direction at a time, then both
    let e1 = check_jvp(
        |w| network(&x, w, &b, &w2, &y),
        &w1,
        &t1,
        &network_jvp(&x, &w1, &b, &w2, &y, (t1.clone(), Array2::zeros((5, 3)))).1,
        1e-6,
    );
    assert!(e1 < 1e-7, "jvp along w1: {e1}");
    let both = numeric_derivative(
        |s| network(&x, &(&w1 + &(&t1 * s)), &b, &(&w2 + &(&t2 * s)), &y),
        0.0,
        1e-6,
    );
    assert!(
        (tv - both).abs() < 1e-7 * (1.0 + both.abs()),
        "{tv} vs {both}"
    );

    let (l, (g1, g2), (h1, h2)) = network_hvp(&x, &w1, &b, &w2, &y, (t1.clone(), t2.clone()));
    assert!((l - v).abs() < 1e-14);
    let (_, (r1, r2)) = network_grad(&x, &w1, &b, &w2, &y);
    assert!((&g1 - &r1)
        .iter()
        .chain((&g2 - &r2).iter())
        .all(|d| d.abs() < 1e-14));
    // H v by differences of the gradient along (t1, t2)
    let grad_along = |s: f64| {
        let (_, (a, c)) = network_grad(&x, &(&w1 + &(&t1 * s)), &b, &(&w2 + &(&t2 * s)), &y);
        (a, c)
    };
    let h = 1e-5;
    let ((p1, p2), (m1, m2)) = (grad_along(h), grad_along(-h));
    let n1 = (p1 - m1) / (2.0 * h);
    let n2 = (p2 - m2) / (2.0 * h);
    let err1 = (&h1 - &n1).iter().fold(0.0_f64, |m, d| m.max(d.abs()));
    let err2 = (&h2 - &n2).iter().fold(0.0_f64, |m, d| m.max(d.abs()));
    assert!(err1 < 1e-8 && err2 < 1e-8, "hvp: {err1} {err2}");
}

#[differentiate(jvp, hvp)]
fn callee(a: f64, w: &Array1<f64>) -> f64 {
    (w * a).tanh().sum()
}

/// Control flow, a write into a local array, a slice parameter and a call.
#[differentiate(jvp, hvp)]
fn program(x: &[f64], w: &Array1<f64>, s: f64) -> f64 {
    let n = x.len();
    let mut a = Array1::zeros(n);
    for i in 0..n {
        a[i] = x[i] * s + w[i];
    }
    let mut total = 0.0;
    for i in 0..n {
        if a[i] > 0.0 {
            total += a[i].exp();
        } else {
            total -= a[i] * a[i];
        }
    }
    total + callee(s, w) * (x.len() as f64)
}

#[test]
fn control_flow_writes_slices_and_calls_jvp_and_hvp() {
    let x = vec![0.4, -1.2, 0.9];
    let w = array![0.3, 0.8, -0.5];
    let s = 0.7;
    let (tx, tw, ts) = (vec![0.2, -0.4, 0.1], array![0.5, -0.3, 0.2], -0.6);
    let (v, tv) = program_jvp(&x, &w, s, (tx.clone(), tw.clone(), ts));
    assert!((v - program(&x, &w, s)).abs() < 1e-13);
    let along = |e: f64| {
        let xs: Vec<f64> = x.iter().zip(&tx).map(|(a, b)| a + e * b).collect();
        (xs, &w + &(&tw * e), s + e * ts)
    };
    let numeric = numeric_derivative(
        |e| {
            let (xs, ws, ss) = along(e);
            program(&xs, &ws, ss)
        },
        0.0,
        1e-6,
    );
    assert!(
        (tv - numeric).abs() < 1e-7 * (1.0 + numeric.abs()),
        "{tv} vs {numeric}"
    );

    let (_, (gx, gw, gs), (hx, hw, hs)) = program_hvp(&x, &w, s, (tx.clone(), tw.clone(), ts));
    let (_, (rx, rw, rs)) = program_grad(&x, &w, s);
    assert_eq!(gx.len(), 3);
    assert!((gs - rs).abs() < 1e-13 && gx.iter().zip(&rx).all(|(a, b)| (a - b).abs() < 1e-13));
    assert!((&gw - &rw).iter().all(|d| d.abs() < 1e-13));
    let h = 1e-5;
    let grad_at = |e: f64| {
        let (xs, ws, ss) = along(e);
        program_grad(&xs, &ws, ss).1
    };
    let ((px, pw, ps), (mx, mw, ms)) = (grad_at(h), grad_at(-h));
    for i in 0..3 {
        let n = (px[i] - mx[i]) / (2.0 * h);
        assert!(
            (hx[i] - n).abs() < 1e-6 * (1.0 + n.abs()),
            "hx[{i}] {} vs {n}",
            hx[i]
        );
        let n = (pw[i] - mw[i]) / (2.0 * h);
        assert!(
            (hw[i] - n).abs() < 1e-6 * (1.0 + n.abs()),
            "hw[{i}] {} vs {n}",
            hw[i]
        );
    }
    let n = (ps - ms) / (2.0 * h);
    assert!((hs - n).abs() < 1e-6 * (1.0 + n.abs()), "hs {hs} vs {n}");
}

/// An array output: `jvp` gives the output tangent, an owned array.
#[differentiate(jvp)]
fn layer(x: &Array1<f64>, w: &Array2<f64>) -> Array1<f64> {
    let z = w.dot(x);
    softmax(&z) * 2.0
}

#[test]
fn an_array_output_has_an_array_tangent() {
    let x = direction(4, 7.0);
    let w = direction((3, 4), 8.0);
    let (tx, tw) = (direction(4, 9.0), direction((3, 4), 10.0));
    let (y, ty) = layer_jvp(&x, &w, (tx.clone(), tw.clone()));
    assert_eq!(y, layer(&x, &w));
    let numeric: Array1<f64> = {
        let h = 1e-6;
        let p = layer(&(&x + &(&tx * h)), &(&w + &(&tw * h)));
        let m = layer(&(&x - &(&tx * h)), &(&w - &(&tw * h)));
        (p - m) / (2.0 * h)
    };
    assert!(
        (&ty - &numeric).iter().all(|d| d.abs() < 1e-8),
        "{ty} vs {numeric}"
    );
    let e = check_jvp(
        |x| layer(x, &w),
        &x,
        &tx,
        &layer_jvp(&x, &w, (tx.clone(), Array2::zeros((3, 4)))).1,
        1e-6,
    );
    assert!(e < 1e-8);
}

/// Generic functions get `jvp`/`hvp` for each float type.
#[differentiate(jvp, hvp)]
fn generic<T: Float>(x: T, w: &Array1<T>) -> T {
    let wx = w * x;
    (&wx * &wx).sum().sqrt() + x.powi(3) * 0.5
}

#[test]
fn generic_functions_have_jvp_and_hvp_for_f32_and_f64() {
    let w: Array1<f64> = array![1.0, -2.0, 0.5];
    let (x, tx, tw): (f64, f64, Array1<f64>) = (0.8, 0.3, array![0.1, 0.2, -0.4]);
    let (_, t64) = generic_jvp(x, &w, (tx, tw.clone()));
    let numeric = numeric_derivative(|e| generic(x + e * tx, &(&w + &(&tw * e))), 0.0, 1e-6);
    assert!((t64 - numeric).abs() < 1e-8);
    let w32 = w.mapv(|v| v as f32);
    let (_, t32) = generic_jvp::<f32>(x as f32, &w32, (tx as f32, tw.mapv(|v| v as f32)));
    assert!((f64::from(t32) - t64).abs() < 1e-5);
    let (_, (gx, _), (hx, hw)) = generic_hvp(x, &w, (tx, tw.clone()));
    assert!((gx - generic_grad(x, &w).1 .0).abs() < 1e-14);
    let grad_x = |e: f64| generic_grad(x + e * tx, &(&w + &(&tw * e))).1;
    let h = 1e-5;
    let ((px, pw), (mx, mw)) = (grad_x(h), grad_x(-h));
    assert!((hx - (px - mx) / (2.0 * h)).abs() < 1e-7);
    assert!(((pw - mw) / (2.0 * h) - &hw).iter().all(|d| d.abs() < 1e-7));
}

#[test]
fn check_hvp_agrees_with_the_companion() {
    let w = array![0.3, -0.2, 0.9];
    let v = array![1.0, 0.5, -0.5];
    let (_, _, (_, hw)) = generic_hvp(0.7, &w, (0.0, v.clone()));
    let err = check_hvp(|w| generic_grad(0.7, w).1 .1, &w, &v, &hw, 1e-5);
    assert!(err < 1e-8, "{err}");
}

/// All options together: the Jacobian's columns are JVPs along the unit vectors.
#[differentiate(wrt(x), jacobian, jvp)]
fn options(x: &Array1<f64>, scale: f64, k: usize) -> Array1<f64> {
    (x * x).sin() * scale + x[k]
}

#[test]
fn options_combine_and_jacobian_columns_are_jvps() {
    let x = array![0.3, -0.8, 1.1];
    let (y, (j,)) = options_jacobian(&x, 1.7, 2);
    for col in 0..3 {
        let mut e = Array1::zeros(3);
        e[col] = 1.0;
        let (v, t) = options_jvp(&x, 1.7, 2, (e,));
        assert_eq!(v, y);
        assert!(
            (&t - &j.column(col)).iter().all(|d| d.abs() < 1e-14),
            "column {col}"
        );
    }
}

/// Plain functions called on data (no derivative flows through them): integers or floats
/// in; a float, an integer, a `bool`, `()`, a `Vec`, a fixed-size array or an ndarray array
/// out.
fn doubled(n: usize) -> usize {
    2 * n
}

fn quarter_of(n: usize) -> f64 {
    n as f64 * 0.25
}

fn squared(k: f64) -> f64 {
    k * k
}

fn weights(n: usize) -> Array1<f64> {
    Array1::from_shape_fn(n, |i| 1.0 + i as f64)
}

fn total(w: &Array1<f64>) -> f64 {
    w.sum()
}

fn is_small(c: f64) -> bool {
    c < 10.0
}

fn check_len(n: usize) {
    assert!(n > 0, "an empty input");
}

fn indices(n: usize) -> Vec<usize> {
    (0..n).rev().collect()
}

fn thirds(a: f64) -> [f64; 3] {
    [a, 2.0 * a, 3.0 * a]
}

fn count_of<T: Float>(n: usize) -> T {
    T::from(n).unwrap_or_else(T::one)
}

mod helper_module {
    use autodiff::prelude::*;

    /// A function with `jvp` of its own, called by its imported name.
    #[differentiate(jvp, hvp)]
    pub fn twice(a: f64) -> f64 {
        a * 2.0
    }
}
use helper_module::twice;

const SHIFT: f64 = 0.75;
const FIRST: usize = 0;
const ORDER: &[usize] = &[2, 0];
const WEIGHTS3: [f64; 3] = [0.5, 1.0, 2.0];

/// A choice passed to a helper as an enum value.
#[derive(Clone, Copy)]
enum Norm {
    L1,
    L2,
}

fn norm_factor(n: Norm) -> f64 {
    match n {
        Norm::L1 => 1.0,
        Norm::L2 => 0.5,
    }
}

fn first_of(order: &[usize]) -> usize {
    order[0]
}

fn weighted(w: [f64; 3]) -> f64 {
    w[0] + w[1] + w[2]
}

fn small_count(n: u8) -> f32 {
    f32::from(n) * 0.5
}

/// A generic function with `jvp` and `hvp`, called on constants without a turbofish.
#[differentiate(jvp, hvp)]
fn blend<T: Float>(a: T, b: T) -> T {
    a * b + a
}

/// Calls on data from a body with `jvp` and `hvp`: each runs as the plain function it is
/// (its arguments given back as its own types, a float result a constant of the forward
/// mode), chained (`squared(quarter_of(k))`), by reference, in a branch, and beside a
/// function with `jvp` of its own; `const`s (a float, an index, a slice, an array), enum
/// values, a cast of a call's result, a generic function given constants, and one called at
/// the float type (`size_of::<f64>()` is 8 in the forward mode too).
#[differentiate(jvp, hvp)]
fn helpers(x: &Array1<f64>) -> f64 {
    let k = doubled(x.len());
    let q = quarter_of(k);
    let w = weights(x.len());
    check_len(x.len());
    let order = indices(x.len());
    let mut total_value = (x * squared(q) * &w).sum() * total(&w) + x[order[0]] * x[1];
    let c = 2.5;
    if is_small(c) {
        total_value += x[0] * x[0] * squared(c + SHIFT);
    }
    let t = thirds(0.5);
    let consts = x[first_of(ORDER)] * weighted(WEIGHTS3) * norm_factor(Norm::L2)
        + x[1] * norm_factor(Norm::L1) * (small_count(3) as f64) * blend(2.0, 0.5)
        + x[2] * (std::mem::size_of::<f64>() as f64);
    total_value + x[FIRST] * x[1] * twice(0.75) * t[2] + consts
}

/// The same in a generic function: a generic plain function runs with the forward mode's `T`.
#[differentiate(jvp, hvp)]
fn generic_helpers<T: Float>(x: &Array1<T>) -> T {
    (x * count_of::<T>(x.len())).sum() + x[0] * x[1] * x[2]
}

#[test]
fn plain_helpers_on_data_and_a_helper_with_jvp() {
    let x = array![0.4, -1.3, 2.0];
    let t = array![0.5, 0.25, -1.0];
    let (v, tangent) = helpers_jvp(&x, (t.clone(),));
    assert!((v - helpers(&x)).abs() < 1e-14);
    let e = check_jvp(helpers, &x, &t, &tangent, 1e-6);
    assert!(e < 1e-8, "jvp: {e}");
    let (_, (g,), (h,)) = helpers_hvp(&x, (t.clone(),));
    assert!((&g - &helpers_grad(&x).1 .0)
        .iter()
        .all(|d| d.abs() < 1e-12));
    let e = check_hvp(|x| helpers_grad(x).1 .0, &x, &t, &h, 1e-5);
    assert!(e < 1e-8, "hvp: {e}");
    let (gv, gt) = generic_helpers_jvp(&x, (t.clone(),));
    assert!((gv - generic_helpers(&x)).abs() < 1e-14);
    let e = check_jvp(|x: &Array1<f64>| generic_helpers(x), &x, &t, &gt, 1e-6);
    assert!(e < 1e-8, "generic jvp: {e}");
    let (_, _, (gh,)) = generic_helpers_hvp(&x, (t.clone(),));
    let e = check_hvp(|x| generic_helpers_grad(x).1 .0, &x, &t, &gh, 1e-5);
    assert!(e < 1e-8, "generic hvp: {e}");
}

/// Data the body computes from shapes: a tuple from `dim()`, and an integer from a float
/// computation on data (`(n as f64).sqrt() as usize`, which stays `f64` in the forward mode's
/// twin: a dual number cannot be cast to an integer).
#[differentiate(jvp, hvp)]
fn shapes_and_casts(x: &Array2<f64>) -> f64 {
    let (n, d) = x.dim();
    let r = ((n * d) as f64).sqrt() as usize;
    // A literal and a float binding inside integer casts.
    let k = ((n as f64) * 0.5) as usize;
    let nf = d as f64;
    let j = nf.sqrt() as usize;
    x[[r - 1, d - 1]] * x[[0, 0]] * (n as f64)
        + x[[0, 1]].sin()
        + x[[k, j]] * x[[k, j]]
        + x[[Norm::L2 as usize, 0]]
}

/// In an `f32` function the forward mode leaves an integer cast as written: its `f64`
/// arithmetic in `f32` duals would round `(n as f64).sqrt()` for n = 4097² - 1 up to 4097.
#[differentiate(jvp, hvp)]
fn integer_of_f64_in_f32(x: &Array1<f32>, n: usize) -> f32 {
    let r = (n as f64).sqrt() as usize;
    x[0] * x[1] * (r as f32)
}

/// Splits a range's indices and its last one: a tuple with a part that is not `Copy`.
fn indices_and_last(n: usize) -> (Vec<usize>, usize) {
    ((0..n).collect(), n - 1)
}

/// A tuple from a plain function split in a loop body whose tape keeps the tuple; a name
/// with `f32` in it in an `f64` function (the twin's float type comes from the types).
#[differentiate(jvp, hvp)]
fn product_in_f32_free_loop(x: &Array1<f64>) -> f64 {
    let mut acc = 1.0;
    for i in 0..x.len() {
        let (idx, last) = indices_and_last(i + 1);
        acc *= x[idx[last]];
    }
    acc
}

#[test]
fn tuples_of_shapes_and_integer_casts_of_data() {
    let x = direction((2, 3), 0.3);
    let (t, v) = (direction((2, 3), 1.7), direction((2, 3), 2.9));
    let (value, (dx,)) = shapes_and_casts_grad(&x);
    assert!((value - shapes_and_casts(&x)).abs() < 1e-14);
    // r = floor(sqrt(6)) = 2, k = 1, j = floor(sqrt(3)) = 1, Norm::L2 = 1: the value reads
    // x[1, 2], x[0, 0], x[0, 1], x[1, 1] and x[1, 0].
    let want = x[[1, 2]] * x[[0, 0]] * 2.0 + x[[0, 1]].sin() + x[[1, 1]] * x[[1, 1]] + x[[1, 0]];
    assert!((value - want).abs() < 1e-14);
    let numeric = autodiff::check::numeric_gradient(shapes_and_casts, &x, 1e-6);
    assert!(autodiff::check::max_relative_error(&dx, &numeric) < 1e-7);
    let (_, tangent) = shapes_and_casts_jvp(&x, (t.clone(),));
    assert!(check_jvp(shapes_and_casts, &x, &t, &tangent, 1e-6) < 1e-7);
    let (_, _, (hv,)) = shapes_and_casts_hvp(&x, (v.clone(),));
    assert!(check_hvp(|x| shapes_and_casts_grad(x).1 .0, &x, &v, &hv, 1e-5) < 1e-7);
}

#[test]
fn a_tuple_split_in_a_loop_and_a_float_named_function() {
    let x = array![0.5, -1.2, 2.0];
    let (t, v) = (array![0.3, 0.2, -0.4], array![-0.7, 0.1, 0.9]);
    let (value, (dx,)) = product_in_f32_free_loop_grad(&x);
    assert!((value - x.product()).abs() < 1e-14);
    let want = array![x[1] * x[2], x[0] * x[2], x[0] * x[1]];
    assert!(autodiff::check::max_relative_error(&dx, &want) < 1e-14);
    let (_, tangent) = product_in_f32_free_loop_jvp(&x, (t.clone(),));
    assert!((tangent - dx.dot(&t)).abs() < 1e-12);
    let (_, _, (hv,)) = product_in_f32_free_loop_hvp(&x, (v.clone(),));
    let grad = |x: &Array1<f64>| product_in_f32_free_loop_grad(x).1 .0;
    assert!(check_hvp(grad, &x, &v, &hv, 1e-5) < 1e-7);
}

#[test]
fn integer_casts_in_an_f32_function_give_the_original_integer() {
    let (x, n) = (array![1.5_f32, 2.0], 4097 * 4097 - 1);
    let (value, (dx,)) = integer_of_f64_in_f32_grad(&x, n);
    assert_eq!(value, integer_of_f64_in_f32(&x, n));
    assert_eq!(value, 1.5 * 2.0 * 4096.0);
    let (v, tangent) = integer_of_f64_in_f32_jvp(&x, n, (array![1.0, 0.0],));
    assert_eq!((v, tangent), (value, dx[0]));
    let (v, (g,), _) = integer_of_f64_in_f32_hvp(&x, n, (array![0.0, 1.0],));
    assert_eq!((v, g), (value, dx));
}
