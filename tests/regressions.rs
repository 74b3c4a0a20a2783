//! Constructs that once failed to compile or could lose a gradient, found by generating
//! random programs or a review; each against finite differences of the original function.
use autodiff::check::{max_relative_error, numeric_derivative, numeric_gradient};
use autodiff::ndarray::{array, Array1, Array2, ArrayView1};
use autodiff::prelude::*;

const H: f64 = 1e-6;

#[differentiate]
fn owned_copy_in_branches(x: &Array1<f64>, w: f64) -> f64 {
    let mut a = x.to_owned();
    if w > 0.0 {
        a = x.exp() * w;
    }
    for _ in 0..2 {
        a = a.clone() * w;
    }
    a.sum()
}

#[test]
fn to_owned_of_a_reference_parameter_is_an_owned_array() {
    let x = array![0.1, -0.4, 0.3];
    for &w in &[0.7, -0.2] {
        let (v, (dx, dw)) = owned_copy_in_branches_grad(&x, w);
        assert!((v - owned_copy_in_branches(&x, w)).abs() < 1e-12);
        let num = numeric_gradient(|x: &Array1<f64>| owned_copy_in_branches(x, w), &x, H);
        assert!(max_relative_error(&dx, &num) < 1e-6);
        let num_w = numeric_derivative(|w| owned_copy_in_branches(&x, w), w, H);
        assert!((dw - num_w).abs() < 1e-6);
    }
}

#[differentiate]
fn negative_literals_and_literal_indices(x: &Array1<f64>, y: f64) -> f64 {
    let t = x.exp() * -0.5;
    let c = -2.0;
    t[0] * y + t[2] * c + (-1.5) * y.sin()
}

#[test]
fn negative_literals_and_literal_indices_infer_their_types() {
    let x = array![0.2, 0.1, -0.3];
    let (v, (dx, dy)) = negative_literals_and_literal_indices_grad(&x, 0.4);
    assert!((v - negative_literals_and_literal_indices(&x, 0.4)).abs() < 1e-12);
    let num = numeric_gradient(
        |x: &Array1<f64>| negative_literals_and_literal_indices(x, 0.4),
        &x,
        H,
    );
    assert!(max_relative_error(&dx, &num) < 1e-6);
    let num_y = numeric_derivative(|y| negative_literals_and_literal_indices(&x, y), 0.4, H);
    assert!((dy - num_y).abs() < 1e-6);
}

#[differentiate]
fn norm2(v: &Array1<f64>) -> f64 {
    (v * v).sum()
}

#[differentiate]
fn passes_its_parameter(x: &Array1<f64>, s: f64) -> f64 {
    #[allow(clippy::needless_borrow)]
    let a = norm2(&x);
    a * s + norm2(x)
}

#[test]
fn a_reference_parameter_passed_with_and_without_a_borrow() {
    let x = array![1.0, 2.0];
    let (v, (dx, ds)) = passes_its_parameter_grad(&x, 3.0);
    assert!((v - 20.0).abs() < 1e-12);
    assert!(max_relative_error(&dx, &array![8.0, 16.0]) < 1e-12);
    assert!((ds - 5.0).abs() < 1e-12);
}

#[differentiate]
fn carried_from_a_constant(x: f64) -> f64 {
    let mut s = f64::from(1u8);
    for _ in 0..3 {
        s = s * x + 1.0;
    }
    s
}

#[test]
fn a_loop_carried_value_starting_as_a_constant_carries_the_gradient() {
    let (v, (dx,)) = carried_from_a_constant_grad(0.5);
    assert!((v - carried_from_a_constant(0.5)).abs() < 1e-12);
    assert!((dx - numeric_derivative(carried_from_a_constant, 0.5, H)).abs() < 1e-6);
    assert!(dx > 0.5);
}

#[differentiate]
fn passes_a_local(x: &Array1<f64>) -> f64 {
    let t = x * 2.0;
    norm2(&t) + norm2(&t.exp())
}

