//! `#[derive(Differentiable)]` and the trait's provided methods on derived structs: nested
//! structs, `Vec`s and fixed arrays of them, scalar fields, skipped fields, generic structs in
//! `f32` and `f64`; the visiting order; the panics on mismatched structures.
use autodiff::ndarray::{array, Array1, Array2, ArrayD, ArrayViewD, ArrayViewMutD};
use autodiff::prelude::*;
use autodiff::{LeafPairVisitor, LeafVisitor};

#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Layer<T: Float> {
    w: Array2<T>,
    b: Array1<T>,
}

#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Mlp {
    layers: Vec<Layer<f64>>,
    temperature: f64,
    #[differentiable(skip)]
    name: String,
}

/// Every kind of field at once, data fields in between.
#[derive(Differentiable, Clone, Debug, PartialEq)]
struct Everything {
    #[differentiable(skip)]
    id: usize,
    pair: [Layer<f64>; 2],
    scales: Vec<f64>,
    mlp: Mlp,
    #[differentiable(skip)]
    tags: Vec<String>,
    bias: f32,
    dynamic: ArrayD<f64>,
}

fn layer(start: f64) -> Layer<f64> {
    Layer {
        w: array![[start, start + 1.0], [start + 2.0, start + 3.0]],
        b: array![start + 4.0, start + 5.0],
    }
}

fn mlp() -> Mlp {
    Mlp {
        layers: vec![layer(1.0), layer(7.0)],
        temperature: 13.0,
        name: "mlp".into(),
    }
}

fn everything() -> Everything {
    Everything {
        id: 7,
        pair: [layer(-14.0), layer(-8.0)],
        scales: vec![-2.0, -1.0, 0.0],
        mlp: mlp(),
        tags: vec!["a".into()],
        bias: 14.0,
        dynamic: ArrayD::from_elem(vec![1, 1, 1], 15.0),
    }
}

/// Records each leaf's values (as f64) and shape.
#[derive(Default)]
struct Record {
    values: Vec<f64>,
    shapes: Vec<Vec<usize>>,
    types: Vec<&'static str>,
}

impl LeafVisitor for Record {
    fn leaf<A: Float>(&mut self, leaf: ArrayViewMutD<'_, A>) {
        self.values
            .extend(leaf.iter().map(|v| v.to_f64().unwrap_or(f64::NAN)));
        self.shapes.push(leaf.shape().to_vec());
        self.types.push(std::any::type_name::<A>());
    }
}

fn record<T: Differentiable>(value: &mut T) -> Record {
    let mut r = Record::default();
    value.visit_leaves(&mut r);
    r
}

#[test]
fn leaves_are_visited_in_field_order_depth_first() {
    let mut e = everything();
    let r = record(&mut e);
    let expected: Vec<f64> = (-14..=15).map(f64::from).collect();
    assert_eq!(r.values, expected);
    assert_eq!(
        r.shapes,
        [
            vec![2, 2],
            vec![2],
            vec![2, 2],
            vec![2],
            vec![1],
            vec![1],
            vec![1],
            vec![2, 2],
            vec![2],
            vec![2, 2],
            vec![2],
            vec![1],
            vec![1],
            vec![1, 1, 1],
        ]
    );
    assert_eq!(r.types[12], "f32");
    assert!(r
        .types
        .iter()
        .enumerate()
        .all(|(i, t)| i == 12 || *t == "f64"));
}

#[test]
fn zero_like_zeroes_every_leaf_and_clones_the_data() {
    let e = everything();
    let mut z = e.zero_like();
    assert!(record(&mut z).values.iter().all(|&v| v == 0.0));
    assert_eq!(z.id, 7);
    assert_eq!(z.tags, ["a"]);
    assert_eq!(z.mlp.name, "mlp");
    assert_eq!(z.scales.len(), 3);
    assert_eq!(z.dynamic.shape(), &[1, 1, 1]);
    assert_eq!(e, everything(), "zero_like leaves its input alone");
}

#[test]
fn add_assign_from_adds_leafwise_and_keeps_own_data() {
    let mut a = everything();
    let mut b = everything();
    b.id = 99;
    b.mlp.name = "other".into();
    a.add_assign_from(&b);
    let doubled: Vec<f64> = (-14..=15).map(|v| 2.0 * f64::from(v)).collect();
    assert_eq!(record(&mut a).values, doubled);
    assert_eq!(a.id, 7);
    assert_eq!(a.mlp.name, "mlp");
}

#[test]
fn scale_by_scales_every_leaf_in_its_own_type() {
    let mut e = everything();
    e.scale_by(0.5_f64);
    let halved: Vec<f64> = (-14..=15).map(|v| 0.5 * f64::from(v)).collect();
    assert_eq!(record(&mut e).values, halved);
    assert_eq!(e.bias, 7.0_f32);
    e.scale_by(2.0_f32);
    assert_eq!(e.mlp.temperature, 13.0);
    assert_eq!(e.id, 7);
}

#[test]
fn copy_skipped_copies_the_data_at_every_depth_and_nothing_else() {
    let mut target = everything().zero_like();
    target.id = 0;
    target.tags.clear();
    target.mlp.name.clear();
    let mut source = everything();
    source.id = 42;
    source.mlp.name = "source".into();
    target.copy_skipped(&source);
    assert_eq!(target.id, 42);
    assert_eq!(target.tags, ["a"]);
    assert_eq!(target.mlp.name, "source");
    assert!(record(&mut target).values.iter().all(|&v| v == 0.0));
}

