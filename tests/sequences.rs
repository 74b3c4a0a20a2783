//! API v2 section 4: float slices, `Vec`s and fixed-size arrays as parameters, active by
//! default, read with `x[i]` and `x.len()`, with gradients of the parameter's own kind, against
//! finite differences of the original function.
// The forms API v2 names (`&Vec<f64>`), written as users write loops over indices.
#![allow(clippy::ptr_arg, clippy::type_complexity, clippy::needless_range_loop)]
use autodiff::check::numeric_derivative;
use autodiff::ndarray::{array, Array1};
use autodiff::prelude::*;

const H: f64 = 1e-6;

/// `∂f/∂x[k]` for every `k`, by central differences on a copy.
fn numeric(f: impl Fn(&[f64]) -> f64, x: &[f64]) -> Vec<f64> {
    (0..x.len())
        .map(|k| {
            numeric_derivative(
                |v| {
                    let mut y = x.to_vec();
                    y[k] = v;
                    f(&y)
                },
                x[k],
                H,
            )
        })
        .collect()
}

fn close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len()
        && a.iter()
            .zip(b)
            .all(|(a, b)| (a - b).abs() < 1e-6 * (1.0 + b.abs()))
}

#[differentiate]
fn chain(x: &[f64], w: f64) -> f64 {
    let mut total = 0.0;
    for i in 0..x.len() - 1 {
        total += (x[i] * x[i + 1]).sin() * w;
    }
    total + x[0] * x[x.len() - 1]
}

#[test]
fn a_slice_gives_a_vec_gradient() {
    let x = vec![0.3, -0.7, 1.1, 0.4];
    let (v, (dx, dw)): (f64, (Vec<f64>, f64)) = chain_grad(&x, 1.5);
    assert!((v - chain(&x, 1.5)).abs() < 1e-12);
    assert!(close(&dx, &numeric(|x| chain(x, 1.5), &x)), "{dx:?}");
    assert!((dw - numeric_derivative(|w| chain(&x, w), 1.5, H)).abs() < 1e-6);
    // The vjp scales it.
    let (_, (sx, _)) = chain_vjp(&x, 1.5, 2.0);
    assert!(close(&sx, &dx.iter().map(|d| 2.0 * d).collect::<Vec<_>>()));
}

#[differentiate]
fn weighted(x: Vec<f64>, w: &Vec<f64>, c: [f64; 3]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * w[i] * c[i % 3];
    }
    s + c[2].exp()
}

#[differentiate]
fn single_precision(d: &[f32; 2], e: &[f32]) -> f32 {
    d[0] * d[1] + e[0].sin()
}

#[test]
fn vecs_and_fixed_arrays_give_gradients_of_their_own_kind() {
    let (x, w, c) = (
        vec![0.5, -1.0, 2.0, 0.25],
        vec![1.5, 0.5, -0.5, 2.0],
        [0.2, 0.3, -0.4],
    );
    let (v, (dx, dw, dc)): (f64, (Vec<f64>, Vec<f64>, [f64; 3])) = weighted_grad(x.clone(), &w, c);
    assert!((v - weighted(x.clone(), &w, c)).abs() < 1e-12);
    assert!(close(&dx, &numeric(|x| weighted(x.to_vec(), &w, c), &x)));
    assert!(close(
        &dw,
        &numeric(|w| weighted(x.clone(), &w.to_vec(), c), &w)
    ));
    let nc = numeric(|c| weighted(x.clone(), &w, [c[0], c[1], c[2]]), &c);
    assert!(close(&dc, &nc), "{dc:?} vs {nc:?}");
    let (v32, (dd, de)): (f32, ([f32; 2], Vec<f32>)) = single_precision_grad(&[1.5, -2.0], &[0.5]);
    assert_eq!(v32, single_precision(&[1.5, -2.0], &[0.5]));
    assert_eq!(dd, [-2.0, 1.5]);
    assert!((de[0] - 0.5_f32.cos()).abs() < 1e-6);
}

#[differentiate(wrt(x))]
fn with_labels(x: &[f64], labels: &[usize], v: &Array1<f64>) -> f64 {
    x[labels[0]] * v[1] + x[labels[1]]
}

#[test]
fn integer_slices_stay_data_and_wrt_picks_a_slice() {
    let (val, (dx,)) = with_labels_grad(&[1.0, 2.0, 3.0], &[2, 0], &array![0.0, 5.0]);
    assert_eq!(val, 16.0);
    assert_eq!(dx, vec![1.0, 0.0, 5.0]);
}

mod helpers {
    use autodiff::prelude::*;

    #[differentiate]
    pub fn norm2(v: &[f64]) -> f64 {
        let mut s = 0.0;
        for i in 0..v.len() {
            s += v[i] * v[i];
        }
        s
    }
}

#[differentiate]
fn calls_with_a_slice(x: &[f64], a: f64) -> f64 {
    helpers::norm2(x) * a + x[1]
}

#[test]
fn a_slice_passes_to_a_differentiated_callee() {
    let x = vec![0.5, -1.5, 2.0];
    let (v, (dx, da)) = calls_with_a_slice_grad(&x, 3.0);
    assert!((v - calls_with_a_slice(&x, 3.0)).abs() < 1e-12);
    assert_eq!(dx, vec![3.0, -8.0, 12.0]);
    assert_eq!(da, 6.5);
}

mod owned {
    use autodiff::prelude::*;

    /// Reads a `Vec` by reference, as a helper of code that owns one does.
    #[differentiate(jvp)]
    pub fn weigh(v: &Vec<f64>, w: f64) -> f64 {
        v[0] * v[1] * w + v[2]
    }

    /// Takes the `Vec` by value.
    #[differentiate(jvp)]
    pub fn consume(v: Vec<f64>) -> f64 {
        v[0].sin() + v[2] * v[2]
    }
}

/// An owned `Vec` parameter (which the tape moves into an array) passed on by reference and
/// by value and as `v.clone()`: the callees get a `Vec` again (E0308 before: `&Array1` for
/// `&Vec`).
#[differentiate(jvp)]
fn owns_a_vec(v: Vec<f64>, w: f64) -> f64 {
    owned::weigh(&v, w) * owned::consume(v.clone()) + owned::consume(v)
}

#[test]
fn an_owned_vec_passes_to_differentiated_callees() {
    let (x, w) = (vec![0.5, -1.5, 2.0], 0.7);
    let f = |x: &[f64]| owns_a_vec(x.to_vec(), w);
    let (v, (dx, dw)) = owns_a_vec_grad(x.clone(), w);
    assert!((v - f(&x)).abs() < 1e-12);
    assert!(close(&dx, &numeric(f, &x)), "{dx:?}");
    let dw_numeric = numeric_derivative(|w| owns_a_vec(x.clone(), w), w, H);
    assert!((dw - dw_numeric).abs() < 1e-6, "{dw} vs {dw_numeric}");
    let t = vec![0.3, 0.2, -0.1];
    let (_, dir) = owns_a_vec_jvp(x.clone(), w, (t.clone(), 0.5));
    let want: f64 = dx.iter().zip(&t).map(|(g, t)| g * t).sum::<f64>() + dw * 0.5;
    assert!((dir - want).abs() < 1e-9, "{dir} vs {want}");
}
