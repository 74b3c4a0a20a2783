//! Newton's method with Hessian-vector products, beside gradient descent, on softmax
//! logistic regression with an L2 term over the shipped UCI digits (8x8 images, 10 classes).
//!
//! ```text
//! cargo run --release --example newton
//! cargo run --release --example newton -- --lambda 1e-3 --gd-steps 2000 --plot newton.svg
//! ```
//!
//! The loss is `cross_entropy(x W, y) + λ/2 ‖W‖²` (x with a bias column): strictly convex, so
//! Newton's method converges quadratically. Each Newton step solves `H p = -∇L` by conjugate
//! gradients that only call `loss_hvp` (forward over reverse: no Hessian matrix is ever
//! formed), then steps `W ← W + p` (halving `p` while the loss would rise). Gradient descent
//! takes `W ← W - lr ∇L` with `lr = 1 / (an upper bound of the Hessian's largest
//! eigenvalue)`. The example prints the loss of both per iteration and plots the gap to the
//! optimum on a log scale.
use autodiff::datasets;
use autodiff::ndarray::{concatenate, Array2, Axis};
use autodiff::prelude::*;
use clap::Parser;
use plotters::prelude::*;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Mean cross-entropy of the softmax of `x·w` plus `λ/2 ‖w‖²`.
#[differentiate(wrt(w), hvp)]
fn loss(x: &Array2<f64>, w: &Array2<f64>, y: &[usize], lambda: f64) -> f64 {
    cross_entropy(&x.dot(w), y) + 0.5 * lambda * (w * w).sum()
}

/// Newton-CG and gradient descent on the digits, side by side.
#[derive(Parser, Debug)]
#[command(about)]
struct Args {
    /// L2 regularisation strength λ.
    #[arg(long, default_value_t = 1e-2)]
    lambda: f64,
    /// Newton steps.
    #[arg(long, default_value_t = 15)]
    newton_steps: usize,
    /// Gradient-descent steps.
    #[arg(long, default_value_t = 500)]
    gd_steps: usize,
    /// Conjugate-gradient iterations per Newton step, at most.
    #[arg(long, default_value_t = 100)]
    cg_iters: usize,
    /// Where to write the plot (an .svg file).
    #[arg(long, default_value = "newton.svg")]
    plot: PathBuf,
}