#[test]
fn a_local_array_passed_by_reference_to_a_differentiated_callee() {
    let x = array![0.5, -0.25];
    let (v, (dx,)) = passes_a_local_grad(&x);
    assert!((v - passes_a_local(&x)).abs() < 1e-12);
    let num = numeric_gradient(passes_a_local, &x, H);
    assert!(max_relative_error(&dx, &num) < 1e-6);
}

#[differentiate]
fn calls_in_a_loop_with_locals(x: &Array1<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..3 {
        let t = x * (i as f64 + 1.0);
        s += passes_a_local(&t);
    }
    s
}

#[test]
fn locals_passed_from_inside_a_loop() {
    let x = array![0.3, 0.1];
    let (v, (dx,)) = calls_in_a_loop_with_locals_grad(&x);
    assert!((v - calls_in_a_loop_with_locals(&x)).abs() < 1e-12);
    let num = numeric_gradient(calls_in_a_loop_with_locals, &x, H);
    assert!(max_relative_error(&dx, &num) < 1e-6);
}

#[differentiate]
fn literal_labels(w: &Array2<f64>) -> f64 {
    let z = w * 2.0;
    let mut s = cross_entropy(&z, &[1, 0]);
    for k in 0..2 {
        let labels = [k, 1 - k];
        s += cross_entropy(&z.exp(), &labels);
    }
    s
}

#[differentiate]
fn literal_labels_caller(w: &Array2<f64>) -> f64 {
    let t = w.sin();
    literal_labels(&t)
}

#[test]
fn a_literal_label_array_also_in_a_loop_and_through_a_call() {
    let w = array![[0.1, -0.4, 0.3], [0.2, 0.05, -0.1]];
    let (v, (dw,)) = literal_labels_grad(&w);
    assert!((v - literal_labels(&w)).abs() < 1e-12);
    let num = numeric_gradient(literal_labels, &w, H);
    assert!(max_relative_error(&dw, &num) < 1e-6);
    let (v, (dw,)) = literal_labels_caller_grad(&w);
    assert!((v - literal_labels_caller(&w)).abs() < 1e-12);
    let num = numeric_gradient(literal_labels_caller, &w, H);
    assert!(max_relative_error(&dw, &num) < 1e-6);
}

#[differentiate]
fn scaled_sum_with_labels(a: f64, labels: &[usize], x: &Array1<f64>) -> f64 {
    a * x.sum() + labels.len() as f64
}

#[differentiate]
fn passes_a_local_next_to_labels(b: f64, labels: &[usize], y: &Array1<f64>) -> f64 {
    let t = y * b;
    let u = scaled_sum_with_labels(b, labels, &t);
    u + scaled_sum_with_labels(b, labels, &(y * u))
}

#[test]
fn a_local_array_passed_to_a_callee_that_also_borrows_labels() {
    let (b, labels, y) = (0.7, [2, 0], array![0.3, -0.2, 0.5]);
    let f = |b: f64, y: &Array1<f64>| passes_a_local_next_to_labels(b, &labels, y);
    let (v, (db, dy)) = passes_a_local_next_to_labels_grad(b, &labels, &y);
    assert!((v - f(b, &y)).abs() < 1e-12);
    assert!((db - numeric_derivative(|b| f(b, &y), b, H)).abs() < 1e-6);
    let num = numeric_gradient(|y: &Array1<f64>| f(b, y), &y, H);
    assert!(max_relative_error(&dy, &num) < 1e-6);
}

#[differentiate]
fn shape_of_a_local_from_a_typed_literal(x: &Array1<f64>) -> f64 {
    let c: f64 = 0.5;
    let v = x / c.exp();
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i];
    }
    s
}

