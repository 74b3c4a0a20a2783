//! ADBench's GMM objective (`examples/adbench/gmm.rs`) on the inputs shipped in
//! `data/adbench/gmm/`: the value against a port of ADBench's C++ loops, and the gradient
//! from `#[differentiate]` against central finite differences of the objective.
#[allow(dead_code)]
#[path = "../examples/adbench/gmm.rs"]
mod gmm;
#[allow(dead_code)]
#[path = "../examples/adbench/numbers.rs"]
mod numbers;

fn input(name: &str) -> gmm::Input {
    let path = format!("{}/data/adbench/gmm/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = autodiff::datasets::read_text(&path).expect("a shipped ADBench input");
    gmm::parse(&text).expect("ADBench's GMM format")
}

#[test]
fn the_value_is_adbench_s() {
    for name in ["gmm_d2_K5.txt", "gmm_d10_K5.txt"] {
        let input = input(name);
        let (k, d) = input.means.dim();
        let constant = gmm::constant(d, k, input.x.nrows(), input.gamma, input.m);
        let ours = gmm::value(&input, constant);
        let theirs = gmm::reference_objective(&input);
        assert!(
            (ours - theirs).abs() <= 1e-12 * theirs.abs(),
            "{name}: {ours} vs {theirs}"
        );
    }
}

#[test]
fn the_gradient_matches_finite_differences() {
    let input = input("gmm_d2_K5.txt");
    let (k, d) = input.means.dim();
    let constant = gmm::constant(d, k, input.x.nrows(), input.gamma, input.m);
    let (value, grad) = gmm::gradient(&input, constant);
    assert_eq!(grad.len(), k + k * d + k * input.icf.ncols());
    assert!((value - gmm::value(&input, constant)).abs() < 1e-9);
    let h = 1e-5;
    // Every alpha, every mean, every icf entry of the first two components.
    let (alphas, means, icf) = (&input.alphas, &input.means, &input.icf);
    let f = |a: &autodiff::ndarray::Array1<f64>,
             m: &autodiff::ndarray::Array2<f64>,
             q: &autodiff::ndarray::Array2<f64>| {
        gmm::objective(a, m, q, &input.x, input.gamma, input.m, constant)
    };
    let noise = 1e-15 * value.abs() / h;
    let check = |got: f64, plus: f64, minus: f64, what: &str| {
        let numeric = (plus - minus) / (2.0 * h);
        assert!(
            (got - numeric).abs() <= 1e-6 * numeric.abs().max(1.0) + noise,
            "{what}: {got} vs {numeric}"
        );
    };
    for i in 0..k {
        let (mut p, mut q) = (alphas.clone(), alphas.clone());
        p[i] += h;
        q[i] -= h;
        check(
            grad[i],
            f(&p, means, icf),
            f(&q, means, icf),
            &format!("alpha {i}"),
        );
    }
    for c in 0..k {
        for j in 0..d {
            let (mut p, mut q) = (means.clone(), means.clone());
            p[[c, j]] += h;
            q[[c, j]] -= h;
            check(
                grad[k + c * d + j],
                f(alphas, &p, icf),
                f(alphas, &q, icf),
                &format!("mean {c},{j}"),
            );
        }
    }
    for c in 0..2 {
        for j in 0..icf.ncols() {
            let (mut p, mut q) = (icf.clone(), icf.clone());
            p[[c, j]] += h;
            q[[c, j]] -= h;
            let at = k + k * d + c * icf.ncols() + j;
            check(
                grad[at],
                f(alphas, means, &p),
                f(alphas, means, &q),
                &format!("icf {c},{j}"),
            );
        }
    }
}

#[allow(dead_code)]
#[path = "fixtures/adbench/fixture.rs"]
mod fixture;

#[test]
fn value_and_gradient_match_an_independent_jax_reference() {
    let input = input("gmm_d2_K5.txt");
    let (k, d) = input.means.dim();
    let constant = gmm::constant(d, k, input.x.nrows(), input.gamma, input.m);
    let (value, grad) = gmm::gradient(&input, constant);
    let reference = fixture::read("gmm_d2_K5.txt");
    fixture::assert_matches("value", &[value], &reference["value"]);
    fixture::assert_matches("gradient", &grad, &reference["gradient"]);
}
