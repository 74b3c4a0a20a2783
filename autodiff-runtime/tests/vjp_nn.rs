//! The VJPs of `softmax`, `log_softmax` and `cross_entropy` checked against central finite
//! differences (the method is in `fd/mod.rs`), and their numerics at extreme inputs.
mod fd;

use autodiff_runtime::*;
use fd::*;
use ndarray::{array, Array1, Array2};

// ---------------------------------------------------------------------------------------
// softmax, log_softmax, cross_entropy
// ---------------------------------------------------------------------------------------

#[test]
fn softmax_and_log_softmax() {
    let rng = &mut rng();
    macro_rules! both {
        ($x:expr) => {{
            let x = $x;
            check_unary(
                "softmax",
                &x,
                |x| softmax(x),
                |_, y, g| same(softmax_vjp(y, g), softmax_vjp(y, g.clone())),
                rng,
            );
            check_unary(
                "log_softmax",
                &x,
                |x| log_softmax(x),
                |_, y, g| same(log_softmax_vjp(y, g), log_softmax_vjp(y, g.clone())),
                rng,
            );
        }};
    }
    both!(uniform(rng, 5, -3.0, 3.0));
    both!(uniform(rng, (3, 4), -3.0, 3.0));
    both!(uniform(rng, (2, 3, 4), -3.0, 3.0));
    // On a transposed view (softmax over the logical last axis). The VJP reads the output,
    // here also through a transposed view: `y` copied into the other memory order.
    let z = uniform(rng, (4, 3), -3.0, 3.0);
    check_unary(
        "softmax(view)",
        &z,
        |z| softmax(&z.t()),
        |_, y, g| {
            let yt = y.t().as_standard_layout().into_owned();
            same(softmax_vjp(&yt.t(), g), softmax_vjp(y, g))
                .t()
                .to_owned()
        },
        rng,
    );
}

#[test]
fn cross_entropy_gradients() {
    let rng = &mut rng();
    // [B, C] logits with B labels.
    let z = uniform(rng, (4, 5), -3.0, 3.0);
    let labels = [0, 4, 2, 2];
    check_unary(
        "cross_entropy",
        &z,
        |z| cross_entropy(z, &labels),
        |z, _, g| cross_entropy_vjp(z, &labels, g),
        rng,
    );
    // [C] logits with one label.
    let z = uniform(rng, 5, -3.0, 3.0);
    check_unary(
        "cross_entropy",
        &z,
        |z| cross_entropy(z, &[3]),
        |z, _, g| cross_entropy_vjp(z, &[3], g),
        rng,
    );
    // [2, 3, C] logits: 6 rows.
    let z = uniform(rng, (2, 3, 4), -3.0, 3.0);
    let labels = [0, 1, 2, 3, 3, 0];
    check_unary(
        "cross_entropy",
        &z,
        |z| cross_entropy(z, &labels),
        |z, _, g| cross_entropy_vjp(z, &labels, g),
        rng,
    );
    // A transposed view: logits [3, 4] read from a [4, 3] array.
    let z = uniform(rng, (4, 3), -3.0, 3.0);
    let labels = [1, 0, 3];
    check_unary(
        "cross_entropy(view)",
        &z,
        |z| cross_entropy(&z.t(), &labels),
        |z, _, g| cross_entropy_vjp(&z.t(), &labels, g).t().to_owned(),
        rng,
    );
}

