//! The network peers, shared by `peers.rs` (criterion) and `interleaved.rs`: candle, dfdx and
//! autograd on `cross_entropy(sigmoid(X W1) W2, y)` in f32 (gradients for W1 and W2 only),
//! each built from the same inputs and checked against our gradient before it is timed.
use autodiff::ndarray::Array2;

/// Makes every library single-threaded, as ours is: candle's and dfdx's CPU matmuls use
/// `gemm` with a rayon pool sized from `RAYON_NUM_THREADS` (unless already set). Call it
/// before any pool exists.
pub fn single_threaded() {
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        std::env::set_var("RAYON_NUM_THREADS", "1");
    }
}

/// Max |a - b| relative to the largest |b| (at least 1e-3, so a tiny gradient is not
/// compared at the noise level), `a` given row-major.
fn rel_diff(a: &[f32], b: &Array2<f32>) -> f32 {
    assert_eq!(a.len(), b.len(), "gradient sizes differ");
    let scale = b.fold(1e-3_f32, |m, &v| m.max(v.abs()));
    let diff = a
        .iter()
        .zip(b.iter())
        .fold(0.0_f32, |m, (&p, &q)| m.max((p - q).abs()));
    diff / scale
}

/// Checks a peer's loss and gradients against ours (relative difference below 1e-3).
pub fn check(
    name: &str,
    size: &str,
    got: (f32, Vec<f32>, Vec<f32>),
    want: (f32, &Array2<f32>, &Array2<f32>),
) {
    let (l, g1, g2) = got;
    let (lw, w1, w2) = want;
    let el = (l - lw).abs() / lw.abs().max(1e-3);
    let e1 = rel_diff(&g1, w1);
    let e2 = rel_diff(&g2, w2);
    assert!(
        el < 1e-3 && e1 < 1e-3 && e2 < 1e-3,
        "{name} at {size}: loss {l} vs {lw} (rel {el}), dW1 rel {e1}, dW2 rel {e2}"
    );
    eprintln!("check {name:>12} at {size}: loss rel {el:.1e}, dW1 rel {e1:.1e}, dW2 rel {e2:.1e}");
}

/// candle: `Var`s for W1 and W2, a plain `Tensor` for X; candle-nn's fused `sigmoid` op and
/// its `cross_entropy` (max-shifted `log_softmax` + `gather`, mean over the batch).
pub mod candle_net {
    use candle_core::{backprop::GradStore, DType, Device, Result, Tensor, Var};

    pub struct Net {
        pub x: Tensor,
        pub w1: Var,
        pub w2: Var,
        pub y: Tensor,
    }

    impl Net {
        pub fn new(
            x: &[f32],
            w1: &[f32],
            w2: &[f32],
            y: &[usize],
            dims: (usize, usize, usize, usize),
        ) -> Result<Net> {
            let (b, d, h, c) = dims;
            let dev = Device::Cpu;
            let y: Vec<u32> = y.iter().map(|&v| v as u32).collect();
            Ok(Net {
                x: Tensor::from_slice(x, (b, d), &dev)?,
                w1: Var::from_tensor(&Tensor::from_slice(w1, (d, h), &dev)?)?,
                w2: Var::from_tensor(&Tensor::from_slice(w2, (h, c), &dev)?)?,
                y: Tensor::from_slice(&y, b, &dev)?.to_dtype(DType::U32)?,
            })
        }

        /// Forward, backward; the loss and the gradient store (holding dW1, dW2).
        pub fn step(&self) -> Result<(f32, GradStore)> {
            let s = candle_nn::ops::sigmoid(&self.x.matmul(self.w1.as_tensor())?)?;
            let logits = s.matmul(self.w2.as_tensor())?;
            let l = candle_nn::loss::cross_entropy(&logits, &self.y)?;
            let grads = l.backward()?;
            Ok((l.to_scalar::<f32>()?, grads))
        }

        pub fn gradients(&self) -> Result<(f32, Vec<f32>, Vec<f32>)> {
            let (l, grads) = self.step()?;
            let g1 = grads
                .get(&self.w1)
                .expect("dW1")
                .flatten_all()?
                .to_vec1::<f32>()?;
            let g2 = grads
                .get(&self.w2)
                .expect("dW2")
                .flatten_all()?
                .to_vec1::<f32>()?;
            Ok((l, g1, g2))
        }
    }
}

/// dfdx: a `Cpu` device, runtime-sized tensors, a tape traced from W1 and W2 only;
/// `cross_entropy_with_logits_loss` against one-hot targets (max-shifted `log_softmax`).
pub mod dfdx_net {
    use dfdx::prelude::*;

    type M = Tensor<(usize, usize), f32, Cpu>;

    pub struct Net {
        pub x: M,
        pub w1: M,
        pub w2: M,
        pub onehot: M,
    }

    impl Net {
        pub fn new(
            x: &[f32],
            w1: &[f32],
            w2: &[f32],
            y: &[usize],
            dims: (usize, usize, usize, usize),
        ) -> Net {
            let (b, d, h, c) = dims;
            let dev = Cpu::default();
            let mut onehot = vec![0.0_f32; b * c];
            for (i, &l) in y.iter().enumerate() {
                onehot[i * c + l] = 1.0;
            }
            Net {
                x: dev.tensor_from_vec(x.to_vec(), (b, d)),
                w1: dev.tensor_from_vec(w1.to_vec(), (d, h)),
                w2: dev.tensor_from_vec(w2.to_vec(), (h, c)),
                onehot: dev.tensor_from_vec(onehot, (b, c)),
            }
        }

