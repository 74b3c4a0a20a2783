//! Adam, bias-corrected (Kingma and Ba; PyTorch's `torch.optim.Adam`).
use super::state::{self, to, Rule, State};
use crate::{Differentiable, Float};
use ndarray::{ArrayD, ArrayViewD, ArrayViewMutD, Zip};

/// Adam (Kingma and Ba, 2015), as PyTorch's `torch.optim.Adam` without weight decay: for every
/// leaf `p` with gradient `g` and moments `m`, `v` (zero before the first step), at step
/// `t = 1, 2, ..`,
///
/// ```text
/// m ← β₁·m + (1 − β₁)·g
/// v ← β₂·v + (1 − β₂)·g²
/// m̂ = m / (1 − β₁ᵗ)
/// v̂ = v / (1 − β₂ᵗ)
/// p ← p − lr·m̂ / (√v̂ + ε)
/// ```
///
/// The moments are sized at the first step, two per leaf of the parameters in visiting
/// order; later steps must get parameters of the same structure.
///
/// ```
/// use autodiff_runtime::optim::Adam;
/// use ndarray::array;
///
/// let mut adam = Adam::new(0.1);
/// let mut w = array![1.0, -1.0];
/// // At the first step m̂ = g and v̂ = g², so each leaf moves by lr·g/(|g| + ε).
/// adam.step(&mut w, &array![4.0, -0.5]);
/// assert!((w[0] - 0.9_f64).abs() < 1e-8 && (w[1] + 0.9_f64).abs() < 1e-7);
/// assert_eq!(adam.steps(), 1);
/// ```
#[derive(Debug, Clone)]
pub struct Adam<A> {
    /// The learning rate.
    pub lr: A,
    /// `β₁`, in `[0, 1)`: the decay of the first moment (0.9 by default).
    pub beta1: A,
    /// `β₂`, in `[0, 1)`: the decay of the second moment (0.999 by default).
    pub beta2: A,
    /// `ε`, positive: added to `√v̂` (1e-8 by default).
    pub eps: A,
    /// Steps taken: `t` of the last step.
    t: u64,
    /// The first and second moments of each leaf, from the first step on.
    moments: State<2>,
}

impl<A: Float> Adam<A> {
    /// Adam with learning rate `lr` and the usual `β₁ = 0.9`, `β₂ = 0.999`, `ε = 1e-8`.
    ///
    /// # Panics
    ///
    /// If `lr` is negative, NaN or infinite.
    ///
    /// ```
    /// let adam = autodiff_runtime::optim::Adam::new(1e-3);
    /// assert_eq!((adam.beta1, adam.beta2, adam.eps), (0.9, 0.999, 1e-8));
    /// ```
    #[track_caller]
    pub fn new(lr: A) -> Self {
        Self::checked(
            "Adam::new",
            lr,
            A::of_f64(0.9),
            A::of_f64(0.999),
            A::of_f64(1e-8),
        )
    }

    /// Adam with every hyperparameter given: learning rate `lr`, moment decays `beta1` and
    /// `beta2`, and `eps`.
    ///
    /// # Panics
    ///
    /// If `lr` is negative, NaN or infinite, a beta is outside `[0, 1)`, or `eps` is not
    /// positive and finite.
    ///
    /// ```
    /// let adam = autodiff_runtime::optim::Adam::with(0.01_f32, 0.8, 0.99, 1e-6);
    /// assert_eq!((adam.lr, adam.beta1, adam.beta2, adam.eps), (0.01, 0.8, 0.99, 1e-6));
    /// ```
    #[track_caller]
    pub fn with(lr: A, beta1: A, beta2: A, eps: A) -> Self {
        Self::checked("Adam::with", lr, beta1, beta2, eps)
    }

    #[track_caller]
    fn checked(op: &str, lr: A, beta1: A, beta2: A, eps: A) -> Self {
        assert!(
            lr.is_finite() && lr >= A::zero(),
            "{op}: the learning rate must be finite and non-negative, got {lr}"
        );
        assert!(
            beta1 >= A::zero() && beta1 < A::one(),
            "{op}: beta1 must be in [0, 1), got {beta1}"
        );
        assert!(
            beta2 >= A::zero() && beta2 < A::one(),
            "{op}: beta2 must be in [0, 1), got {beta2}"
        );
        assert!(
            eps.is_finite() && eps > A::zero(),
            "{op}: eps must be finite and positive, got {eps}"
        );
        Adam {
            lr,
            beta1,
            beta2,
            eps,
            t: 0,
            moments: None,
        }
    }