/// The fused pair the macro uses where the loss needs a gradient: the same loss, and the
/// VJP from the kept probabilities, for every logit layout above.
#[test]
fn cross_entropy_saving_and_its_vjp() {
    let rng = &mut rng();
    let z = uniform(rng, (4, 5), -3.0, 3.0);
    let labels = [0, 4, 2, 2];
    check_unary(
        "cross_entropy_saving",
        &z,
        |z| cross_entropy_saving(z, &labels).0,
        |z, _, g| cross_entropy_saved_vjp(cross_entropy_saving(z, &labels).1, g),
        rng,
    );
    let z = uniform(rng, 5, -3.0, 3.0);
    check_unary(
        "cross_entropy_saving",
        &z,
        |z| cross_entropy_saving(z, &[3]).0,
        |z, _, g| cross_entropy_saved_vjp(cross_entropy_saving(z, &[3]).1, g),
        rng,
    );
    let z = uniform(rng, (2, 3, 4), -3.0, 3.0);
    let labels = [0, 1, 2, 3, 3, 0];
    check_unary(
        "cross_entropy_saving",
        &z,
        |z| cross_entropy_saving(z, &labels).0,
        |z, _, g| cross_entropy_saved_vjp(cross_entropy_saving(z, &labels).1, g),
        rng,
    );
    let z = uniform(rng, (4, 3), -3.0, 3.0);
    let labels = [1, 0, 3];
    check_unary(
        "cross_entropy_saving(view)",
        &z,
        |z| cross_entropy_saving(&z.t(), &labels).0,
        |z, _, g| {
            cross_entropy_saved_vjp(cross_entropy_saving(&z.t(), &labels).1, g)
                .t()
                .to_owned()
        },
        rng,
    );
    // Both forwards give the same loss, finite for huge logits.
    let z: ndarray::Array2<f64> = ndarray::array![[1e4, -1e4, 0.0], [0.0, 0.0, 0.0]];
    let (loss, saved) = cross_entropy_saving(&z, &[1, 2]);
    assert_eq!(loss, cross_entropy(&z, &[1, 2]));
    let dz = cross_entropy_saved_vjp(saved, &1.0);
    assert_eq!(dz, cross_entropy_vjp(&z, &[1, 2], &1.0));
    assert!(dz.iter().all(|v| v.is_finite()));
}

/// Owned logits (the generated code's last read of them) give what borrowed ones give, in
/// standard layout (computed in their buffer) or not (copied first), at any rank.
#[test]
fn cross_entropy_saving_owned_logits() {
    use ndarray::ShapeBuilder;
    let rng = &mut rng();
    let z = uniform(rng, (4, 5), -3.0, 3.0);
    let labels = [0, 4, 2, 2];
    let column_major = ndarray::Array2::from_shape_vec((4, 5).f(), z.t().iter().copied().collect())
        .expect("20 values for a 4x5 matrix");
    assert_eq!(column_major, z);
    for owned in [z.clone(), column_major] {
        let (loss, saved) = cross_entropy_saving(&z, &labels);
        let (owned_loss, owned_saved) = cross_entropy_saving(owned, &labels);
        assert_eq!(loss, owned_loss);
        assert_eq!(
            cross_entropy_saved_vjp(saved, &0.5),
            cross_entropy_saved_vjp(owned_saved, &0.5)
        );
    }
    let z = uniform(rng, (2, 3, 4), -3.0, 3.0);
    let labels = [0, 1, 2, 3, 3, 0];
    let (loss, saved) = cross_entropy_saving(&z, &labels);
    let (owned_loss, owned_saved) = cross_entropy_saving(z.clone(), &labels);
    assert_eq!(loss, owned_loss);
    let (dz, owned_dz) = (
        cross_entropy_saved_vjp(saved, &1.0),
        cross_entropy_saved_vjp(owned_saved, &1.0),
    );
    assert_eq!(dz.shape(), z.shape());
    assert_eq!(dz, owned_dz);
}

// ---------------------------------------------------------------------------------------
// Numerics
// ---------------------------------------------------------------------------------------

#[test]
fn sigmoid_extremes_are_finite() {
    for x in [1e3_f64, -1e3] {
        let y = sigmoid(&x);
        assert!(y.is_finite(), "sigmoid({x}) = {y}");
        let d = sigmoid_vjp(&y, &1.0);
        assert!(d.is_finite(), "sigmoid'({x}) = {d}");
        assert!(d.abs() < 1e-300);
    }
    assert_eq!(sigmoid(&1e3_f64), 1.0);
    assert_eq!(sigmoid(&-1e3_f64), 0.0);
    let x = array![1e3_f32, -1e3, 0.0];
    let y = sigmoid(&x);
    assert_eq!(y, array![1.0, 0.0, 0.5]);
    assert!(sigmoid_vjp(&y, &Array1::ones(3))
        .iter()
        .all(|v| v.is_finite()));
}