fn main() -> ExitCode {
    match run(&Args::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<(), String> {
    if !(args.lambda > 0.0 && args.lambda.is_finite()) {
        return Err(format!("--lambda must be positive, got {}", args.lambda));
    }
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/digits.csv.gz");
    let data = datasets::load_csv_gz(path, 16.0).map_err(|e| e.to_string())?;
    let pixels = data.images.mapv(f64::from);
    let ones = Array2::ones((pixels.nrows(), 1));
    let x = concatenate(Axis(1), &[pixels.view(), ones.view()]).map_err(|e| e.to_string())?;
    let y = data.labels;
    let classes = y.iter().max().map_or(1, |m| m + 1);
    let w0 = Array2::<f64>::zeros((x.ncols(), classes));
    println!(
        "softmax regression on {} digits, {} features + bias, {} classes, lambda {}",
        x.nrows(),
        x.ncols() - 1,
        classes,
        args.lambda
    );

    // Newton-CG: every Hessian product is one call of `loss_hvp`.
    let mut newton = vec![loss(&x, &w0, &y, args.lambda)];
    let mut w = w0.clone();
    let mut hvps = 0;
    for step in 1..=args.newton_steps {
        let (l, (g,)) = loss_grad(&x, &w, &y, args.lambda);
        let hess = |v: &Array2<f64>| loss_hvp(&x, &w, &y, args.lambda, (v.clone(),)).2 .0;
        let (p, used) = conjugate_gradients(hess, &g, args.cg_iters);
        hvps += used;
        let mut t = 1.0;
        let mut next = &w + &p;
        while loss(&x, &next, &y, args.lambda) > l && t > 1e-8 {
            t *= 0.5;
            next = &w + &(&p * t);
        }
        w = next;
        let l = loss(&x, &w, &y, args.lambda);
        let gnorm = loss_grad(&x, &w, &y, args.lambda)
            .1
             .0
            .mapv(|v| v * v)
            .sum()
            .sqrt();
        println!("newton {step:2}: loss {l:.12}, |grad| {gnorm:.3e}, {used} CG iterations");
        newton.push(l);
        if gnorm < 1e-10 {
            break;
        }
    }
    let optimum = newton.iter().copied().fold(f64::INFINITY, f64::min);

    // Gradient descent with the step 1/L: the softmax cross-entropy's Hessian is at most
    // ‖x‖²/(2n) (largest singular value squared; bounded by the Frobenius norm) plus λ.
    let lipschitz = x.mapv(|v| v * v).sum() / (2.0 * x.nrows() as f64) + args.lambda;
    let lr = 1.0 / lipschitz;
    let mut gd = vec![loss(&x, &w0, &y, args.lambda)];
    let mut w = w0;
    for step in 1..=args.gd_steps {
        let (_, (g,)) = loss_grad(&x, &w, &y, args.lambda);
        w = &w - &(&g * lr);
        let l = loss(&x, &w, &y, args.lambda);
        if step % 50 == 0 || step == args.gd_steps {
            println!(
                "gradient descent {step:4}: loss {l:.12}, gap {:.3e}",
                l - optimum
            );
        }
        gd.push(l);
    }
    let reached = newton
        .iter()
        .position(|&l| l - optimum < 1e-8)
        .unwrap_or(newton.len());
    let gd_reached = gd.iter().position(|&l| l - optimum < 1e-8);
    println!(
        "optimum {optimum:.12}: Newton within 1e-8 after {reached} steps ({hvps} Hessian-vector products); gradient descent {}",
        match gd_reached {
            Some(k) => format!("after {k} steps"),
            None => format!(
                "not within {} steps (gap {:.3e})",
                args.gd_steps,
                gd.last().map_or(f64::NAN, |l| l - optimum)
            ),
        }
    );
    plot(&newton, &gd, optimum, &args.plot)?;
    println!("plot written to {}", args.plot.display());
    Ok(())
}

/// Solves `H p = -g` by conjugate gradients from `p = 0`, calling `hess(v) = H v` once per
/// iteration; stops when the residual is 1e-10 of `|g|` or after `max_iters`. Returns `p`
/// and the number of Hessian products.
fn conjugate_gradients(
    mut hess: impl FnMut(&Array2<f64>) -> Array2<f64>,
    g: &Array2<f64>,
    max_iters: usize,
) -> (Array2<f64>, usize) {
    let dot = |a: &Array2<f64>, b: &Array2<f64>| (a * b).sum();
    let mut p = Array2::zeros(g.raw_dim());
    let mut r = -g;
    let mut d = r.clone();
    let mut rr = dot(&r, &r);
    let tol = 1e-20 * rr.max(f64::MIN_POSITIVE);
    for k in 0..max_iters {
        if rr <= tol {
            return (p, k);
        }
        let hd = hess(&d);
        let alpha = rr / dot(&d, &hd);
        p = p + &d * alpha;
        r = r - &hd * alpha;
        let next = dot(&r, &r);
        d = &r + &(&d * (next / rr));
        rr = next;
    }
    (p, max_iters)
}

/// The gap to the optimum per iteration, both methods, log scale.
fn plot(newton: &[f64], gd: &[f64], optimum: f64, path: &Path) -> Result<(), String> {
    let fail = |e: &dyn std::fmt::Display| format!("cannot write the plot {}: {e}", path.display());
    let root = SVGBackend::new(path, (800, 450)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| fail(&e))?;
    let floor = 1e-14;
    let gap = |l: &f64| (l - optimum).max(floor);
    let top = newton.iter().chain(gd).map(gap).fold(floor, f64::max) * 2.0;
    let mut chart = ChartBuilder::on(&root)
        .caption("loss - optimum", ("sans-serif", 20))
        .margin(15)
        .x_label_area_size(35)
        .y_label_area_size(60)
        .build_cartesian_2d(0..gd.len().max(newton.len()), (floor..top).log_scale())
        .map_err(|e| fail(&e))?;
    chart
        .configure_mesh()
        .x_desc("iteration")
        .y_label_formatter(&|v: &f64| format!("{v:.0e}"))
        .draw()
        .map_err(|e| fail(&e))?;
    let series = [
        ("Newton-CG (hvp)", RED, newton),
        ("gradient descent", BLUE, gd),
    ];
    for (name, color, losses) in series {
        let points: Vec<(usize, f64)> = losses.iter().map(gap).enumerate().collect();
        chart
            .draw_series(LineSeries::new(points, &color))
            .map_err(|e| fail(&e))?
            .label(name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK)
        .draw()
        .map_err(|e| fail(&e))?;
    root.present().map_err(|e| fail(&e))
}
