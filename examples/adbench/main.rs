//! ADBench's objectives, written as plain Rust and differentiated by `#[differentiate]`
//! (microsoft/ADBench: Srajer, Buchanan and Fitzgibbon, 2018): GMM, LSTM and bundle
//! adjustment.
//!
//! ```text
//! cargo run --release --example adbench -- gmm data/adbench/gmm/gmm_d2_K5.txt out/ [--min-time 0.5] [--time-limit 10]
//! cargo run --release --example adbench -- lstm data/adbench/lstm/lstm_l2_c1024.txt out/
//! cargo run --release --example adbench -- ba data/adbench/ba/ba1_n49_m7776_p31843.txt out/
//! ```
//!
//! Reads an ADBench input (plain or `.gz`), writes `NAME_F_autodiff.txt` (the objective) and
//! `NAME_J_autodiff.txt` (the gradient, one component per line, in ADBench's order; for BA
//! the sparse Jacobian in ADBench's CSR layout) into
//! the output folder, checks the value against a port of ADBench's C++ loops and the
//! gradient against central finite differences on a sample of coordinates (on the first
//! characters only for LSTM), and prints
//! `objective_s=<s> gradient_s=<s>`: each the minimum time per call by ADBench's
//! methodology (`timing.rs`).
mod ba;
mod gmm;
mod lstm;
mod numbers;
mod timing;

use clap::{Parser, ValueEnum};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, ValueEnum)]
enum Objective {
    /// Gaussian mixture model.
    Gmm,
    /// Long short-term memory network.
    Lstm,
    /// Bundle adjustment.
    Ba,
}

#[derive(Parser)]
#[command(about = "ADBench's objectives differentiated by #[differentiate]")]
struct Args {
    objective: Objective,
    /// The ADBench input file (plain text or gzip).
    input: PathBuf,
    /// The folder for NAME_F_autodiff.txt and NAME_J_autodiff.txt.
    out_dir: PathBuf,
    /// ADBench's minimum_measurable_time, in seconds.
    #[arg(long, default_value_t = 0.5)]
    min_time: f64,
    /// ADBench's time_limit per measurement, in seconds.
    #[arg(long, default_value_t = 10.0)]
    time_limit: f64,
    /// ADBench's nruns_F / nruns_J.
    #[arg(long, default_value_t = 10)]
    runs: usize,
}

fn main() {
    let args = Args::parse();
    if let Err(e) = run(&args) {
        eprintln!("adbench: {e}");
        std::process::exit(1);
    }
}

fn run(args: &Args) -> Result<(), String> {
    let text = autodiff::datasets::read_text(&args.input).map_err(|e| e.to_string())?;
    let name = input_name(&args.input);
    match args.objective {
        Objective::Gmm => run_gmm(args, &text, &name),
        Objective::Lstm => run_lstm(args, &text, &name),
        Objective::Ba => run_ba(args, &text, &name),
    }
}

fn run_gmm(args: &Args, text: &str, name: &str) -> Result<(), String> {
    let input = gmm::parse(text).map_err(|e| format!("{}: {e}", args.input.display()))?;
    let (k, d) = input.means.dim();
    let n = input.x.nrows();
    let constant = gmm::constant(d, k, n, input.gamma, input.m);
    let (value, grad) = gmm::gradient(&input, constant);
    let reference = gmm::reference_objective(&input);
    let value_error = (value - reference).abs() / reference.abs().max(1.0);
    let fd_error = finite_difference_check(&input, constant, value, &grad);
    println!("gmm d={d} k={k} n={n}: objective {value:.12e} (ADBench's loops: relative difference {value_error:.1e}); gradient against central differences on {FD_SAMPLES} coordinates: max relative error {fd_error:.1e}");
    if value_error > 1e-10 || fd_error > 1e-6 {
        return Err("the check against ADBench's loops or finite differences failed".to_string());
    }
    write_outputs(&args.out_dir, name, value, &grad)?;
    let objective_s = timing::min_time_per_call(
        || gmm::value(&input, constant),
        args.min_time,
        args.time_limit,
        args.runs,
    );
    let gradient_s = timing::min_time_per_call(
        || gmm::gradient(&input, constant),
        args.min_time,
        args.time_limit,
        args.runs,
    );
    println!("objective_s={objective_s:e} gradient_s={gradient_s:e}");
    Ok(())
}