    /// One step, in place, on every leaf of `params` with the corresponding leaf of `grads`
    /// (see the type's documentation for the update). The first step sizes the moments.
    ///
    /// # Panics
    ///
    /// If `grads` does not have the structure of `params` (arrays of different shapes, `Vec`s
    /// of different lengths), or `params` has another number of leaves, or a leaf another
    /// shape or element type, than at the first step. `params`, the moments and the step
    /// count are then unchanged.
    ///
    /// ```
    /// use autodiff_runtime::optim::Adam;
    /// let mut adam = Adam::new(0.5);
    /// let mut p = [0.0_f32, 0.0];
    /// adam.step(&mut p, &[2.0, -3.0]);
    /// assert!((p[0] + 0.5).abs() < 1e-6 && (p[1] - 0.5).abs() < 1e-6);
    /// ```
    #[track_caller]
    pub fn step<P: Differentiable>(&mut self, params: &mut P, grads: &P) {
        let t = self.t + 1;
        // The bias corrections in f64 whatever the leaves' type; t as f64 is exact to 2^53.
        let t_f = t as f64;
        let (b1, b2) = (self.beta1.as_f64(), self.beta2.as_f64());
        let rule = Moments {
            lr: self.lr.as_f64(),
            beta1: b1,
            beta2: b2,
            one_minus_beta1: 1.0 - b1,
            one_minus_beta2: 1.0 - b2,
            eps: self.eps.as_f64(),
            correction1: 1.0 - b1.powf(t_f),
            correction2: 1.0 - b2.powf(t_f),
        };
        state::step("Adam::step", &mut self.moments, params, grads, &rule);
        self.t = t;
    }

    /// The number of steps taken (`t` of the last step; 0 before the first).
    ///
    /// ```
    /// let mut adam = autodiff_runtime::optim::Adam::new(0.1);
    /// adam.step(&mut 1.0_f64, &1.0);
    /// adam.step(&mut 1.0_f64, &1.0);
    /// assert_eq!(adam.steps(), 2);
    /// ```
    pub fn steps(&self) -> u64 {
        self.t
    }

    /// Forgets the moments and the step count: the next step is a first step again (of any
    /// structure).
    ///
    /// ```
    /// let mut adam = autodiff_runtime::optim::Adam::new(0.1);
    /// adam.step(&mut 1.0_f64, &1.0);
    /// adam.reset();
    /// assert_eq!(adam.steps(), 0);
    /// ```
    pub fn reset(&mut self) {
        self.t = 0;
        self.moments = None;
    }
}

/// One Adam update with the hyperparameters of this step, in f64 (converted per leaf).
struct Moments {
    lr: f64,
    beta1: f64,
    beta2: f64,
    /// `1 − β₁`, in f64 like the corrections, so that at `t = 1` `m̂ = g` to the last bit.
    one_minus_beta1: f64,
    /// `1 − β₂`.
    one_minus_beta2: f64,
    eps: f64,
    /// `1 − β₁ᵗ`.
    correction1: f64,
    /// `1 − β₂ᵗ`.
    correction2: f64,
}

impl Rule<2> for Moments {
    fn update<B: Float>(
        &self,
        param: ArrayViewMutD<'_, B>,
        grad: ArrayViewD<'_, B>,
        [m, v]: [&mut ArrayD<B>; 2],
    ) {
        let (lr, b1, b2, eps): (B, B, B, B) =
            (to(self.lr), to(self.beta1), to(self.beta2), to(self.eps));
        let (c1, c2): (B, B) = (to(self.correction1), to(self.correction2));
        let (a1, a2): (B, B) = (to(self.one_minus_beta1), to(self.one_minus_beta2));
        Zip::from(param)
            .and(&grad)
            .and(m)
            .and(v)
            .for_each(|p, &g, m, v| {
                // m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − lr·m̂/(√v̂ + ε)
                *m = b1 * *m + a1 * g;
                *v = b2 * *v + a2 * g * g;
                *p -= lr * (*m / c1) / ((*v / c2).sqrt() + eps);
            });
    }
}
