//! The MNIST example's network two ways, in f64: `Mlp`, the struct of layers of
//! `examples/mnist.rs` with its `#[differentiate(wrt(self))]` method (a copy of the example's
//! definitions, activation switch included), and the same one-hidden-layer network as a free
//! function of four arrays, `#[differentiate(wrt(w1, b1, w2, b2))]`. What reading the weights
//! through a struct parameter costs. Included with `#[path]` (not a bench target of its own).
use autodiff::ndarray::{Array1, Array2};
use autodiff::prelude::*;
use std::hint::black_box;

/// One fully connected layer: `x·w + b`.
#[derive(Differentiable, Clone, Debug)]
pub struct Layer {
    pub w: Array2<f64>,
    pub b: Array1<f64>,
}

/// The hidden layers' activation (data).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    Sigmoid,
    Relu,
}

/// Hidden layers with `activation`, then a linear layer giving the logits.
#[derive(Differentiable, Clone, Debug)]
pub struct Mlp {
    pub layers: Vec<Layer>,
    #[differentiable(skip)]
    pub activation: Activation,
}

impl Mlp {
    /// As in `examples/mnist.rs`.
    #[differentiate(wrt(self))]
    pub fn loss(&self, x: &Array2<f64>, y: &[usize]) -> f64 {
        let relu_on = self.activation == Activation::Relu;
        let last = self.layers.len() - 1;
        let z = x.dot(&self.layers[0].w) + &self.layers[0].b;
        let mut h = if relu_on { relu(&z) } else { sigmoid(&z) };
        for i in 1..last {
            let layer = &self.layers[i];
            let z = h.dot(&layer.w) + &layer.b;
            h = if relu_on { relu(&z) } else { sigmoid(&z) };
        }
        let out = &self.layers[last];
        cross_entropy(&(h.dot(&out.w) + &out.b), y)
    }
}

impl Mlp {
    /// The one-hidden-layer sigmoid network of [`loss`], read through the struct: what the
    /// struct costs by itself (no loop over the layers, no activation switch).
    #[differentiate(wrt(self))]
    pub fn loss_two_layers(&self, x: &Array2<f64>, y: &[usize]) -> f64 {
        let (l1, l2) = (&self.layers[0], &self.layers[1]);
        let hidden = sigmoid(&(x.dot(&l1.w) + &l1.b));
        cross_entropy(&(hidden.dot(&l2.w) + &l2.b), y)
    }
}

/// One timed call of `mlp.loss_two_layers_grad`, as [`struct_call`].
pub fn struct_two_layers_call(mlp: &Mlp, x: &Array2<f64>, y: &[usize]) -> f64 {
    let (l, (g,)) = black_box(mlp).loss_two_layers_grad(black_box(x), y);
    l + g.layers[0].w[[0, 0]] + g.layers[1].b[0]
}

/// The same network (one sigmoid hidden layer) with its weights as separate arrays.
#[differentiate(wrt(w1, b1, w2, b2))]
pub fn loss(
    x: &Array2<f64>,
    w1: &Array2<f64>,
    b1: &Array1<f64>,
    w2: &Array2<f64>,
    b2: &Array1<f64>,
    y: &[usize],
) -> f64 {
    let hidden = sigmoid(&(x.dot(w1) + b1));
    cross_entropy(&(hidden.dot(w2) + b2), y)
}

/// A batch `x` of `b` rows of `d` pixels in `[0, 1]`, its labels, and a sigmoid network
/// `d -> h -> c` with small smooth weights and nonzero biases.
pub fn inputs(b: usize, d: usize, h: usize, c: usize) -> (Array2<f64>, Vec<usize>, Mlp) {
    let x = Array2::from_shape_fn((b, d), |(i, j)| {
        0.5 + 0.5 * (0.1 * i as f64 + 0.37 * j as f64).sin()
    });
    let y = (0..b).map(|i| i % c).collect();
    let layer = |rows: usize, cols: usize, scale: f64| Layer {
        w: Array2::from_shape_fn((rows, cols), |(i, j)| {
            scale * (0.3 * i as f64 + 0.7 * j as f64).cos()
        }),
        b: Array1::from_shape_fn(cols, |j| 0.01 * (0.5 * j as f64).sin()),
    };
    let mlp = Mlp {
        layers: vec![layer(d, h, 0.05), layer(h, c, 0.2)],
        activation: Activation::Sigmoid,
    };
    (x, y, mlp)
}

/// One timed call of `mlp.loss_grad`, its results folded into a number to keep.
pub fn struct_call(mlp: &Mlp, x: &Array2<f64>, y: &[usize]) -> f64 {
    let (l, (g,)) = black_box(mlp).loss_grad(black_box(x), y);
    l + g.layers[0].w[[0, 0]] + g.layers[1].b[0]
}

/// One timed call of the free function's `loss_grad` on the same weights, as
/// [`struct_call`].
pub fn arrays_call(mlp: &Mlp, x: &Array2<f64>, y: &[usize]) -> f64 {
    let (l1, l2) = (&mlp.layers[0], &mlp.layers[1]);
    let (l, (dw1, _, _, db2)) = loss_grad(black_box(x), black_box(&l1.w), &l1.b, &l2.w, &l2.b, y);
    l + dw1[[0, 0]] + db2[0]
}
