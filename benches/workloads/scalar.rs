//! The scalar workloads shared by `benches/scalar.rs` and `peers/benches/peers.rs`: the seed
//! function and the chained Rosenbrock function (n = 32), each with its careful hand-written
//! gradient. Included with `#[path]` (not a bench target of its own).
use autodiff::ndarray::Array1;
use autodiff::prelude::*;

/// The seed function: `ln x1 + x1 x2 - sin x2`.
#[differentiate]
pub fn f(x1: f64, x2: f64) -> f64 {
    x1.ln() + x1 * x2 - x2.sin()
}

/// The seed function's value and gradient by hand: `(1/x1 + x2, x1 - cos x2)`, with one
/// `sin_cos` for both trigonometric terms.
#[inline(never)]
pub fn f_hand(x1: f64, x2: f64) -> (f64, (f64, f64)) {
    let (s, c) = x2.sin_cos();
    (x1.ln() + x1 * x2 - s, (1.0 / x1 + x2, x1 - c))
}

pub const N: usize = 32;

/// Chained Rosenbrock, `Σ_{i<n-1} 100 (x[i+1] - x[i]²)² + (1 - x[i])²`, as a loop.
#[differentiate]
pub fn rosen_loop(x: &Array1<f64>) -> f64 {
    let mut total = 0.0;
    for i in 0..x.len() - 1 {
        let a = x[i + 1] - x[i] * x[i];
        let b = 1.0 - x[i];
        total += 100.0 * a * a + b * b;
    }
    total
}

/// The same function for n = 32, unrolled: straight-line code, one `let` per term, summed
/// term by term in the loop's order (`total += 100 a^2 + b^2`), so that both compute the same
/// value and the hand-written gradients' sums are the same chain of 31 additions (not 62).
#[differentiate]
pub fn rosen_unrolled(x: &Array1<f64>) -> f64 {
    let a0 = x[1] - x[0] * x[0];
    let b0 = 1.0 - x[0];
    let a1 = x[2] - x[1] * x[1];
    let b1 = 1.0 - x[1];
    let a2 = x[3] - x[2] * x[2];
    let b2 = 1.0 - x[2];
    let a3 = x[4] - x[3] * x[3];
    let b3 = 1.0 - x[3];
    let a4 = x[5] - x[4] * x[4];
    let b4 = 1.0 - x[4];
    let a5 = x[6] - x[5] * x[5];
    let b5 = 1.0 - x[5];
    let a6 = x[7] - x[6] * x[6];
    let b6 = 1.0 - x[6];
    let a7 = x[8] - x[7] * x[7];
    let b7 = 1.0 - x[7];
    let a8 = x[9] - x[8] * x[8];
    let b8 = 1.0 - x[8];
    let a9 = x[10] - x[9] * x[9];
    let b9 = 1.0 - x[9];
    let a10 = x[11] - x[10] * x[10];
    let b10 = 1.0 - x[10];
    let a11 = x[12] - x[11] * x[11];
    let b11 = 1.0 - x[11];
    let a12 = x[13] - x[12] * x[12];
    let b12 = 1.0 - x[12];
    let a13 = x[14] - x[13] * x[13];
    let b13 = 1.0 - x[13];
    let a14 = x[15] - x[14] * x[14];
    let b14 = 1.0 - x[14];
    let a15 = x[16] - x[15] * x[15];
    let b15 = 1.0 - x[15];
    let a16 = x[17] - x[16] * x[16];
    let b16 = 1.0 - x[16];
    let a17 = x[18] - x[17] * x[17];
    let b17 = 1.0 - x[17];
    let a18 = x[19] - x[18] * x[18];
    let b18 = 1.0 - x[18];
    let a19 = x[20] - x[19] * x[19];
    let b19 = 1.0 - x[19];
    let a20 = x[21] - x[20] * x[20];
    let b20 = 1.0 - x[20];
    let a21 = x[22] - x[21] * x[21];
    let b21 = 1.0 - x[21];
    let a22 = x[23] - x[22] * x[22];
    let b22 = 1.0 - x[22];
    let a23 = x[24] - x[23] * x[23];
    let b23 = 1.0 - x[23];
    let a24 = x[25] - x[24] * x[24];
    let b24 = 1.0 - x[24];
    let a25 = x[26] - x[25] * x[25];
    let b25 = 1.0 - x[25];
    let a26 = x[27] - x[26] * x[26];
    let b26 = 1.0 - x[26];
    let a27 = x[28] - x[27] * x[27];
    let b27 = 1.0 - x[27];
    let a28 = x[29] - x[28] * x[28];
    let b28 = 1.0 - x[28];
    let a29 = x[30] - x[29] * x[29];
    let b29 = 1.0 - x[29];
    let a30 = x[31] - x[30] * x[30];
    let b30 = 1.0 - x[30];
    (100.0 * a0 * a0 + b0 * b0)
        + (100.0 * a1 * a1 + b1 * b1)
        + (100.0 * a2 * a2 + b2 * b2)
        + (100.0 * a3 * a3 + b3 * b3)
        + (100.0 * a4 * a4 + b4 * b4)
        + (100.0 * a5 * a5 + b5 * b5)
        + (100.0 * a6 * a6 + b6 * b6)
        + (100.0 * a7 * a7 + b7 * b7)
        + (100.0 * a8 * a8 + b8 * b8)
        + (100.0 * a9 * a9 + b9 * b9)
        + (100.0 * a10 * a10 + b10 * b10)
        + (100.0 * a11 * a11 + b11 * b11)
        + (100.0 * a12 * a12 + b12 * b12)
        + (100.0 * a13 * a13 + b13 * b13)
        + (100.0 * a14 * a14 + b14 * b14)
        + (100.0 * a15 * a15 + b15 * b15)
        + (100.0 * a16 * a16 + b16 * b16)
        + (100.0 * a17 * a17 + b17 * b17)
        + (100.0 * a18 * a18 + b18 * b18)
        + (100.0 * a19 * a19 + b19 * b19)
        + (100.0 * a20 * a20 + b20 * b20)
        + (100.0 * a21 * a21 + b21 * b21)
        + (100.0 * a22 * a22 + b22 * b22)
        + (100.0 * a23 * a23 + b23 * b23)
        + (100.0 * a24 * a24 + b24 * b24)
        + (100.0 * a25 * a25 + b25 * b25)
        + (100.0 * a26 * a26 + b26 * b26)
        + (100.0 * a27 * a27 + b27 * b27)
        + (100.0 * a28 * a28 + b28 * b28)
        + (100.0 * a29 * a29 + b29 * b29)
        + (100.0 * a30 * a30 + b30 * b30)
}