fn run_lstm(args: &Args, text: &str, name: &str) -> Result<(), String> {
    let input = lstm::parse(text).map_err(|e| format!("{}: {e}", args.input.display()))?;
    let (l, c, b) = (
        input.main_params.nrows() / 2,
        input.sequence.nrows(),
        input.sequence.ncols(),
    );
    let (value, grad) = lstm::gradient(&input);
    let reference = lstm::reference_objective(&input);
    let value_error = (value - reference).abs() / reference.abs().max(1.0);
    // Finite differences on the first 16 characters (the same model, a shorter sequence).
    let short = lstm::Input {
        sequence: input
            .sequence
            .slice(autodiff::ndarray::s![0..c.min(16), ..])
            .to_owned(),
        main_params: input.main_params.clone(),
        extra_params: input.extra_params.clone(),
        state: input.state.clone(),
    };
    let (_, short_grad) = lstm::gradient(&short);
    let total = short.main_params.len() + short.extra_params.len();
    let mut fd_error: f64 = 0.0;
    for s in 0..FD_SAMPLES {
        let at = s * total / FD_SAMPLES;
        let h = 1e-6;
        let perturbed = |delta: f64| {
            let (mut m, mut e) = (short.main_params.clone(), short.extra_params.clone());
            let (mc, ec) = (m.ncols(), e.ncols());
            match at < m.len() {
                true => m[[at / mc, at % mc]] += delta,
                false => {
                    let k = at - m.len();
                    e[[k / ec, k % ec]] += delta;
                }
            }
            lstm::objective(&m, &e, &short.state, &short.sequence)
        };
        let numeric = (perturbed(h) - perturbed(-h)) / (2.0 * h);
        fd_error = fd_error.max((numeric - short_grad[at]).abs() / numeric.abs().max(1.0));
    }
    println!("lstm l={l} c={c} b={b}: objective {value:.12e} (ADBench's loops: relative difference {value_error:.1e}); gradient against central differences on {FD_SAMPLES} coordinates ({} characters): max error {fd_error:.1e}", c.min(16));
    if value_error > 1e-10 || fd_error > 1e-6 {
        return Err("the check against ADBench's loops or finite differences failed".to_string());
    }
    write_outputs(&args.out_dir, name, value, &grad)?;
    let objective_s = timing::min_time_per_call(
        || lstm::value(&input),
        args.min_time,
        args.time_limit,
        args.runs,
    );
    let gradient_s = timing::min_time_per_call(
        || lstm::gradient(&input),
        args.min_time,
        args.time_limit,
        args.runs,
    );
    println!("objective_s={objective_s:e} gradient_s={gradient_s:e}");
    Ok(())
}

