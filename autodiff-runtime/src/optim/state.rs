//! The per-leaf state of the stateful optimisers, sized at their first step, and the two
//! passes of every step: check the parameters against the gradient (and the state), then
//! update. A step that panics on a mismatch has changed nothing.
use crate::{Differentiable, Float, LeafPairVisitor, LeafPath};
use ndarray::{ArrayD, ArrayViewD, ArrayViewMutD};
use std::any::{type_name, Any};

/// One array of optimiser state, of its leaf's element type and shape.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Buffer {
    F32(ArrayD<f32>),
    F64(ArrayD<f64>),
}

impl Buffer {
    /// Zeros of type `A` and the given shape.
    #[track_caller]
    fn zeros<A: Float>(op: &str, shape: &[usize]) -> Self {
        let zeros: Box<dyn Any> = Box::new(ArrayD::<A>::zeros(shape));
        match zeros.downcast::<ArrayD<f32>>() {
            Ok(a) => Buffer::F32(*a),
            Err(zeros) => match zeros.downcast::<ArrayD<f64>>() {
                Ok(a) => Buffer::F64(*a),
                Err(_) => panic!(
                    "{op}: optimiser state exists for f32 and f64 leaves, not {}",
                    type_name::<A>()
                ),
            },
        }
    }

    /// The array, if its element type is `A`.
    fn get<A: Float>(&self) -> Option<&ArrayD<A>> {
        match self {
            Buffer::F32(a) => (a as &dyn Any).downcast_ref(),
            Buffer::F64(a) => (a as &dyn Any).downcast_ref(),
        }
    }

    /// The array, if its element type is `A`.
    fn get_mut<A: Float>(&mut self) -> Option<&mut ArrayD<A>> {
        match self {
            Buffer::F32(a) => (a as &mut dyn Any).downcast_mut(),
            Buffer::F64(a) => (a as &mut dyn Any).downcast_mut(),
        }
    }

    /// Element type and shape, for messages.
    fn describe(&self) -> String {
        match self {
            Buffer::F32(a) => format!("f32 of shape {:?}", a.shape()),
            Buffer::F64(a) => format!("f64 of shape {:?}", a.shape()),
        }
    }
}

/// `K` arrays of state per leaf, in the order of `visit_leaves`; `None` before the first step.
pub(crate) type State<const K: usize> = Option<Vec<[Buffer; K]>>;

/// One optimiser's update of a leaf from its gradient and its `K` state arrays (of the leaf's
/// shape and type).
pub(crate) trait Rule<const K: usize> {
    fn update<A: Float>(
        &self,
        param: ArrayViewMutD<'_, A>,
        grad: ArrayViewD<'_, A>,
        state: [&mut ArrayD<A>; K],
    );
}

/// One step of a stateful optimiser `op`: checks `grads` against `params` and `params` against
/// the state (sizing it at the first step), then applies `rule` leaf by leaf.
#[track_caller]
pub(crate) fn step<P, R, const K: usize>(
    op: &'static str,
    state: &mut State<K>,
    params: &mut P,
    grads: &P,
    rule: &R,
) where
    P: Differentiable,
    R: Rule<K>,
{
    let root = LeafPath::root(op, "parameter", "gradient");
    let mut check = Check {
        op,
        existing: state.as_deref(),
        fresh: Vec::new(),
        leaves: 0,
    };
    params.visit_leaf_pairs_at(grads, &mut check, &root);
    let (leaves, fresh) = (check.leaves, check.fresh);
    match state {
        None => *state = Some(fresh),
        Some(existing) if existing.len() != leaves => panic!(
            "{op}: the parameters have {leaves} leaves but had {} at the first step: an \
             optimiser's state fits the parameters of its first step (use a new optimiser, \
             or `reset()`, for others)",
            existing.len()
        ),
        Some(_) => {}
    }
    if let Some(existing) = state {
        let mut apply = Apply {
            op,
            rule,
            state: existing.iter_mut(),
        };
        params.visit_leaf_pairs_at(grads, &mut apply, &root);
    }
}

/// The first pass: counts the leaves, checks each against its state, or sizes new state.
struct Check<'s, const K: usize> {
    op: &'static str,
    existing: Option<&'s [[Buffer; K]]>,
    fresh: Vec<[Buffer; K]>,
    leaves: usize,
}

impl<const K: usize> LeafPairVisitor for Check<'_, K> {
    fn pair<A: Float>(&mut self, leaf: ArrayViewMutD<'_, A>, _grad: ArrayViewD<'_, A>) {
        let op = self.op;
        let index = self.leaves;
        self.leaves += 1;
        let Some(existing) = self.existing else {
            self.fresh.push(std::array::from_fn(|_| {
                Buffer::zeros::<A>(op, leaf.shape())
            }));
            return;
        };
        let Some(buffers) = existing.get(index) else {
            panic!(
                "{op}: the parameters have more leaves than the {} of the first step: an \
                 optimiser's state fits the parameters of its first step (use a new optimiser, \
                 or `reset()`, for others)",
                existing.len()
            );
        };
        for buffer in buffers {
            if buffer.get::<A>().is_none_or(|a| a.shape() != leaf.shape()) {
                panic!(
                    "{op}: leaf {index} of the parameters is {} of shape {:?} but was {} at \
                     the first step: an optimiser's state fits the parameters of its first \
                     step (use a new optimiser, or `reset()`, for others)",
                    type_name::<A>(),
                    leaf.shape(),
                    buffer.describe()
                );
            }
        }
    }
}

/// The second pass: the update, leaf by leaf, with the leaf's state.
struct Apply<'s, 'r, R, const K: usize> {
    op: &'static str,
    rule: &'r R,
    state: std::slice::IterMut<'s, [Buffer; K]>,
}

impl<R: Rule<K>, const K: usize> LeafPairVisitor for Apply<'_, '_, R, K> {
    fn pair<A: Float>(&mut self, leaf: ArrayViewMutD<'_, A>, grad: ArrayViewD<'_, A>) {
        let op = self.op;
        // The first pass has matched every leaf with its state, so neither fails.
        let Some(buffers) = self.state.next() else {
            panic!("{op}: the parameters have more leaves than the optimiser's state");
        };
        let arrays = buffers.each_mut().map(|b| match b.get_mut::<A>() {
            Some(a) => a,
            None => panic!(
                "{op}: the optimiser's state for a {} leaf has another type",
                type_name::<A>()
            ),
        });
        self.rule.update(leaf, grad, arrays);
    }
}

/// Converts a hyperparameter to a leaf's element type.
pub(crate) fn to<A: Float, B: Float>(x: A) -> B {
    B::of_f64(x.as_f64())
}
