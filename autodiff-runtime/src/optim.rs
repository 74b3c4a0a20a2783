//! Optimisers: update parameters in place from their gradients.
//!
//! ```
//! use autodiff_runtime::optim::Sgd;
//! use ndarray::array;
//!
//! // minimise f(w) = Σ (w - 3)², whose gradient is 2 (w - 3)
//! let sgd = Sgd::new(0.25);
//! let mut w = array![0.0, 10.0];
//! for _ in 0..50 {
//!     let grad = w.mapv(|v| 2.0 * (v - 3.0));
//!     sgd.step(&mut w, &grad);
//! }
//! assert!(w.iter().all(|&v| (v - 3.0_f64).abs() < 1e-9));
//! ```
use crate::Scalar;
use ndarray::{ArrayBase, Data, DataMut, Dimension, Zip};

/// Plain stochastic gradient descent: `w ← w - lr · ∂L/∂w`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sgd<A> {
    /// The learning rate: the step size along the negative gradient.
    pub lr: A,
}

impl<A: Scalar> Sgd<A> {
    /// An optimiser with learning rate `lr`.
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

    /// One step on an array parameter, in place: `param ← param - lr · grad`.
    ///
    /// # Panics
    ///
    /// If `grad` does not have the shape of `param` (the message names both).
    ///
    /// ```
    /// use autodiff_runtime::optim::Sgd;
    /// use ndarray::array;
    /// let mut w = array![[1.0, 2.0], [3.0, 4.0]];
    /// Sgd::new(0.5).step(&mut w, &array![[2.0, 0.0], [-2.0, 4.0]]);
    /// assert_eq!(w, array![[0.0, 2.0], [4.0, 2.0]]);
    /// ```
    #[track_caller]
    pub fn step<S, T, D>(&self, param: &mut ArrayBase<S, D>, grad: &ArrayBase<T, D>)
    where
        S: DataMut<Elem = A>,
        T: Data<Elem = A>,
        D: Dimension,
    {
        assert!(
            param.shape() == grad.shape(),
            "Sgd::step: the gradient has shape {:?} but the parameter has shape {:?}",
            grad.shape(),
            param.shape()
        );
        let lr = self.lr;
        Zip::from(param).and(grad).for_each(|w, &g| *w -= lr * g);
    }

    /// One step on a scalar parameter, in place: `param ← param - lr · grad`.
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