fn run_ba(args: &Args, text: &str, name: &str) -> Result<(), String> {
    let input = ba::parse(text).map_err(|e| format!("{}: {e}", args.input.display()))?;
    let (n, m, p) = (input.cams.nrows(), input.points.nrows(), input.obs.len());
    let (reproj, werr) = ba::objective(&input);
    let jac = ba::jacobian(&input);
    let value_error = ba_reference_check(&input, &reproj);
    let fd_error = ba_fd_check(&input, &jac);
    println!("ba n={n} m={m} p={p}: {} reprojection errors (ADBench's formulas: max relative difference {value_error:.1e}); Jacobian {}x{} with {} entries, against central differences on {FD_SAMPLES} observations: max error {fd_error:.1e}", reproj.len(), jac.nrows, jac.ncols, jac.vals.len());
    if value_error > 1e-12 || fd_error > 1e-6 {
        return Err(
            "the check against ADBench's formulas or finite differences failed".to_string(),
        );
    }
    std::fs::create_dir_all(&args.out_dir)
        .map_err(|e| format!("{}: {e}", args.out_dir.display()))?;
    let f: String = std::iter::once("Reprojection error:\n".to_string())
        .chain(reproj.iter().map(|v| format!("{v:.17e}\n")))
        .chain(std::iter::once("Zach weight error:\n".to_string()))
        .chain(werr.iter().map(|v| format!("{v:.17e}\n")))
        .collect();
    let join = |v: &mut dyn Iterator<Item = String>| v.collect::<Vec<_>>().join(" ");
    let j = format!(
        "{} {}\n{}\n{}\n{}\n{}\n{}\n",
        jac.nrows,
        jac.ncols,
        jac.rows.len(),
        join(&mut jac.rows.iter().map(|r| r.to_string())),
        jac.cols.len(),
        join(&mut jac.cols.iter().map(|c| c.to_string())),
        join(&mut jac.vals.iter().map(|v| format!("{v:.17e}")))
    );
    for (file, text) in [
        (format!("{name}_F_autodiff.txt"), f),
        (format!("{name}_J_autodiff.txt"), j),
    ] {
        let path = args.out_dir.join(file);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    }
    // Outputs kept between calls, as ADBench's modules keep theirs.
    let (mut reproj_out, mut werr_out) = (Vec::new(), Vec::new());
    let objective_s = timing::min_time_per_call(
        || {
            ba::objective_into(&input, &mut reproj_out, &mut werr_out);
            std::hint::black_box((&reproj_out, &werr_out));
        },
        args.min_time,
        args.time_limit,
        args.runs,
    );
    let mut jac_out = ba::jacobian(&input);
    let gradient_s = timing::min_time_per_call(
        || {
            ba::jacobian_into(&input, &mut jac_out);
            std::hint::black_box(&jac_out);
        },
        args.min_time,
        args.time_limit,
        args.runs,
    );
    println!("objective_s={objective_s:e} gradient_s={gradient_s:e}");
    Ok(())
}

/// The reprojection errors against ADBench's formulas written out (rotation matrix form of
/// Rodrigues, not the macro's code); the largest relative difference.
fn ba_reference_check(input: &ba::Input, reproj: &[f64]) -> f64 {
    let mut worst: f64 = 0.0;
    for (i, &(c, q)) in input.obs.iter().enumerate().take(200) {
        let cam = input.cams.row(c);
        let r = [cam[0], cam[1], cam[2]];
        let x = [
            input.points[[q, 0]] - cam[3],
            input.points[[q, 1]] - cam[4],
            input.points[[q, 2]] - cam[5],
        ];
        let theta = (r[0] * r[0] + r[1] * r[1] + r[2] * r[2]).sqrt();
        // R = cos θ I + sin θ [k]x + (1 - cos θ) k kᵀ, k = r / θ.
        let k = [r[0] / theta, r[1] / theta, r[2] / theta];
        let (ct, st) = (theta.cos(), theta.sin());
        let cross = [
            k[1] * x[2] - k[2] * x[1],
            k[2] * x[0] - k[0] * x[2],
            k[0] * x[1] - k[1] * x[0],
        ];
        let kx = k[0] * x[0] + k[1] * x[1] + k[2] * x[2];
        let xc: Vec<f64> = (0..3)
            .map(|a| ct * x[a] + st * cross[a] + (1.0 - ct) * kx * k[a])
            .collect();
        let (p0, p1) = (xc[0] / xc[2], xc[1] / xc[2]);
        let rsq = p0 * p0 + p1 * p1;
        let l = 1.0 + cam[9] * rsq + cam[10] * rsq * rsq;
        let w = input.weights[i];
        let want = [
            w * (p0 * l * cam[6] + cam[7] - input.feats[[i, 0]]),
            w * (p1 * l * cam[6] + cam[8] - input.feats[[i, 1]]),
        ];
        for a in 0..2 {
            worst = worst.max((reproj[2 * i + a] - want[a]).abs() / want[a].abs().max(1.0));
        }
    }
    worst
}

