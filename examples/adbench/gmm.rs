//! ADBench's Gaussian mixture model objective (`src/cpp/shared/gmm.h` in microsoft/ADBench):
//! the negative log-likelihood of n points under k Gaussians with the Wishart prior, the
//! inverse covariance of component c given as `L_c L_cᵀ` with `L_c` lower triangular (its
//! diagonal as logs, then the strict lower triangle column by column, in `icf`).
//!
//! `objective` is what a reader of the paper writes in Rust: per component, `L` built by
//! writing its entries, then all points at once (`(x - μ_c) L_cᵀ`), the log-sum-exp over
//! components of every point (`logsumexp_axis`), and the prior. `#[differentiate]` gives the gradient with respect
//! to alphas, means and icf; no adjoint is written by hand. `reference_objective` is a
//! plain port of ADBench's C++ loops (element by element), used to check the value.
use autodiff::ndarray::{Array1, Array2, Axis};
use autodiff::prelude::*;

/// One ADBench GMM input.
pub struct Input {
    /// Mixture weights' logits (k).
    pub alphas: Array1<f64>,
    /// Component means (k × d).
    pub means: Array2<f64>,
    /// Inverse-covariance factors (k × d(d+1)/2).
    pub icf: Array2<f64>,
    /// The points (n × d).
    pub x: Array2<f64>,
    /// Wishart prior: `gamma` and `m`.
    pub gamma: f64,
    pub m: f64,
}

/// Parses ADBench's GMM format (`d k n`, alphas, means, icf, points, `gamma m`).
pub fn parse(text: &str) -> Result<Input, String> {
    let mut numbers = super::numbers::Numbers::new(text);
    let (d, k, n) = (numbers.size("d")?, numbers.size("k")?, numbers.size("n")?);
    Ok(Input {
        alphas: numbers.vector(k, "the alphas")?,
        means: numbers.matrix(k, d, "the means")?,
        icf: numbers.matrix(k, d * (d + 1) / 2, "icf")?,
        x: numbers.matrix(n, d, "the points")?,
        gamma: numbers.next("gamma")?,
        m: numbers.next("m")?,
    })
}

/// `-n d/2 ln 2π - k C`, the parts of the objective that depend on no parameter (C is the
/// log normaliser of the Wishart prior, with `ln Γ_d`).
pub fn constant(d: usize, k: usize, n: usize, gamma: f64, m: f64) -> f64 {
    let p = d as f64;
    let nw = p + m + 1.0;
    let c = nw * p * (gamma.ln() - 0.5 * 2f64.ln()) - log_gamma_distrib(0.5 * nw, d);
    -(n as f64) * p * 0.5 * (2.0 * std::f64::consts::PI).ln() - (k as f64) * c
}

/// The objective, differentiated with respect to alphas, means and icf.
#[differentiate(wrt(alphas, means, icf))]
pub fn objective(
    alphas: &Array1<f64>,
    means: &Array2<f64>,
    icf: &Array2<f64>,
    x: &Array2<f64>,
    gamma: f64,
    m: f64,
    constant: f64,
) -> f64 {
    let (k, d, n) = (means.nrows(), means.ncols(), x.nrows());
    let mut terms = Array2::<f64>::zeros((n, k));
    let mut prior = 0.0;
    for c in 0..k {
        // L_c: exp of the log-diagonal, then the strict lower triangle column by column.
        let mut l = Array2::<f64>::zeros((d, d));
        let mut sum_q = 0.0;
        for i in 0..d {
            l[[i, i]] = icf[[c, i]].exp();
            sum_q += icf[[c, i]];
        }
        let mut at = d;
        for i in 0..d {
            for j in i + 1..d {
                l[[j, i]] = icf[[c, at]];
                at += 1;
            }
        }
        // Every point at once: row r of `lx` is L_c (x_r - μ_c) = L_c x_r - L_c μ_c (the
        // points are data, so the gradient needs no product back through them).
        let lt = l.t();
        let lx = x.dot(&lt) - &means.row(c).dot(&lt);
        let sq = (&lx * &lx).sum_axis(Axis(1));
        terms
            .column_mut(c)
            .assign(&(sq * -0.5 + (alphas[c] + sum_q)));
        prior += 0.5 * gamma * gamma * (&l * &l).sum() - m * sum_q;
    }
    // The log-sum-exp over components of every point at once (JAX's `logsumexp(.., axis=1)`).
    let slse = logsumexp_axis(&terms, Axis(1)).sum();
    constant + slse - (n as f64) * logsumexp(alphas) + prior
}