/// `self ← self − other`, recording the pairs it sees.
#[derive(Default)]
struct Subtract {
    others: Vec<f64>,
}

impl LeafPairVisitor for Subtract {
    fn pair<A: Float>(&mut self, mut leaf: ArrayViewMutD<'_, A>, other: ArrayViewD<'_, A>) {
        assert_eq!(leaf.shape(), other.shape());
        self.others
            .extend(other.iter().map(|v| v.to_f64().unwrap_or(f64::NAN)));
        leaf.zip_mut_with(&other, |a, &b| *a -= b);
    }
}

#[test]
fn leaf_pairs_are_visited_in_the_same_order() {
    let mut a = everything();
    let mut b = everything();
    b.scale_by(3.0);
    let mut visitor = Subtract::default();
    a.visit_leaf_pairs(&b, &mut visitor);
    let tripled: Vec<f64> = (-14..=15).map(|v| 3.0 * f64::from(v)).collect();
    assert_eq!(visitor.others, tripled);
    let minus_doubled: Vec<f64> = (-14..=15).map(|v| -2.0 * f64::from(v)).collect();
    assert_eq!(record(&mut a).values, minus_doubled);
}

#[test]
fn generic_struct_in_f32_and_f64() {
    let mut l32 = Layer::<f32> {
        w: array![[1.0, 2.0]],
        b: array![3.0],
    };
    let mut l64 = Layer::<f64> {
        w: array![[1.0, 2.0]],
        b: array![3.0],
    };
    assert_eq!(record(&mut l32).types, ["f32", "f32"]);
    assert_eq!(record(&mut l64).types, ["f64", "f64"]);
    let g32 = l32.clone();
    l32.add_assign_from(&g32);
    l32.scale_by(0.25_f64);
    assert_eq!(l32.w, array![[0.5_f32, 1.0]]);
    assert_eq!(l32.b, array![1.5_f32]);
    assert_eq!(l64.zero_like().w, array![[0.0, 0.0]]);
}

/// A generic struct of another struct, with a skipped field of the parameter type.
#[derive(Differentiable, Clone, Debug)]
struct Stack<T: Float, const N: usize> {
    layers: [Layer<T>; N],
    #[differentiable(skip)]
    learning_rates: Vec<T>,
}

#[test]
fn generic_nested_struct_with_const_generic_array() {
    let layer = Layer::<f32> {
        w: array![[1.0]],
        b: array![2.0],
    };
    let mut s = Stack::<f32, 3> {
        layers: [layer.clone(), layer.clone(), layer],
        learning_rates: vec![0.1],
    };
    assert_eq!(record(&mut s).values, [1.0, 2.0, 1.0, 2.0, 1.0, 2.0]);
    let z = s.zero_like();
    assert_eq!(z.learning_rates, [0.1_f32]);
    assert_eq!(z.layers[2].b, array![0.0_f32]);
}

#[test]
#[should_panic(
    expected = "Differentiable::visit_leaf_pairs: the other value has length 1 but the value has length 2 at `layers`"
)]
fn mismatched_vec_lengths_panic_naming_the_field() {
    let mut a = mlp();
    let mut b = mlp();
    b.layers.pop();
    a.visit_leaf_pairs(&b, &mut Subtract::default());
}

#[test]
#[should_panic(
    expected = "Differentiable::add_assign_from: the other value has shape [3] but the value has shape [2] at `mlp.layers[1].b`"
)]
fn mismatched_shapes_panic_naming_the_path_and_shapes() {
    let mut a = everything();
    let mut b = everything();
    b.mlp.layers[1].b = array![1.0, 2.0, 3.0];
    a.add_assign_from(&b);
}

#[test]
#[should_panic(
    expected = "Differentiable::copy_skipped: the source has length 4 but the value has length 3"
)]
fn copy_skipped_with_mismatched_lengths_panics() {
    let mut a = everything();
    let mut b = everything();
    b.scales.push(1.0);
    a.copy_skipped(&b);
}

/// Raw field names read as written in messages.
#[derive(Differentiable, Clone, Debug)]
struct Raw {
    r#type: Vec<f64>,
}

#[test]
#[should_panic(expected = "at `type`")]
fn raw_field_names_in_messages() {
    let mut a = Raw { r#type: vec![1.0] };
    a.add_assign_from(&Raw { r#type: vec![] });
}

/// A public struct with a private field type: the derive's bounds raise no `private_bounds`
/// warning (the test crate denies it).
mod visibility {
    #![deny(private_bounds, private_interfaces)]
    use autodiff::prelude::*;

    #[derive(Differentiable, Clone)]
    struct Hidden {
        x: f64,
    }

    #[derive(Differentiable, Clone)]
    pub struct Public {
        hidden: Vec<Hidden>,
    }

    #[test]
    fn private_field_types_are_fine() {
        let p = Public {
            hidden: vec![Hidden { x: 2.0 }],
        };
        assert_eq!(p.zero_like().hidden[0].x, 0.0);
    }
}