#[test]
fn a_typed_literal_keeps_its_type_for_shape_reads() {
    let x = array![0.3, -0.2, 0.5];
    let (v, (dx,)) = shape_of_a_local_from_a_typed_literal_grad(&x);
    assert!((v - shape_of_a_local_from_a_typed_literal(&x)).abs() < 1e-12);
    let num = numeric_gradient(shape_of_a_local_from_a_typed_literal, &x, H);
    assert!(max_relative_error(&dx, &num) < 1e-6);
}

/// Adjoints passed on by value (their VJP is their last reader): a broadcast operand on the
/// left of `*` and `/` (it gets the cotangent's buffer, summed back to its own shape), the
/// same value on both sides, a transpose, and an elementwise chain. Gradients of `x` and `b`
/// both flow through every such step.
#[differentiate]
fn reused_cotangents(x: &Array2<f64>, b: &Array1<f64>) -> f64 {
    let scaled = b * x;
    let ratio = &scaled / &(b.exp() + 1.0);
    let sq = &ratio * &ratio;
    let t = sq.t().tanh();
    let s = sigmoid(&(&t.t() - &b.sin()));
    (&s * &s.ln()).sum() + (-&ratio).sum()
}

#[test]
fn adjoints_given_by_value_keep_every_gradient() {
    let x = array![[0.3, -0.8, 0.5], [1.1, 0.2, -0.4]];
    let b = array![0.7, -0.3, 0.9];
    let (v, (dx, db)) = reused_cotangents_grad(&x, &b);
    assert!((v - reused_cotangents(&x, &b)).abs() < 1e-12);
    let num_x = numeric_gradient(|x: &Array2<f64>| reused_cotangents(x, &b), &x, H);
    assert!(max_relative_error(&dx, &num_x) < 1e-6, "{dx} vs {num_x}");
    let num_b = numeric_gradient(|b: &Array1<f64>| reused_cotangents(&x, b), &b, H);
    assert!(max_relative_error(&db, &num_b) < 1e-6, "{db} vs {num_b}");
}

mod found_by_writes {
    use autodiff::ndarray::Array1;
    use autodiff::prelude::*;

    #[differentiate]
    pub fn total(x: &Array1<f64>) -> f64 {
        x.sum()
    }

    #[differentiate(wrt(y))]
    pub fn dot(x: &Array1<f64>, y: &Array1<f64>) -> f64 {
        (x * y).sum()
    }
}

/// Found by the random programs once they wrote arrays: a loop's array that is both carried
/// out of an iteration and the left operand of a `+=` there kept its shape on the loop's tape
/// after moving it out (E0382). The kept shapes are now taken before the outgoing values.
#[differentiate]
fn carried_and_shape_kept(sl: &[f64], x: &Array1<f64>, a: f64) -> f64 {
    let mut t4 = Array1::<f64>::zeros(4);
    for i5 in 0..4 {
        t4[i5] = (found_by_writes::total(x) * x[4 - 1 - i5]).tanh();
    }
    if a >= x[2] {
        if x.tanh().mean().unwrap() < a {
            return sl[2];
        }
        t4 = (&t4 * 0.5 + x).tanh();
    }
    let v6 = x.sum();
    for _ in 2..5 {
        t4 += &sigmoid(x);
        if (sl[1] * v6) < x[2] {
            t4 += &x.sin();
            return found_by_writes::dot(&(-x), &(&t4 + a));
        }
    }
    v6 + t4.sum()
}