/// ADBench's C++ objective, loop for loop (the value check of `objective`).
#[allow(clippy::needless_range_loop)] // the C++ loops, index for index
pub fn reference_objective(input: &Input) -> f64 {
    let (k, d) = input.means.dim();
    let n = input.x.nrows();
    let icf_sz = d * (d + 1) / 2;
    let logsumexp = |v: &[f64]| {
        let mx = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        v.iter().map(|x| (x - mx).exp()).sum::<f64>().ln() + mx
    };
    let icf = |c: usize, i: usize| input.icf[[c, i]];
    let (mut sum_qs, mut qdiags) = (vec![0.0; k], vec![0.0; k * d]);
    for c in 0..k {
        for i in 0..d {
            sum_qs[c] += icf(c, i);
            qdiags[c * d + i] = icf(c, i).exp();
        }
    }
    let mut slse = 0.0;
    for r in 0..n {
        let mut main = vec![0.0; k];
        for c in 0..k {
            let xc: Vec<f64> = (0..d)
                .map(|i| input.x[[r, i]] - input.means[[c, i]])
                .collect();
            let mut qx: Vec<f64> = (0..d).map(|i| qdiags[c * d + i] * xc[i]).collect();
            let mut at = d;
            for i in 0..d {
                for j in i + 1..d {
                    qx[j] += icf(c, at) * xc[i];
                    at += 1;
                }
            }
            main[c] = input.alphas[c] + sum_qs[c] - 0.5 * qx.iter().map(|v| v * v).sum::<f64>();
        }
        slse += logsumexp(&main);
    }
    let mut prior = 0.0;
    for c in 0..k {
        let frobenius: f64 = (0..d).map(|i| qdiags[c * d + i].powi(2)).sum::<f64>()
            + (d..icf_sz).map(|i| icf(c, i).powi(2)).sum::<f64>();
        prior += 0.5 * input.gamma * input.gamma * frobenius - input.m * sum_qs[c];
    }
    let alphas: Vec<f64> = input.alphas.to_vec();
    constant(d, k, n, input.gamma, input.m) + slse - n as f64 * logsumexp(&alphas) + prior
}

/// The value of `objective` at an input.
pub fn value(input: &Input, constant: f64) -> f64 {
    objective(
        &input.alphas,
        &input.means,
        &input.icf,
        &input.x,
        input.gamma,
        input.m,
        constant,
    )
}

/// The value and the gradient, flattened in ADBench's order: alphas, means, icf (row-major).
pub fn gradient(input: &Input, constant: f64) -> (f64, Vec<f64>) {
    let (v, (da, dm, di)) = objective_grad(
        &input.alphas,
        &input.means,
        &input.icf,
        &input.x,
        input.gamma,
        input.m,
        constant,
    );
    (
        v,
        da.iter()
            .chain(dm.iter())
            .chain(di.iter())
            .copied()
            .collect(),
    )
}

/// `ln Γ_p(a)`, the multivariate gamma function's log: `p(p-1)/4 ln π + Σ_j ln Γ(a + (1-j)/2)`.
fn log_gamma_distrib(a: f64, p: usize) -> f64 {
    let pf = p as f64;
    0.25 * pf * (pf - 1.0) * std::f64::consts::PI.ln()
        + (1..=p)
            .map(|j| ln_gamma(a + 0.5 * (1.0 - j as f64)))
            .sum::<f64>()
}

/// `ln Γ(x)` for `x > 0`: the Lanczos approximation (g = 7, 9 terms; relative error ~1e-15).
fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const C: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x) Γ(1 - x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let t = x + G + 0.5;
    let sum = C[0] + (1..9).map(|i| C[i] / (x + i as f64)).sum::<f64>();
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

#[cfg(test)]
mod tests {
    #[test]
    fn ln_gamma_at_known_points() {
        assert!((super::ln_gamma(1.0)).abs() < 1e-14);
        assert!((super::ln_gamma(5.0) - 24f64.ln()).abs() < 1e-13);
        assert!((super::ln_gamma(0.5) - std::f64::consts::PI.sqrt().ln()).abs() < 1e-14);
    }
}
