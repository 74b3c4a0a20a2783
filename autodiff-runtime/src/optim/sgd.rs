//! Plain stochastic gradient descent.
use super::state::to;
use crate::{Differentiable, Float, LeafPairVisitor, LeafPath};
use ndarray::{ArrayViewD, ArrayViewMutD, Zip};

/// Plain stochastic gradient descent: `p ← p − lr·g` for every leaf `p` and its gradient `g`.
///
/// ```
/// use autodiff_runtime::optim::Sgd;
/// use ndarray::array;
///
/// // minimise f(w) = Σ (w - 3)², whose gradient is 2 (w - 3)
/// let sgd = Sgd::new(0.25);
/// let mut w = array![0.0, 10.0];
/// for _ in 0..50 {
///     let grad = w.mapv(|v| 2.0 * (v - 3.0));
///     sgd.step(&mut w, &grad);
/// }
/// assert!(w.iter().all(|&v| (v - 3.0_f64).abs() < 1e-9));
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sgd<A> {
    /// The learning rate: the step size along the negative gradient.
    pub lr: A,
}

impl<A: Float> Sgd<A> {
    /// An optimiser with learning rate `lr`. Its type is only that of the hyperparameter:
    /// `Sgd::new(0.1)` steps `f32` and `f64` parameters alike.
    ///
    /// # Panics
    ///
    /// If `lr` is negative, NaN or infinite.
    ///
    /// ```
    /// let sgd = autodiff_runtime::optim::Sgd::new(0.1_f32);
    /// assert_eq!(sgd.lr, 0.1);
    /// ```
    #[track_caller]
    pub fn new(lr: A) -> Self {
        assert!(
            lr.is_finite() && lr >= A::zero(),
            "Sgd::new: the learning rate must be finite and non-negative, got {lr}"
        );
        Sgd { lr }
    }

    /// One step, in place: `p ← p − lr·g` for every leaf of `params` and the corresponding
    /// leaf of `grads` (an array, a scalar, a `Vec`, or a struct with
    /// `#[derive(Differentiable)]`). `lr` is converted to each leaf's element type.
    ///
    /// # Panics
    ///
    /// If `grads` does not have the structure of `params`: arrays of different shapes or
    /// `Vec`s of different lengths (the message names both and the field). `params` is then
    /// unchanged.
    ///
    /// ```
    /// use autodiff_runtime::optim::Sgd;
    /// use ndarray::array;
    /// let mut w = array![[1.0, 2.0], [3.0, 4.0]];
    /// Sgd::new(0.5).step(&mut w, &array![[2.0, 0.0], [-2.0, 4.0]]);
    /// assert_eq!(w, array![[0.0, 2.0], [4.0, 2.0]]);
    ///
    /// // f64 learning rate, f32 parameters in a Vec
    /// let mut v = vec![1.0_f32, 2.0];
    /// Sgd::new(0.5).step(&mut v, &vec![2.0, -2.0]);
    /// assert_eq!(v, [0.0, 3.0]);
    /// ```
    #[track_caller]
    pub fn step<P: Differentiable>(&self, params: &mut P, grads: &P) {
        let root = LeafPath::root("Sgd::step", "parameter", "gradient");
        // Every shape checked before anything changes.
        params.visit_leaf_pairs_at(grads, &mut Unchanged, &root);
        params.visit_leaf_pairs_at(grads, &mut Descend(self.lr), &root);
    }

    /// One step on a scalar parameter, in place: `param ← param − lr·grad`.
    ///
    /// ```
    /// use autodiff_runtime::optim::Sgd;
    /// let mut b = 1.0_f64;
    /// Sgd::new(0.1).step_scalar(&mut b, 5.0);
    /// assert!((b - 0.5).abs() < 1e-15);
    /// ```
    pub fn step_scalar(&self, param: &mut A, grad: A) {
        *param -= self.lr * grad;
    }
}

/// Visits the pairs, changing nothing: the shape check of the first pass.
struct Unchanged;

impl LeafPairVisitor for Unchanged {
    fn pair<B: Float>(&mut self, _leaf: ArrayViewMutD<'_, B>, _grad: ArrayViewD<'_, B>) {}
}

/// `p ← p − lr·g`.
struct Descend<A>(A);

impl<A: Float> LeafPairVisitor for Descend<A> {
    fn pair<B: Float>(&mut self, leaf: ArrayViewMutD<'_, B>, grad: ArrayViewD<'_, B>) {
        let lr: B = to(self.0);
        Zip::from(leaf).and(&grad).for_each(|p, &g| *p -= lr * g);
    }
}