        /// Forward, backward; the loss and the gradients (holding dW1, dW2).
        ///
        /// dfdx's `matmul` needs the taped operand on the left, so W1's tape is moved onto X
        /// (a tape is only the list of backward ops; X's own gradient is not read).
        pub fn step(&self) -> (f32, Gradients<f32, Cpu>) {
            let (w1, tape) = self.w1.clone().traced(Gradients::leaky()).split_tape();
            let w2 = self.w2.clone().traced(Gradients::leaky());
            let s = self.x.clone().put_tape(tape).matmul(w1).sigmoid();
            let logits = s.matmul(w2);
            let l = cross_entropy_with_logits_loss(logits, self.onehot.clone());
            let v = l.array();
            (v, l.backward())
        }

        pub fn gradients(&self) -> (f32, Vec<f32>, Vec<f32>) {
            let (l, grads) = self.step();
            (
                l,
                grads.get(&self.w1).as_vec(),
                grads.get(&self.w2).as_vec(),
            )
        }
    }
}

/// autograd (rust-autograd): the graph is defined per step inside `ag::with`, X and the
/// labels are constants (shared, not copied), W1 and W2 shared variables;
/// `sparse_softmax_cross_entropy` (max-shifted) then `reduce_mean`; `g.grad` asks for dW1
/// and dW2 only, and the lazy evaluator computes only what those need.
pub mod autograd_net {
    use autograd as ag;
    use autograd::ndarray as nd;
    use autograd::tensor::{Constant, Variable};
    use autograd::NdArray;
    use std::sync::{Arc, RwLock};

    pub struct Net {
        pub x: Arc<NdArray<f32>>,
        pub y: Arc<NdArray<f32>>,
        pub w1: Arc<RwLock<NdArray<f32>>>,
        pub w2: Arc<RwLock<NdArray<f32>>>,
    }

    impl Net {
        pub fn new(
            x: &[f32],
            w1: &[f32],
            w2: &[f32],
            y: &[usize],
            dims: (usize, usize, usize, usize),
        ) -> Net {
            let (b, d, h, c) = dims;
            let arr = |v: &[f32], s: &[usize]| nd::Array::from_shape_vec(s, v.to_vec()).unwrap();
            let labels: Vec<f32> = y.iter().map(|&v| v as f32).collect();
            Net {
                x: Arc::new(arr(x, &[b, d])),
                y: Arc::new(arr(&labels, &[b, 1])),
                w1: Arc::new(RwLock::new(arr(w1, &[d, h]))),
                w2: Arc::new(RwLock::new(arr(w2, &[h, c]))),
            }
        }

        /// Builds the graph and evaluates `[loss, dW1, dW2]`.
        pub fn step(&self) -> Vec<Result<NdArray<f32>, ag::EvalError>> {
            let mut out = Vec::new();
            ag::with(|g: &mut ag::Graph<f32>| {
                let x = g.constant(self.x.clone());
                let y = g.constant(self.y.clone());
                let w1 = g.variable(self.w1.clone());
                let w2 = g.variable(self.w2.clone());
                let s = g.sigmoid(g.matmul(x, w1));
                let logits = g.matmul(s, w2);
                let l = g.reduce_mean(g.sparse_softmax_cross_entropy(logits, y), &[0, 1], false);
                let grads = g.grad(&[l], &[w1, w2]);
                out = g.eval(&[l, grads[0], grads[1]], &[]);
            });
            out
        }

        pub fn gradients(&self) -> (f32, Vec<f32>, Vec<f32>) {
            let mut r = self.step().into_iter().map(|a| a.expect("autograd eval"));
            let l = r.next().unwrap();
            let flat = |a: NdArray<f32>| a.iter().copied().collect::<Vec<f32>>();
            let l = flat(l)[0];
            (l, flat(r.next().unwrap()), flat(r.next().unwrap()))
        }
    }
}

/// The three peers at one size, built from the inputs and each checked against our loss and
/// gradients (`want`) first.
pub struct Peers {
    pub candle: candle_net::Net,
    pub dfdx: dfdx_net::Net,
    pub autograd: autograd_net::Net,
}

impl Peers {
    pub fn checked(
        (x, w1, w2, y): (&Array2<f32>, &Array2<f32>, &Array2<f32>, &[usize]),
        want: (f32, &Array2<f32>, &Array2<f32>),
        size: &str,
    ) -> Peers {
        let flat = |a: &Array2<f32>| a.iter().copied().collect::<Vec<f32>>();
        let dims = (x.nrows(), x.ncols(), w1.ncols(), w2.ncols());
        let (xs, w1s, w2s) = (flat(x), flat(w1), flat(w2));
        let candle = candle_net::Net::new(&xs, &w1s, &w2s, y, dims).expect("candle inputs");
        check(
            "candle",
            size,
            candle.gradients().expect("candle step"),
            want,
        );
        let dfdx = dfdx_net::Net::new(&xs, &w1s, &w2s, y, dims);
        check("dfdx", size, dfdx.gradients(), want);
        let autograd = autograd_net::Net::new(&xs, &w1s, &w2s, y, dims);
        check("autograd", size, autograd.gradients(), want);
        Peers {
            candle,
            dfdx,
            autograd,
        }
    }
}