#[test]
fn an_outgoing_array_whose_shape_is_kept() {
    let x = array![0.3, -0.2, 0.5, 0.1];
    for (sl, a) in [
        ([0.1, 0.2, 0.3], 0.4),
        ([0.1, -5.0, 0.3], 0.1),
        ([0.1, 0.2, 0.7], 2.0),
    ] {
        let (v, (dsl, dx, da)) = carried_and_shape_kept_grad(&sl, &x, a);
        assert!((v - carried_and_shape_kept(&sl, &x, a)).abs() < 1e-12);
        let nx = numeric_gradient(|x: &Array1<f64>| carried_and_shape_kept(&sl, x, a), &x, H);
        assert!(max_relative_error(&dx, &nx) < 1e-6, "{dx} vs {nx}");
        let na = numeric_derivative(|a| carried_and_shape_kept(&sl, &x, a), a, H);
        assert!((da - na).abs() < 1e-6 * (1.0 + na.abs()));
        for k in 0..3 {
            let mut s = sl;
            let ns = numeric_derivative(
                |v| {
                    s[k] = v;
                    carried_and_shape_kept(&s, &x, a)
                },
                sl[k],
                H,
            );
            assert!(
                (dsl[k] - ns).abs() < 1e-6 * (1.0 + ns.abs()),
                "{k}: {} vs {ns}",
                dsl[k]
            );
        }
    }
}

/// A summing loop (its reverse code runs inside the forward loop) reading the shape of an
/// array that a later write or in-place op takes by value: the loop reads the array itself,
/// not the shape binding the later op makes (which did not exist yet: E0425).
#[differentiate]
fn sum_then_exp(w: &Array2<f64>, x: &Array1<f64>) -> f64 {
    let z = w.dot(x);
    let mut s = 0.0;
    for i in 0..z.len() {
        s += z[i];
    }
    let y = z.exp();
    s * y.sum()
}

#[differentiate]
fn sum_then_write(x: &Array1<f64>, y: f64) -> f64 {
    let mut a = x * 2.0;
    let mut s = 0.0;
    for i in 0..3 {
        s += a[i];
    }
    a[0] = y;
    s * a.sum()
}

#[test]
fn a_summing_loop_before_a_write_reads_the_array_itself() {
    let w = array![[0.2, -0.1, 0.4], [0.3, 0.5, -0.2]];
    let x = array![0.3, -0.7, 1.1];
    let (v, (dw, dx)) = sum_then_exp_grad(&w, &x);
    assert!((v - sum_then_exp(&w, &x)).abs() < 1e-12);
    let nw = numeric_gradient(|w: &Array2<f64>| sum_then_exp(w, &x), &w, H);
    let nx = numeric_gradient(|x: &Array1<f64>| sum_then_exp(&w, x), &x, H);
    assert!(max_relative_error(&dw, &nw) < 1e-6, "{dw} vs {nw}");
    assert!(max_relative_error(&dx, &nx) < 1e-6, "{dx} vs {nx}");
    let (v, (dx, dy)) = sum_then_write_grad(&x, 0.4);
    assert!((v - sum_then_write(&x, 0.4)).abs() < 1e-12);
    let nx = numeric_gradient(|x: &Array1<f64>| sum_then_write(x, 0.4), &x, H);
    assert!(max_relative_error(&dx, &nx) < 1e-6, "{dx} vs {nx}");
    let ny = numeric_derivative(|y| sum_then_write(&x, y), 0.4, H);
    assert!((dy - ny).abs() < 1e-6 * (1.0 + ny.abs()), "{dy} vs {ny}");
}

/// Found by the random programs (seed 13, `p110`): a field read beside a call on data
/// (`self.b[0] + helper(0.5)`) was read as data and got no gradient. A call given a float,
/// a constant whose path says `f64`, and a typed binding are floats now; beside a constant or
/// a call of unknown type an integer field stays data (checked: a float there is an error).
const OFFSET: usize = 1;

fn count(k: usize) -> usize {
    k + 1
}

#[differentiate]
fn shifted(a: f64) -> f64 {
    a + 0.9
}

#[derive(Differentiable, Clone, Debug)]
struct Fields {
    #[differentiable(skip)]
    n: usize,
    b: Array1<f64>,
}

