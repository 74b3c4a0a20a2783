//! ADBench's LSTM objective (`examples/adbench/lstm.rs`) on a small input made from the
//! shipped one's numbers: the value against a port of ADBench's C++ loops, and the gradient
//! from `#[differentiate]` against central finite differences.
#[allow(dead_code)]
#[path = "../examples/adbench/lstm.rs"]
mod lstm;
#[allow(dead_code)]
#[path = "../examples/adbench/numbers.rs"]
mod numbers;

fn input() -> lstm::Input {
    let path = format!(
        "{}/data/adbench/lstm/lstm_l2_c1024.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = autodiff::datasets::read_text(&path).expect("the shipped ADBench input");
    let mut input = lstm::parse(&text).expect("ADBench's LSTM format");
    // The first 12 characters: the same model, a shorter sequence (fast in a debug test).
    input.sequence = input
        .sequence
        .slice(autodiff::ndarray::s![0..12, ..])
        .to_owned();
    input
}

#[test]
fn the_value_is_adbench_s() {
    let input = input();
    let (ours, theirs) = (lstm::value(&input), lstm::reference_objective(&input));
    assert!(
        (ours - theirs).abs() <= 1e-12 * theirs.abs().max(1.0),
        "{ours} vs {theirs}"
    );
}

#[test]
fn the_gradient_matches_finite_differences() {
    let input = input();
    let (value, grad) = lstm::gradient(&input);
    let (main, extra) = (&input.main_params, &input.extra_params);
    assert_eq!(grad.len(), main.len() + extra.len());
    assert!((value - lstm::value(&input)).abs() < 1e-12);
    let h = 1e-6;
    let f = |m: &autodiff::ndarray::Array2<f64>, e: &autodiff::ndarray::Array2<f64>| {
        lstm::objective(m, e, &input.state, &input.sequence)
    };
    for at in (0..main.len()).step_by(7) {
        let (r, c) = (at / main.ncols(), at % main.ncols());
        let (mut p, mut q) = (main.clone(), main.clone());
        p[[r, c]] += h;
        q[[r, c]] -= h;
        let numeric = (f(&p, extra) - f(&q, extra)) / (2.0 * h);
        assert!(
            (grad[at] - numeric).abs() < 1e-7,
            "main {r},{c}: {} vs {numeric}",
            grad[at]
        );
    }
    for at in 0..extra.len() {
        let (r, c) = (at / extra.ncols(), at % extra.ncols());
        let (mut p, mut q) = (extra.clone(), extra.clone());
        p[[r, c]] += h;
        q[[r, c]] -= h;
        let numeric = (f(main, &p) - f(main, &q)) / (2.0 * h);
        let got = grad[main.len() + at];
        assert!(
            (got - numeric).abs() < 1e-7,
            "extra {r},{c}: {got} vs {numeric}"
        );
    }
}

#[allow(dead_code)]
#[path = "fixtures/adbench/fixture.rs"]
mod fixture;

#[test]
fn value_and_gradient_match_an_independent_jax_reference() {
    let (value, grad) = lstm::gradient(&input());
    let reference = fixture::read("lstm_l2_c12.txt");
    fixture::assert_matches("value", &[value], &reference["value"]);
    fixture::assert_matches("gradient", &grad, &reference["gradient"]);
}
