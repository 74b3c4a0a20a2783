//! The two-layer network `cross_entropy(sigmoid(X W1) W2, y)` in f32 (gradients for W1 and
//! W2 only) at two sizes: ours, the careful hand-written gradient, candle, dfdx and autograd.
use autodiff::ndarray::Array2;
use criterion::{BenchmarkId, Criterion};
use std::hint::black_box;
use std::time::Duration;
// ---------------------------------------------------------------------------------------
// 3. Two-layer network (as benches/network.rs)
// ---------------------------------------------------------------------------------------

// The peers use a subset of the shared workload.
#[allow(dead_code)]
#[path = "../../../benches/workloads/network.rs"]
mod workloads;
use workloads::*;

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
fn check(
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
mod candle_net {
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
mod dfdx_net {
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
mod autograd_net {
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

pub fn network(c: &mut Criterion) {
    let mut group = c.benchmark_group("network f32");
    for &(b, d, h, k) in &[(64, 64, 32, 10), (256, 784, 256, 10)] {
        let (x, w1, w2, y) = inputs(b, d, h, k);
        let mut work = Work::new(b, d, h, k);
        let size = format!("B={b} D={d} H={h} C={k}");
        let dims = (b, d, h, k);
        if b > 64 {
            group.sample_size(10);
            group.measurement_time(Duration::from_secs(4));
        } else {
            group.sample_size(30);
            group.measurement_time(Duration::from_secs(3));
        }

        // Ours is the reference: the hand-written gradient and every peer agree with it
        // (relative difference below 1e-3) before anything is timed.
        let (l, (dw1, dw2)) = loss_grad(&x, &w1, &w2, &y);
        let lh = hand_grad(&x, &w1, &w2, &y, &mut work);
        let want = (l, &dw1, &dw2);
        let flat = |a: &Array2<f32>| a.iter().copied().collect::<Vec<f32>>();
        check(
            "hand-written",
            &size,
            (lh, flat(&work.dw1), flat(&work.dw2)),
            want,
        );
        let nonzero = dw1.iter().filter(|v| v.abs() > 1e-7).count();
        assert!(
            nonzero > dw1.len() / 2,
            "dW1 is nearly all zero: the check is trivial"
        );

        let (xs, w1s, w2s) = (flat(&x), flat(&w1), flat(&w2));
        let cn = candle_net::Net::new(&xs, &w1s, &w2s, &y, dims).expect("candle inputs");
        check("candle", &size, cn.gradients().expect("candle step"), want);
        let dn = dfdx_net::Net::new(&xs, &w1s, &w2s, &y, dims);
        check("dfdx", &size, dn.gradients(), want);
        let an = autograd_net::Net::new(&xs, &w1s, &w2s, &y, dims);
        check("autograd", &size, an.gradients(), want);

        group.bench_with_input(BenchmarkId::new("ours loss_grad", &size), &(), |bn, _| {
            bn.iter(|| loss_grad(black_box(&x), black_box(&w1), black_box(&w2), black_box(&y)))
        });
        group.bench_with_input(BenchmarkId::new("hand-written", &size), &(), |bn, _| {
            bn.iter(|| {
                hand_grad(
                    black_box(&x),
                    black_box(&w1),
                    black_box(&w2),
                    black_box(&y),
                    &mut work,
                )
            })
        });
        group.bench_with_input(BenchmarkId::new("candle", &size), &(), |bn, _| {
            bn.iter(|| black_box(&cn).step().expect("candle step"))
        });
        group.bench_with_input(BenchmarkId::new("dfdx", &size), &(), |bn, _| {
            bn.iter(|| black_box(&dn).step())
        });
        group.bench_with_input(BenchmarkId::new("autograd", &size), &(), |bn, _| {
            bn.iter(|| black_box(&an).step())
        });
    }
    group.finish();
}