impl Fields {
    #[differentiate]
    fn beside_calls_and_constants(&self, x: &Array1<f64>) -> f64 {
        let i = self.n - OFFSET;
        let j = self.n * count(1);
        let c: f64 = std::f64::consts::E;
        let first = shifted(0.5) + self.b[0];
        let second = self.b[1] * std::f64::consts::PI + self.b[2] * c;
        first * first + second * x[i] + self.b[j % 3] * x[0]
    }
}

#[test]
fn fields_beside_calls_and_constants_keep_their_gradient() {
    let m = Fields {
        n: 2,
        b: array![0.3, -0.7, 1.1],
    };
    let x = array![0.4, 1.3, -0.6];
    let (value, (g, dx)) = m.beside_calls_and_constants_grad(&x);
    assert_eq!(value, m.beside_calls_and_constants(&x));
    let num = numeric_gradient(
        |b: &Array1<f64>| {
            let m = Fields { n: 2, b: b.clone() };
            m.beside_calls_and_constants(&x)
        },
        &m.b,
        H,
    );
    assert!(max_relative_error(&g.b, &num) < 1e-6, "{} vs {num}", g.b);
    let num = numeric_gradient(|x: &Array1<f64>| m.beside_calls_and_constants(x), &x, H);
    assert!(max_relative_error(&dx, &num) < 1e-6, "{dx} vs {num}");
}

/// Review of the above: calls given a float that return integers stay data (an index, a
/// `match`), a struct left out of `wrt(..)` reads its float fields as data beside any
/// constant, and a `let` typed `f64` makes a float of any data expression.
fn steps(t: f64) -> usize {
    (t * 4.0) as usize
}

fn mode(t: f64) -> u8 {
    u8::from(t > 0.25)
}

const LR: f64 = 0.5;

#[derive(Differentiable, Clone, Debug)]
struct Config {
    rate: f64,
}

#[differentiate(wrt(x))]
fn data_calls_and_typed_constants(x: &Array1<f64>, cfg: &Config) -> f64 {
    let last = steps(0.5) - 1;
    let picked = match mode(0.5) {
        0 => x[0],
        _ => x[last],
    };
    let scale: f64 = std::f64::consts::PI * std::f64::consts::E;
    cfg.rate * LR * picked + x.sum() * scale
}

#[test]
fn data_calls_and_constants_beside_fields_and_values() {
    let x = array![0.4, 1.3, -0.6];
    let cfg = Config { rate: 0.8 };
    let (value, (dx,)) = data_calls_and_typed_constants_grad(&x, &cfg);
    assert_eq!(value, data_calls_and_typed_constants(&x, &cfg));
    let num = numeric_gradient(
        |x: &Array1<f64>| data_calls_and_typed_constants(x, &cfg),
        &x,
        H,
    );
    assert!(max_relative_error(&dx, &num) < 1e-6, "{dx} vs {num}");
}

/// Weights computed on data by a plain function (`w` is data of a type the macro cannot see).
fn ramp(n: usize) -> Array1<f64> {
    Array1::from_shape_fn(n, |i| 1.0 + 0.5 * i as f64)
}

/// A data array borrowed as an operand (`x * &w`, `x.dot(&w)`), also in a loop and beside
/// the same array by value: each op reads `w` itself. (`&w` once failed to compile: the op
/// was given `&&w`.)
#[differentiate]
fn borrowed_data_operands(x: &Array1<f64>, s: f64) -> f64 {
    let w = ramp(x.len());
    let mut total = (x * &w).sum() + x.dot(&w) * s + (&w * x * s).sum();
    for i in 0..2 {
        total += ((x - &w) * (i as f64 + s)).powi(2).sum();
    }
    total + (x * ramp(x.len())).sum()
}

