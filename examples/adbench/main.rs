//! ADBench's objectives, written as plain Rust and differentiated by `#[differentiate]`
//! (microsoft/ADBench: Srajer, Buchanan and Fitzgibbon, 2018). This version has GMM and
//! LSTM; bundle adjustment is not written yet.
//!
//! ```text
//! cargo run --release --example adbench -- gmm data/adbench/gmm/gmm_d2_K5.txt out/ [--min-time 0.5] [--time-limit 10]
//! cargo run --release --example adbench -- lstm data/adbench/lstm/lstm_l2_c1024.txt out/
//! ```
//!
//! Reads an ADBench input (plain or `.gz`), writes `NAME_F_autodiff.txt` (the objective) and
//! `NAME_J_autodiff.txt` (the gradient, one component per line, in ADBench's order) into
//! the output folder, checks the value against a port of ADBench's C++ loops and the
//! gradient against central finite differences on a sample of coordinates (on the first
//! characters only for LSTM), and prints
//! `objective_s=<s> gradient_s=<s>`: each the minimum time per call by ADBench's
//! methodology (`timing.rs`).
mod gmm;
mod lstm;
mod timing;

use clap::{Parser, ValueEnum};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, ValueEnum)]
enum Objective {
    /// Gaussian mixture model.
    Gmm,
    /// Long short-term memory network.
    Lstm,
    /// Bundle adjustment (not written yet).
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
        Objective::Ba => Err("`gmm` and `lstm` are written so far; `ba` is not".to_string()),
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
    let fd_error = finite_difference_check(&input, constant, &grad);
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

/// Coordinates checked against central finite differences (spread over alphas, means, icf).
const FD_SAMPLES: usize = 24;

/// The largest relative error of the gradient against central differences of the objective.
fn finite_difference_check(input: &gmm::Input, constant: f64, grad: &[f64]) -> f64 {
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
        let scale = numeric.abs().max(grad[at].abs()).max(1.0);
        worst = worst.max((numeric - grad[at]).abs() / scale);
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
