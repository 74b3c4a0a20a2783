//! API v2 section 1: arrays built and written inside a body, against finite differences of
//! the original function, and the exact semantics of overwrites (an overwritten element's
//! old value gets nothing from what replaced it; a value read before a write keeps its own
//! gradient).
use autodiff::check::{max_relative_error, numeric_derivative, numeric_gradient};
use autodiff::ndarray::{array, s, Array1, Array2};
use autodiff::prelude::*;

const H: f64 = 1e-6;

/// The example of API v2 section 1.
#[differentiate]
fn gmm_like(x: &Array2<f64>, means: &Array2<f64>, alphas: &Array1<f64>) -> f64 {
    let (n, k) = (x.nrows(), means.nrows());
    let mut total = 0.0;
    for i in 0..n {
        let mut terms = Array1::zeros(k);
        for j in 0..k {
            let xc = &x.row(i) - &means.row(j);
            terms[j] = alphas[j] - 0.5 * (&xc * &xc).sum();
        }
        total += logsumexp(&terms);
    }
    total
}

#[test]
fn the_gmm_like_example() {
    let x = array![[0.1, -0.5], [1.2, 0.4], [-0.3, 0.8]];
    let means = array![[0.0, 0.2], [1.0, -0.1], [0.5, 0.5], [-1.0, 0.0]];
    let alphas = array![0.5, -0.3, 0.1, 0.2];
    let (v, (dx, dm, da)) = gmm_like_grad(&x, &means, &alphas);
    assert!((v - gmm_like(&x, &means, &alphas)).abs() < 1e-12);
    let nx = numeric_gradient(|x: &Array2<f64>| gmm_like(x, &means, &alphas), &x, H);
    let nm = numeric_gradient(|m: &Array2<f64>| gmm_like(&x, m, &alphas), &means, H);
    let na = numeric_gradient(|a: &Array1<f64>| gmm_like(&x, &means, a), &alphas, H);
    assert!(max_relative_error(&dx, &nx) < 1e-6);
    assert!(max_relative_error(&dm, &nm) < 1e-6);
    assert!(max_relative_error(&da, &na) < 1e-6);
}

#[differentiate]
fn overwrite(x: &Array1<f64>, w: f64) -> f64 {
    let mut a = x.to_owned();
    let before = a[1] * w; // read before the write: keeps x[1]'s gradient
    a[1] = w * w; // x[1] is gone from `a`
    a[2] += a[0] * 3.0;
    a[[0]] -= w;
    a[0] *= 2.0;
    a[2] /= 4.0;
    a.sum() + before
}

#[test]
fn overwritten_elements_and_earlier_reads() {
    let x = array![0.3, -0.7, 1.1];
    let w = 0.9;
    let (v, (dx, dw)) = overwrite_grad(&x, w);
    assert!((v - overwrite(&x, w)).abs() < 1e-12);
    // a = [2 (x0 - w), w², (x2 + 3 x0) / 4]; sum + x1 w
    assert!(
        max_relative_error(&dx, &array![2.0 + 0.75, w, 0.25]) < 1e-12,
        "{dx}"
    );
    let nw = numeric_derivative(|w| overwrite(&x, w), w, H);
    assert!((dw - nw).abs() < 1e-6);
}

#[differentiate]
fn filled(x: &Array1<f64>) -> f64 {
    let n = x.len();
    let mut a = Array1::<f64>::zeros(n - 1);
    for i in 0..n - 1 {
        a[i] = x[i] * x[i + 1];
    }
    let mut m = Array2::from_elem((2, n - 1), x[0]);
    m.row_mut(1).assign(&a);
    m.column_mut(0).assign(&(Array1::ones(2) * 2.0));
    m.slice_mut(s![.., 1..]).assign(&(&a.slice(s![1..]) * 0.5));
    let mut acc = m.clone();
    acc += &m;
    acc *= 0.5;
    acc.sum() + a.sum()
}

#[test]
fn fills_rows_columns_slices_and_whole_array_updates() {
    let x = array![0.3, -0.7, 1.1, 0.4];
    let (v, (dx,)) = filled_grad(&x);
    assert!((v - filled(&x)).abs() < 1e-12);
    let nx = numeric_gradient(filled, &x, H);
    assert!(max_relative_error(&dx, &nx) < 1e-6, "{dx} vs {nx}");
}

#[differentiate]
fn writes_in_branches(x: &Array1<f64>, c: f64) -> f64 {
    let mut a = Array1::ones(x.len());
    for i in 0..x.len() {
        if x[i] > c {
            a[i] = x[i].exp();
        } else {
            a[i] = c * x[i];
        }
        if i > 0 {
            a[i] += a[i - 1];
        }
    }
    let mut b = Array1::from_elem(3, c);
    b[0] = a[x.len() - 1];
    (a * 2.0).sum() + b.sum()
}

#[test]
fn writes_inside_branches_and_loops() {
    let x = array![0.3, -0.7, 1.1, 0.4];
    for c in [-1.0, 0.35, 2.0] {
        let (v, (dx, dc)) = writes_in_branches_grad(&x, c);
        assert!((v - writes_in_branches(&x, c)).abs() < 1e-12);
        let nx = numeric_gradient(|x: &Array1<f64>| writes_in_branches(x, c), &x, H);
        assert!(max_relative_error(&dx, &nx) < 1e-6, "{c}: {dx} vs {nx}");
        let nc = numeric_derivative(|c| writes_in_branches(&x, c), c, H);
        assert!(
            (dc - nc).abs() < 1e-6 * (1.0 + nc.abs()),
            "{c}: {dc} vs {nc}"
        );
    }
}

/// Writes whose array shares the result's adjoint slot (`emit/share.rs`): a recurrence that
/// reads the carried array before writing it, two writes per iteration, the written array
/// read after the write, a row assigned per iteration of a nested loop, and an entry array
/// that is itself differentiated (the shared slot hands its adjoint to the entry).
#[differentiate]
fn shared_slots(x: &Array1<f64>, m: &Array2<f64>) -> f64 {
    let n = x.len();
    let mut a = x.to_owned();
    for i in 1..n {
        a[i] = a[i - 1] * x[i] + a[i].sin();
    }
    let mut b = Array1::<f64>::zeros(2 * n);
    let mut s = 0.0;
    for i in 0..n {
        b[2 * i] = x[i] * x[i];
        b[2 * i + 1] = a[i].exp();
        s += b.sum() * 0.1;
    }
    let mut c = m.to_owned();
    for _ in 0..2 {
        for r in 0..c.nrows() {
            let row = &c.row(r) * 0.5 + x.slice(s![..c.ncols()]);
            c.row_mut(r).assign(&row);
        }
    }
    a.sum() + b.sum() + s + c.sum()
}

#[test]
fn writes_sharing_their_arrays_adjoint() {
    let x = array![0.3, -0.7, 1.1, 0.4];
    let m = array![[0.2, -0.1, 0.5], [1.0, 0.3, -0.4]];
    let (v, (dx, dm)) = shared_slots_grad(&x, &m);
    assert!((v - shared_slots(&x, &m)).abs() < 1e-12);
    let nx = numeric_gradient(|x: &Array1<f64>| shared_slots(x, &m), &x, H);
    let nm = numeric_gradient(|m: &Array2<f64>| shared_slots(&x, m), &m, H);
    assert!(max_relative_error(&dx, &nx) < 1e-6, "{dx} vs {nx}");
    assert!(max_relative_error(&dm, &nm) < 1e-6, "{dm} vs {nm}");
}