#[test]
fn a_borrowed_data_array_is_an_operand() {
    let x = array![0.3, -0.7, 1.2];
    let s = 0.6;
    let (v, (dx, ds)) = borrowed_data_operands_grad(&x, s);
    assert!((v - borrowed_data_operands(&x, s)).abs() < 1e-12);
    let num = numeric_gradient(|x: &Array1<f64>| borrowed_data_operands(x, s), &x, H);
    assert!(max_relative_error(&dx, &num) < 1e-6, "{dx} vs {num}");
    let num_s = numeric_derivative(|s| borrowed_data_operands(&x, s), s, H);
    assert!((ds - num_s).abs() < 1e-6 * (1.0 + num_s.abs()));
}

/// Generic differentiated callees.
#[differentiate]
fn lane_energy<T: Float>(v: ArrayView1<T>) -> T {
    (&v * &v).sum()
}

#[differentiate]
fn energy<T: Float>(v: &Array1<T>) -> T {
    (v * v).sum()
}

/// A concrete function calls generic ones without a turbofish: on a parameter, on parts of a
/// parameter and of a local, on `.view()`s, and with one. (Once rustc could not infer the
/// callee's `T`, E0283, and `z.view()` was passed as `z`.)
#[differentiate]
fn generic_callees(x: &Array2<f64>, z: &Array1<f64>) -> f64 {
    let y = x * 2.0;
    energy(z)
        + lane_energy(y.row(0))
        + lane_energy(x.row(1))
        + energy::<f64>(z)
        + lane_energy(z.view())
        + lane_energy(y.view().row(1))
}

#[test]
fn concrete_callers_of_generic_functions() {
    let x = array![[0.5, -1.0], [1.5, 0.25]];
    let z = array![0.3, -0.7];
    let (v, (dx, dz)) = generic_callees_grad(&x, &z);
    assert!((v - generic_callees(&x, &z)).abs() < 1e-12);
    let nx = numeric_gradient(|x: &Array2<f64>| generic_callees(x, &z), &x, H);
    let nz = numeric_gradient(|z: &Array1<f64>| generic_callees(&x, z), &z, H);
    assert!(max_relative_error(&dx, &nx) < 1e-6, "{dx} vs {nx}");
    assert!(max_relative_error(&dz, &nz) < 1e-6, "{dz} vs {nz}");
}

#[differentiate]
fn slice_product(v: &[f64]) -> f64 {
    v[0] * v[1]
}

#[differentiate]
fn view_energy<T: Float>(v: &ArrayView1<T>) -> T {
    (v * v).sum()
}

/// Arguments a call coerces (`&Vec<f64>` and `&[f64; 2]` to `&[f64]`), and `&z.view()`.
/// (Naming a generic callee through `like` once took the coercion away: E0308.)
#[allow(clippy::ptr_arg)] // a `&Vec` parameter on purpose: the call coerces it
#[differentiate]
fn coerced_arguments(s: &Vec<f64>, a: &[f64; 2], z: &Array1<f64>) -> f64 {
    slice_product(s) * slice_product(a) + view_energy(&z.view()) * s[0]
}

#[test]
fn calls_coerce_their_arguments() {
    let (s, a, z) = (vec![0.4, 0.9], [1.5, -0.5], array![0.3, -0.7]);
    let (v, (ds, da, dz)) = coerced_arguments_grad(&s, &a, &z);
    assert!((v - coerced_arguments(&s, &a, &z)).abs() < 1e-12);
    let ns = numeric_gradient(
        |s: &Array1<f64>| coerced_arguments(&s.to_vec(), &a, &z),
        &Array1::from(s.clone()),
        H,
    );
    let na = numeric_gradient(
        |a: &Array1<f64>| coerced_arguments(&s, &[a[0], a[1]], &z),
        &Array1::from(a.to_vec()),
        H,
    );
    let nz = numeric_gradient(|z: &Array1<f64>| coerced_arguments(&s, &a, z), &z, H);
    assert!(max_relative_error(&Array1::from(ds), &ns) < 1e-6);
    assert!(max_relative_error(&Array1::from(da.to_vec()), &na) < 1e-6);
    assert!(max_relative_error(&dz, &nz) < 1e-6);
}
