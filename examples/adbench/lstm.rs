//! ADBench's LSTM objective (`src/cpp/shared/lstm.h` in microsoft/ADBench): l layers of a
//! diagonal LSTM (every gate elementwise, hidden size b) read a sequence of c one-hot-like
//! characters, predict the next one, and the loss is the mean cross entropy against it
//! (ADBench's log-sum-exp adds 2 to the sum: kept, to match it exactly).
//!
//! `objective` is written layer by layer over arrays: what does not depend on the hidden
//! state (the input, the forget and output gates, the prediction and the loss) for every
//! character at once, the recurrence in a loop over characters that writes each hidden state
//! into a row; `#[differentiate]` gives the gradient with respect to the main and extra
//! parameters.
//! `reference_objective` is a plain port of ADBench's C++ loops, used to check the value.
use autodiff::ndarray::{s, Array2, Axis};
use autodiff::prelude::*;

/// One ADBench LSTM input.
pub struct Input {
    /// Per layer a weight row and a bias row, each the forget, ingate, outgate and change
    /// blocks of b (2l × 4b).
    pub main_params: Array2<f64>,
    /// Input weight, output weight, output bias (3 × b).
    pub extra_params: Array2<f64>,
    /// Per layer the hidden state and the cell (2l × b).
    pub state: Array2<f64>,
    /// The characters (c × b).
    pub sequence: Array2<f64>,
}

/// Parses ADBench's LSTM format (`l c b`, main_params, extra_params, state, sequence).
pub fn parse(text: &str) -> Result<Input, String> {
    let mut numbers = super::numbers::Numbers::new(text);
    let (l, c, b) = (numbers.size("l")?, numbers.size("c")?, numbers.size("b")?);
    Ok(Input {
        main_params: numbers.matrix(2 * l, 4 * b, "main_params")?,
        extra_params: numbers.matrix(3, b, "extra_params")?,
        state: numbers.matrix(2 * l, b, "the state")?,
        sequence: numbers.matrix(c, b, "the sequence")?,
    })
}

/// The objective, differentiated with respect to the main and the extra parameters.
///
/// Layer by layer rather than character by character (the same arithmetic: layer `i` at
/// character `t` reads only layer `i - 1` at `t` and itself at `t - 1`). A layer's forget
/// and output gates read only its input, so they are computed for every character at once,
/// as are the first layer's input and the prediction and loss; the loop over characters
/// keeps only the recurrence through the hidden state.
#[differentiate(wrt(main_params, extra_params))]
pub fn objective(
    main_params: &Array2<f64>,
    extra_params: &Array2<f64>,
    state: &Array2<f64>,
    sequence: &Array2<f64>,
) -> f64 {
    let (l, c, b) = (main_params.nrows() / 2, sequence.nrows(), sequence.ncols());
    let mut inputs = &sequence.slice(s![0..c - 1, ..]) * &extra_params.row(0);
    for i in 0..l {
        let (w, bias) = (main_params.row(2 * i), main_params.row(2 * i + 1));
        let forget = sigmoid(&(&inputs * &w.slice(s![0..b]) + bias.slice(s![0..b])));
        let outgate =
            sigmoid(&(&inputs * &w.slice(s![2 * b..3 * b]) + bias.slice(s![2 * b..3 * b])));
        let (w_in, b_in) = (w.slice(s![b..2 * b]), bias.slice(s![b..2 * b]));
        let (w_change, b_change) = (w.slice(s![3 * b..4 * b]), bias.slice(s![3 * b..4 * b]));
        let mut hidden = state.row(2 * i).to_owned();
        let mut cell = state.row(2 * i + 1).to_owned();
        let mut outputs = Array2::<f64>::zeros((c - 1, b));
        for t in 0..c - 1 {
            let ingate = sigmoid(&(&hidden * &w_in + b_in));
            let change = (&hidden * &w_change + b_change).tanh();
            cell = &cell * &forget.row(t) + &ingate * &change;
            hidden = &outgate.row(t) * &cell.tanh();
            outputs.row_mut(t).assign(&hidden);
        }
        inputs = outputs;
    }
    let ypred = &inputs * &extra_params.row(1) + extra_params.row(2);
    let lse = (ypred.exp().sum_axis(Axis(1)) + 2.0).ln();
    let next = sequence.slice(s![1..c, ..]);
    let total = (&next * &ypred).sum() - (&lse * &next.sum_axis(Axis(1))).sum();
    -total / (((c - 1) * b) as f64)
}

/// ADBench's C++ objective, loop for loop (the value check of `objective`).
#[allow(clippy::needless_range_loop)] // the C++ loops, index for index
pub fn reference_objective(input: &Input) -> f64 {
    let (l, b, c) = (
        input.main_params.nrows() / 2,
        input.sequence.ncols(),
        input.sequence.nrows(),
    );
    let sigmoid = |x: f64| 1.0 / (1.0 + (-x).exp());
    let (mp, ep) = (&input.main_params, &input.extra_params);
    let mut st = input.state.clone();
    let mut total = 0.0;
    for t in 0..c - 1 {
        let mut layer: Vec<f64> = (0..b)
            .map(|i| input.sequence[[t, i]] * ep[[0, i]])
            .collect();
        for li in 0..l {
            for i in 0..b {
                let w = |g: usize| mp[[2 * li, g * b + i]];
                let bias = |g: usize| mp[[2 * li + 1, g * b + i]];
                let forget = sigmoid(layer[i] * w(0) + bias(0));
                let ingate = sigmoid(st[[2 * li, i]] * w(1) + bias(1));
                let outgate = sigmoid(layer[i] * w(2) + bias(2));
                let change = (st[[2 * li, i]] * w(3) + bias(3)).tanh();
                st[[2 * li + 1, i]] = st[[2 * li + 1, i]] * forget + ingate * change;
                st[[2 * li, i]] = outgate * st[[2 * li + 1, i]].tanh();
            }
            layer = (0..b).map(|i| st[[2 * li, i]]).collect();
        }
        let ypred: Vec<f64> = (0..b).map(|i| layer[i] * ep[[1, i]] + ep[[2, i]]).collect();
        let lse = (ypred.iter().map(|y| y.exp()).sum::<f64>() + 2.0).ln();
        for i in 0..b {
            total += input.sequence[[t + 1, i]] * (ypred[i] - lse);
        }
    }
    -total / ((c - 1) * b) as f64
}

/// The value of `objective` at an input.
pub fn value(input: &Input) -> f64 {
    objective(
        &input.main_params,
        &input.extra_params,
        &input.state,
        &input.sequence,
    )
}

/// The value and the gradient, flattened in ADBench's order: main_params, extra_params.
pub fn gradient(input: &Input) -> (f64, Vec<f64>) {
    let (v, (dm, de)) = objective_grad(
        &input.main_params,
        &input.extra_params,
        &input.state,
        &input.sequence,
    );
    (v, dm.iter().chain(de.iter()).copied().collect())
}