/// The Jacobian's rows of a few observations against central differences of
/// `reprojection_error`; the largest error relative to the entry's size (at least 1).
fn ba_fd_check(input: &ba::Input, jac: &ba::Sparse) -> f64 {
    let (n, m, p) = (input.cams.nrows(), input.points.nrows(), input.obs.len());
    let mut worst: f64 = 0.0;
    for s in 0..FD_SAMPLES.min(p) {
        let i = s * p / FD_SAMPLES.min(p);
        let (c, q) = input.obs[i];
        let base = (
            input.cams.row(c).to_vec(),
            input.points.row(q).to_vec(),
            input.weights[i],
        );
        let feat = input.feats.row(i).to_vec();
        let f = |cam: &[f64], x: &[f64], w: f64| ba::reprojection_error(cam, x, w, &feat);
        for r in 0..2 {
            let start = jac.rows[2 * i + r];
            for (k, &col) in jac.cols[start..jac.rows[2 * i + r + 1]].iter().enumerate() {
                // A step relative to the coordinate it moves (the focal length is ~400).
                let at = match col {
                    col if col < ba::CAM * n => base.0[col % ba::CAM],
                    col if col < ba::CAM * n + 3 * m => base.1[(col - ba::CAM * n) % 3],
                    _ => base.2,
                };
                let h = 1e-6 * at.abs().max(1.0);
                let (mut cp, mut cm, mut xp, mut xm, mut wp, mut wm) = (
                    base.0.clone(),
                    base.0.clone(),
                    base.1.clone(),
                    base.1.clone(),
                    base.2,
                    base.2,
                );
                match col {
                    col if col < ba::CAM * n => (cp[col % ba::CAM] += h, cm[col % ba::CAM] -= h),
                    col if col < ba::CAM * n + 3 * m => {
                        let a = (col - ba::CAM * n) % 3;
                        (xp[a] += h, xm[a] -= h)
                    }
                    _ => (wp += h, wm -= h),
                };
                let numeric = (f(&cp, &xp, wp)[r] - f(&cm, &xm, wm)[r]) / (2.0 * h);
                let got = jac.vals[start + k];
                worst = worst.max((got - numeric).abs() / numeric.abs().max(1.0));
            }
        }
    }
    worst
}

/// Coordinates checked against central finite differences (spread over alphas, means, icf).
const FD_SAMPLES: usize = 24;

/// The largest relative error of the gradient against central differences of the objective,
/// beyond the differences' own rounding error.
fn finite_difference_check(input: &gmm::Input, constant: f64, value: f64, grad: &[f64]) -> f64 {
    let (k, d) = input.means.dim();
    let icf_sz = input.icf.ncols();
    let total = k + k * d + k * icf_sz;
    let mut worst: f64 = 0.0;
    for s in 0..FD_SAMPLES {
        let at = s * total / FD_SAMPLES;
        let h = 1e-5;
        let perturbed = |delta: f64| {
            let (mut alphas, mut means, mut icf) =
                (input.alphas.clone(), input.means.clone(), input.icf.clone());
            match at {
                a if a < k => alphas[a] += delta,
                a if a < k + k * d => means[[(a - k) / d, (a - k) % d]] += delta,
                a => icf[[(a - k - k * d) / icf_sz, (a - k - k * d) % icf_sz]] += delta,
            }
            gmm::objective(
                &alphas,
                &means,
                &icf,
                &input.x,
                input.gamma,
                input.m,
                constant,
            )
        };
        let numeric = (perturbed(h) - perturbed(-h)) / (2.0 * h);
        // Rounding in the objective (|f| up to 10^6 on the larger inputs), amplified by 1/h,
        // is finite differences' error, not the gradient's: measured beyond it.
        let noise = 10.0 * f64::EPSILON * value.abs() / h;
        let scale = numeric.abs().max(grad[at].abs()).max(1.0);
        worst = worst.max(((numeric - grad[at]).abs() - noise).max(0.0) / scale);
    }
    worst
}

fn write_outputs(dir: &Path, name: &str, value: f64, grad: &[f64]) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let write = |file: String, text: String| {
        let path = dir.join(file);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    write(format!("{name}_F_autodiff.txt"), format!("{value:.17e}\n"))?;
    let lines: String = grad.iter().map(|g| format!("{g:.17e}\n")).collect();
    write(format!("{name}_J_autodiff.txt"), lines)
}

/// The input's base name without `.txt` / `.txt.gz` (`gmm_d2_K5`), as ADBench names outputs.
fn input_name(path: &Path) -> String {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    file.trim_end_matches(".gz")
        .trim_end_matches(".txt")
        .to_string()
}