#[test]
fn cross_entropy_huge_logits() {
    let z = array![[1e4_f64, -1e4, 0.0], [-1e4, 1e4, 1e4]];
    let labels = [1, 2];
    let loss = cross_entropy(&z, &labels);
    assert!(loss.is_finite());
    // Row 0: -log softmax = 1e4 - (-1e4) = 2e4. Row 1: ln 2.
    let want = (2e4 + 2f64.ln()) / 2.0;
    assert!((loss - want).abs() < 1e-9, "{loss} vs {want}");
    // (softmax - onehot) / B.
    let d = cross_entropy_vjp(&z, &labels, &1.0);
    let want = array![[1.0, -1.0, 0.0], [0.0, 0.5, -0.5]] / 2.0;
    assert!(d.iter().all(|v| v.is_finite()));
    assert_close(&d, &want, 1e-12);
    // The output adjoint scales the gradient.
    let d3 = cross_entropy_vjp(&z, &labels, &3.0);
    assert_close(&d3, &(want * 3.0), 1e-12);
}

#[test]
fn softmax_of_equal_logits_is_uniform() {
    // Exactly uniform however large the common logit: the max is subtracted before anything
    // is rounded together with it.
    for c in [0.0, 7.5, -1e4, 1e4, 1e300] {
        let p = softmax(&Array1::from_elem(4, c));
        assert_close(&p, &Array1::from_elem(4, 0.25), 1e-15);
        let p = softmax(&Array2::from_elem((2, 5), c));
        assert_close(&p, &Array2::from_elem((2, 5), 0.2), 1e-15);
        let l = log_softmax(&Array1::from_elem(4, c));
        assert_close(&l, &Array1::from_elem(4, -(4f64.ln())), 1e-15);
        let loss = cross_entropy(&Array2::from_elem((2, 4), c), &[0, 3]);
        assert!((loss - 4f64.ln()).abs() < 1e-15, "{loss}");
    }
    for c in [1e4_f32, 1e8] {
        let p = softmax(&Array1::from_elem(4, c));
        assert!(p.iter().all(|&v| v == 0.25), "f32 softmax of {c}: {p}");
        let l = log_softmax(&Array1::from_elem(4, c));
        assert!(l.iter().all(|&v| (v + 4f32.ln()).abs() < 1e-6), "{l}");
        let loss = cross_entropy(&Array1::from_elem(4, c), &[1]);
        assert!((loss - 4f32.ln()).abs() < 1e-6, "{loss}");
    }
    // f32 logits near 1e4 with an O(1) spread keep f32 accuracy.
    let p = softmax(&array![1e4_f32, 1e4 + 1.0, 1e4 - 1.0]);
    let want = softmax(&array![0.0_f64, 1.0, -1.0]);
    for (&p, &w) in p.iter().zip(&want) {
        assert!((f64::from(p) - w).abs() < 1e-6, "{p} vs {w}");
    }
}

#[test]
fn log_softmax_huge_spread_is_finite() {
    let z = array![[1e4_f64, 0.0, -1e4], [-5e3, 5e3, 0.0]];
    let y = log_softmax(&z);
    assert!(y.iter().all(|v| v.is_finite()), "{y}");
    assert_close(&y, &array![[0.0, -1e4, -2e4], [-1e4, 0.0, -5e3]], 1e-9);
    let g = Array2::ones((2, 3));
    let d = log_softmax_vjp(&y, &g);
    assert!(d.iter().all(|v| v.is_finite()), "{d}");
    // g - softmax * Σg, softmax one-hot at the max.
    assert_close(&d, &array![[-2.0, 1.0, 1.0], [1.0, -2.0, 1.0]], 1e-12);
    let p = softmax(&z);
    assert!(p.iter().all(|v| v.is_finite()));
    let d = softmax_vjp(&p, &g);
    assert!(d.iter().all(|v| v.is_finite()));
}