/// Value and gradient by hand: one pass, the gradient written into a fresh `Array1`
/// (the generated `_grad` also returns an owned array).
#[inline(never)]
pub fn rosen_hand(x: &Array1<f64>) -> (f64, Array1<f64>) {
    let n = x.len();
    let mut g = Array1::<f64>::zeros(n);
    let mut total = 0.0;
    for i in 0..n - 1 {
        let a = x[i + 1] - x[i] * x[i];
        let b = 1.0 - x[i];
        total += 100.0 * a * a + b * b;
        g[i] += -400.0 * a * x[i] - 2.0 * b;
        g[i + 1] += 200.0 * a;
    }
    (total, g)
}

/// Value and gradient by hand, unrolled for n = 32 like [`rosen_unrolled`]: straight-line
/// code, each term's value and its two gradient entries together (the reference for the
/// generated unrolled gradient, which is straight-line code too).
#[inline(never)]
pub fn rosen_hand_unrolled(x: &Array1<f64>) -> (f64, Array1<f64>) {
    let mut g = Array1::<f64>::zeros(x.len());
    let mut total = 0.0;
    macro_rules! terms {
        ($($i:literal)*) => {$(
            let a = x[$i + 1] - x[$i] * x[$i];
            let b = 1.0 - x[$i];
            total += 100.0 * a * a + b * b;
            g[$i] += -400.0 * a * x[$i] - 2.0 * b;
            g[$i + 1] += 200.0 * a;
        )*};
    }
    terms!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30);
    (total, g)
}
