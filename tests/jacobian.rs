//! `#[differentiate(jacobian)]` (API v2 section 7): `NAME_jacobian` against central finite
//! differences of the original function, for scalar, 1-D (array, slice, `Vec`, `[T; N]`)
//! and 2-D parameters, with `wrt(..)`, in f64 and f32.
#![allow(clippy::type_complexity)] // the test spells out the documented block types
use autodiff::ndarray::{array, s, Array1, Array2, ArrayD};
use autodiff::prelude::*;

const H: f64 = 1e-6;

#[differentiate(jacobian)]
fn field(s: f64, v: &Array1<f64>, m: &Array2<f64>, q: &[f64]) -> Array1<f64> {
    let t = m.dot(v) * s + v.sin();
    t * q[0] + v * q[1] * q[1]
}

/// Central differences of every output element in one input element.
fn column(f: impl Fn(f64) -> Array1<f64>, at: f64) -> Array1<f64> {
    (f(at + H) - f(at - H)) / (2.0 * H)
}

fn assert_close(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert!(
            (g - w).abs() < 1e-6 * (1.0 + w.abs()),
            "{got:?}\n vs {want:?}"
        );
    }
}

#[test]
fn every_block_against_finite_differences() {
    let s = 0.7;
    let v = array![0.3, -0.4, 1.2];
    let m = array![[0.5, -1.0, 0.2], [0.1, 0.3, -0.7], [1.5, 0.0, 0.4]];
    let q = vec![1.3, -0.6];
    let (y, (js, jv, jm, jq)): (
        Array1<f64>,
        (Array1<f64>, Array2<f64>, ArrayD<f64>, Array2<f64>),
    ) = field_jacobian(s, &v, &m, &q);
    assert_eq!(y, field(s, &v, &m, &q));
    assert_eq!(
        (js.shape(), jv.shape(), jm.shape(), jq.shape()),
        (&[3][..], &[3, 3][..], &[3, 3, 3][..], &[3, 2][..])
    );
    assert_close(
        js.as_slice().unwrap(),
        column(|s| field(s, &v, &m, &q), s).as_slice().unwrap(),
    );
    for i in 0..3 {
        let num = column(
            |x| {
                let mut v = v.clone();
                v[i] = x;
                field(s, &v, &m, &q)
            },
            v[i],
        );
        assert_close(&jv.column(i).to_vec(), num.as_slice().unwrap());
        for j in 0..3 {
            let num = column(
                |x| {
                    let mut m = m.clone();
                    m[[i, j]] = x;
                    field(s, &v, &m, &q)
                },
                m[[i, j]],
            );
            let got: Vec<f64> = (0..3).map(|k| jm[[k, i, j]]).collect();
            assert_close(&got, num.as_slice().unwrap());
        }
    }
    for i in 0..2 {
        let num = column(
            |x| {
                let mut q = q.clone();
                q[i] = x;
                field(s, &v, &m, &q)
            },
            q[i],
        );
        assert_close(&jq.column(i).to_vec(), num.as_slice().unwrap());
    }
}

#[differentiate(wrt(x), jacobian)]
fn residuals(x: [f32; 2], data: &Array1<f32>) -> Array1<f32> {
    data * x[0] - x[1] * x[1]
}

#[test]
fn wrt_and_single_precision() {
    let data = array![1.0_f32, 2.0, 3.0];
    let (y, (jx,)) = residuals_jacobian([0.5, 2.0], &data);
    assert_eq!(y, array![-3.5_f32, -3.0, -2.5]);
    assert_eq!(jx, array![[1.0_f32, -4.0], [2.0, -4.0], [3.0, -4.0]]);
}

#[differentiate(jacobian)]
fn empty_output(v: &Array1<f64>) -> Array1<f64> {
    v.slice(s![0..0]).to_owned()
}

#[test]
fn an_empty_output_gives_blocks_with_no_rows() {
    let (y, (j,)) = empty_output_jacobian(&array![1.0, 2.0]);
    assert_eq!(y.len(), 0);
    assert_eq!(j.shape(), &[0, 2]);
}

/// A body with a branch, a loop, a view and writes into a local array: its rows share one forward
/// sweep (the reverse sweep's closure, copied for every row but the last).
#[differentiate(jacobian)]
fn stepped(x: &Array1<f64>, k: f64) -> Array1<f64> {
    let n = x.len();
    let mut y = Array1::<f64>::zeros(n);
    let mut carry = k;
    for i in 0..n {
        if x[i] > 0.0 {
            carry = carry * x[i] + k.sin();
        } else {
            carry -= x[i] * x[i];
        }
        y[i] = carry * x[(i + 1) % n];
    }
    // A view the body makes, read in the reverse sweep (the closure keeps a copy of it).
    let tail = x.slice(s![1..]);
    y[0] += (&tail * &tail).sum() * k;
    y
}

/// A body that calls another differentiated function: its callee's pullback cannot be
/// copied, so its rows call `NAME_vjp` (a forward sweep each).
#[differentiate]
fn squash(a: f64, b: f64) -> f64 {
    (a * b).tanh()
}

#[differentiate(jacobian)]
fn calling(x: &Array1<f64>, k: f64) -> Array1<f64> {
    let mut y = Array1::<f64>::zeros(3);
    y[0] = squash(x[0], k);
    y[1] = squash(x[1], x[0]) * k;
    y[2] = x[2].exp() + squash(k, k);
    y
}

/// `f`'s Jacobian blocks for `x` and `k` against central differences of `f`.
fn check_blocks(
    f: impl Fn(&Array1<f64>, f64) -> Array1<f64>,
    jacobian: impl Fn(&Array1<f64>, f64) -> (Array1<f64>, (Array2<f64>, Array1<f64>)),
) {
    let x = array![0.6, -0.3, 0.9];
    let k = 0.8;
    let (y, (jx, jk)) = jacobian(&x, k);
    assert_eq!(y, f(&x, k));
    assert_eq!(jx.shape(), &[3, 3]);
    assert_close(
        jk.as_slice().unwrap(),
        column(|k| f(&x, k), k).as_slice().unwrap(),
    );
    for i in 0..3 {
        let num = column(
            |t| {
                let mut x = x.clone();
                x[i] = t;
                f(&x, k)
            },
            x[i],
        );
        assert_close(&jx.column(i).to_vec(), num.as_slice().unwrap());
    }
}

#[test]
fn rows_sharing_one_forward_sweep_against_finite_differences() {
    check_blocks(stepped, stepped_jacobian);
}

#[test]
fn rows_through_a_callee_against_finite_differences() {
    check_blocks(calling, calling_jacobian);
}
