//! Gradient descent with momentum, in PyTorch's form.
use super::state::{self, to, Rule, State};
use crate::{Differentiable, Float};
use ndarray::{ArrayD, ArrayViewD, ArrayViewMutD, Zip};

/// Gradient descent with momentum, in PyTorch's form (`torch.optim.SGD(momentum=β)` without
/// dampening): for every leaf `p` with gradient `g` and velocity `v` (zero before the first
/// step),
///
/// ```text
/// v ← β·v + g
/// p ← p − lr·v
/// ```
///
/// (Other texts write `v ← β·v + lr·g, p ← p − v`; with a constant `lr` the two agree.)
///
/// The velocities are sized at the first step, one per leaf of the parameters in visiting
/// order; later steps must get parameters of the same structure.
///
/// ```
/// use autodiff_runtime::optim::Momentum;
/// use ndarray::array;
///
/// let mut opt = Momentum::new(0.1, 0.9);
/// let mut w = array![1.0, -1.0];
/// opt.step(&mut w, &array![1.0, 2.0]); // v = g
/// assert_eq!(w, array![0.9, -1.2]);
/// opt.step(&mut w, &array![1.0, 2.0]); // v = 0.9 g + g = 1.9 g
/// assert!((w[0] - 0.71_f64).abs() < 1e-12 && (w[1] + 1.58_f64).abs() < 1e-12);
/// ```
#[derive(Debug, Clone)]
pub struct Momentum<A> {
    /// The learning rate.
    pub lr: A,
    /// The momentum coefficient `β`, in `[0, 1)`: the weight of the previous velocity.
    pub beta: A,
    /// One velocity per leaf, from the first step on.
    velocity: State<1>,
}

impl<A: Float> Momentum<A> {
    /// An optimiser with learning rate `lr` and momentum `beta` (PyTorch's `momentum`; 0.9 is
    /// usual). `beta = 0` is plain SGD.
    ///
    /// # Panics
    ///
    /// If `lr` is negative, NaN or infinite, or `beta` is outside `[0, 1)`.
    ///
    /// ```
    /// let opt = autodiff_runtime::optim::Momentum::new(0.01_f32, 0.9);
    /// assert_eq!((opt.lr, opt.beta), (0.01, 0.9));
    /// ```
    #[track_caller]
    pub fn new(lr: A, beta: A) -> Self {
        assert!(
            lr.is_finite() && lr >= A::zero(),
            "Momentum::new: the learning rate must be finite and non-negative, got {lr}"
        );
        assert!(
            beta >= A::zero() && beta < A::one(),
            "Momentum::new: the momentum beta must be in [0, 1), got {beta}"
        );
        Momentum {
            lr,
            beta,
            velocity: None,
        }
    }

    /// One step, in place, on every leaf of `params` with the corresponding leaf of `grads`
    /// (see the type's documentation for the update). The first step sizes the velocities.
    ///
    /// # Panics
    ///
    /// If `grads` does not have the structure of `params` (arrays of different shapes, `Vec`s
    /// of different lengths), or `params` has another number of leaves, or a leaf another
    /// shape or element type, than at the first step. `params` and the state are then
    /// unchanged.
    ///
    /// ```
    /// use autodiff_runtime::optim::Momentum;
    /// let mut opt = Momentum::new(0.5, 0.5);
    /// let mut p = vec![0.0_f32; 2];
    /// opt.step(&mut p, &vec![1.0, -1.0]);
    /// assert_eq!(p, [-0.5, 0.5]);
    /// ```
    #[track_caller]
    pub fn step<P: Differentiable>(&mut self, params: &mut P, grads: &P) {
        let rule = Velocity {
            lr: self.lr,
            beta: self.beta,
        };
        state::step("Momentum::step", &mut self.velocity, params, grads, &rule);
    }

    /// Forgets the velocities: the next step is a first step again (of any structure).
    ///
    /// ```
    /// use autodiff_runtime::optim::Momentum;
    /// let mut opt = Momentum::new(0.1, 0.9);
    /// opt.step(&mut 1.0_f64, &1.0);
    /// opt.reset();
    /// opt.step(&mut vec![1.0_f64, 2.0], &vec![1.0, 1.0]); // another structure
    /// ```
    pub fn reset(&mut self) {
        self.velocity = None;
    }
}

/// `v ← β·v + g; p ← p − lr·v`.
struct Velocity<A> {
    lr: A,
    beta: A,
}

impl<A: Float> Rule<1> for Velocity<A> {
    fn update<B: Float>(
        &self,
        param: ArrayViewMutD<'_, B>,
        grad: ArrayViewD<'_, B>,
        [velocity]: [&mut ArrayD<B>; 1],
    ) {
        let (lr, beta): (B, B) = (to(self.lr), to(self.beta));
        Zip::from(param)
            .and(&grad)
            .and(velocity)
            .for_each(|p, &g, v| {
                *v = beta * *v + g;
                *p -= lr * *v;
            });
    }
}
