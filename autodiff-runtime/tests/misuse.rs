//! Misuse panics with a message that names the op and the shapes involved.
use autodiff_runtime::*;
use ndarray::{arr0, Array1, Array2, Array3, ArrayD, Axis, Ix1, IxDyn};

fn ones1(n: usize) -> Array1<f64> {
    Array1::ones(n)
}
fn ones2(r: usize, c: usize) -> Array2<f64> {
    Array2::ones((r, c))
}

// ---------------------------------------------------------------------------------------
// Broadcasting
// ---------------------------------------------------------------------------------------

#[test]
#[should_panic(expected = "add: shapes [4, 3] and [4] cannot be broadcast together")]
fn add_mismatched_broadcast() {
    let _ = add(&ones2(4, 3), &ones1(4));
}

#[test]
#[should_panic(expected = "add: shapes [4, 3] and [4] cannot be broadcast together")]
fn add_owned_left_operand_mismatched_broadcast() {
    let _ = add(ones2(4, 3), &ones1(4));
}

#[test]
#[should_panic(expected = "div: shapes [5] and [2, 3] cannot be broadcast together")]
fn div_owned_left_operand_mismatched_broadcast_dyn() {
    let _ = div(
        ArrayD::<f64>::ones(IxDyn(&[5])),
        &ArrayD::ones(IxDyn(&[2, 3])),
    );
}

#[test]
#[should_panic(expected = "mul: shapes [2, 3] and [3, 2] cannot be broadcast together")]
fn mul_mismatched_broadcast() {
    let _ = mul(&ones2(2, 3), &ones2(3, 2));
}

#[test]
#[should_panic(expected = "sub: shapes [2, 1, 3] and [4, 2] cannot be broadcast together")]
fn sub_mismatched_broadcast_3d() {
    let _ = sub(&Array3::<f64>::ones((2, 1, 3)), &ones2(4, 2));
}

#[test]
#[should_panic(expected = "div: shapes [5] and [2, 3] cannot be broadcast together")]
fn div_mismatched_broadcast_dyn() {
    let _ = div(
        &ArrayD::<f64>::ones(IxDyn(&[5])),
        &ArrayD::ones(IxDyn(&[2, 3])),
    );
}

#[test]
#[should_panic(expected = "mul: shapes [4, 3] and [4] cannot be broadcast together")]
fn mul_vjp_mismatched_broadcast() {
    let (a, b) = (ones2(4, 3), ones1(4));
    let g = ones2(4, 3);
    let _ = mul_vjp_rhs(&a, &b, &g);
}

#[test]
#[should_panic(expected = "add: the adjoint has shape [4, 4] but the value has shape [4, 3]")]
fn add_vjp_wrong_adjoint_shape() {
    let (a, b) = (ones2(4, 3), ones1(3));
    assert_eq!(add(&a, &b).shape(), &[4, 3]);
    let _ = add_vjp_lhs(&a, &b, &ones2(4, 4));
}

#[test]
#[should_panic(expected = "mul: the adjoint has shape [2] but the value has shape [3]")]
fn scalar_array_vjp_wrong_adjoint_shape() {
    let b = ones1(3);
    assert_eq!(mul(&2.0, &b).shape(), &[3]);
    let _ = mul_vjp_lhs(&2.0, &b, &ones1(2));
}

#[test]
#[should_panic(expected = "div: the adjoint has shape [2] but the value has shape [3]")]
fn array_scalar_vjp_wrong_adjoint_shape() {
    let a = ones1(3);
    assert_eq!(div(&a, &2.0).shape(), &[3]);
    let _ = div_vjp_rhs(&a, &2.0, &ones1(2));
}

#[test]
#[should_panic(
    expected = "unbroadcast: an adjoint of shape [3] cannot be summed back to shape [2]"
)]
fn unbroadcast_incompatible() {
    let _ = unbroadcast(ones2(4, 3), &Ix1(2));
}

#[test]
#[should_panic(expected = "accumulate: the adjoint has shape [2] but the value has shape [3]")]
fn accumulate_wrong_shape() {
    let mut d = Some(ones1(3));
    accumulate(&mut d, ones1(2));
}

// ---------------------------------------------------------------------------------------
// Unary VJPs
// ---------------------------------------------------------------------------------------

#[test]
#[should_panic(expected = "sin: the adjoint has shape [4] but the value has shape [3]")]
fn unary_vjp_wrong_adjoint_shape() {
    let x = ones1(3);
    let _ = sin_vjp(&x, &ones1(4));
}

#[test]
#[should_panic(expected = "tanh: the adjoint has shape [3, 2] but the value has shape [2, 3]")]
fn unary_vjp_wrong_adjoint_shape_2d() {
    let x = ones2(2, 3);
    let y = tanh(&x);
    let _ = tanh_vjp(&y, &ones2(3, 2));
}

#[test]
#[should_panic(expected = "exp: the adjoint has shape [3] but the value has shape [2]")]
fn unary_vjp_wrong_output_shape() {
    // `exp_vjp` reads the output `y`: one of the wrong shape for the adjoint.
    let _ = exp_vjp(&ones1(2), &ones1(3));
}

#[test]
#[should_panic(expected = "powi: the adjoint has shape [2] but the value has shape [3]")]
fn powi_vjp_wrong_adjoint_shape() {
    let x = ones1(3);
    let _ = powi_vjp(&x, 2, &ones1(2));
}

#[test]
#[should_panic(expected = "neg: the adjoint has shape [2] but the value has shape [3]")]
fn neg_vjp_wrong_adjoint_shape() {
    let x = ones1(3);
    let y = neg(&x);
    let _ = neg_vjp(&y, &ones1(2));
}

// ---------------------------------------------------------------------------------------
// dot, matmul
// ---------------------------------------------------------------------------------------

#[test]
#[should_panic(expected = "dot: shapes [3] and [4] are not aligned (3 != 4)")]
fn dot_vector_vector_misaligned() {
    let _ = dot(&ones1(3), &ones1(4));
}

#[test]
#[should_panic(expected = "dot: shapes [2, 3] and [4] are not aligned (3 != 4)")]
fn dot_matrix_vector_misaligned() {
    let _ = dot(&ones2(2, 3), &ones1(4));
}

#[test]
#[should_panic(expected = "dot: shapes [3] and [4, 2] are not aligned (3 != 4)")]
fn dot_vector_matrix_misaligned() {
    let _ = dot(&ones1(3), &ones2(4, 2));
}

#[test]
#[should_panic(expected = "dot: shapes [2, 3] and [4, 5] are not aligned (3 != 4)")]
fn dot_matrix_matrix_misaligned() {
    let _ = dot(&ones2(2, 3), &ones2(4, 5));
}

#[test]
#[should_panic(expected = "dot: the adjoint has shape [2, 4] but the product has shape [2, 5]")]
fn dot_vjp_wrong_adjoint_shape() {
    let (a, b) = (ones2(2, 3), ones2(3, 5));
    assert_eq!(dot(&a, &b).shape(), &[2, 5]);
    let _ = dot_vjp_rhs(&a, &b, &ones2(2, 4));
}

#[test]
#[should_panic(expected = "matmul: shapes [3, 4] and [5, 6] are not aligned (4 != 5)")]
fn matmul_misaligned() {
    let _ = matmul(&ones2(3, 4), &ones2(5, 6));
}

#[test]
#[should_panic(expected = "matmul: shapes [3] and [4] are not aligned (3 != 4)")]
fn matmul_vectors_misaligned() {
    let _ = matmul(&ones1(3), &ones1(4));
}

#[test]
#[should_panic(expected = "matmul: shapes [5, 10, 20] and [21, 30] are not aligned (20 != 21)")]
fn matmul_batch_misaligned() {
    let _ = matmul(&Array3::<f64>::ones((5, 10, 20)), &ones2(21, 30));
}

#[test]
#[should_panic(
    expected = "matmul: the batch axes of shapes [2, 3, 4] and [3, 4, 5] cannot be broadcast together"
)]
fn matmul_batch_axes_mismatch() {
    let _ = matmul(
        &Array3::<f64>::ones((2, 3, 4)),
        &Array3::<f64>::ones((3, 4, 5)),
    );
}

#[test]
#[should_panic(expected = "matmul: operands need at least one axis")]
fn matmul_zero_dimensional() {
    let _ = matmul(&arr0(1.0), &ones1(1));
}

#[test]
#[should_panic(expected = "matmul: the adjoint has shape [3, 4] but the product has shape [3, 5]")]
fn matmul_vjp_wrong_adjoint_shape() {
    let (a, b) = (ones2(3, 4), ones2(4, 5));
    assert_eq!(matmul(&a, &b).shape(), &[3, 5]);
    let _ = matmul_vjp_lhs(&a, &b, &ArrayD::ones(IxDyn(&[3, 4])));
}

// ---------------------------------------------------------------------------------------
// cross_entropy, softmax
// ---------------------------------------------------------------------------------------

#[test]
#[should_panic(
    expected = "cross_entropy: label 5 at row 1 is out of range for 5 classes (logits of shape [2, 5])"
)]
fn cross_entropy_label_out_of_range() {
    let _ = cross_entropy(&ones2(2, 5), &[0, 5]);
}

#[test]
#[should_panic(expected = "cross_entropy: label 3 at row 0 is out of range for 3 classes")]
fn cross_entropy_vjp_label_out_of_range() {
    let z = ones1(3);
    let _ = cross_entropy_vjp(&z, &[3], &1.0);
}

#[test]
#[should_panic(
    expected = "cross_entropy: label 5 at row 1 is out of range for 5 classes (logits of shape [2, 5])"
)]
fn cross_entropy_saving_owned_logits_label_out_of_range() {
    let _ = cross_entropy_saving(ones2(2, 5), &[0, 5]);
}

#[test]
#[should_panic(expected = "cross_entropy: 3 labels for logits of shape [2, 5] (2 rows)")]
fn cross_entropy_saving_owned_logits_label_count() {
    let _ = cross_entropy_saving(ones2(2, 5), &[0, 1, 2]);
}

#[test]
#[should_panic(expected = "cross_entropy: empty batch (logits of shape [0, 3])")]
fn cross_entropy_empty_batch() {
    let _ = cross_entropy(&ones2(0, 3), &[]);
}

#[test]
#[should_panic(expected = "cross_entropy: empty batch (logits of shape [0, 3])")]
fn cross_entropy_vjp_empty_batch() {
    let _ = cross_entropy_vjp(&ones2(0, 3), &[], &1.0);
}

#[test]
#[should_panic(expected = "cross_entropy: logits need a non-empty class axis, got shape [2, 0]")]
fn cross_entropy_no_classes() {
    let _ = cross_entropy(&ones2(2, 0), &[0, 0]);
}

#[test]
#[should_panic(expected = "cross_entropy: 3 labels for logits of shape [4, 5] (4 rows)")]
fn cross_entropy_label_count_mismatch() {
    let _ = cross_entropy(&ones2(4, 5), &[0, 1, 2]);
}

#[test]
#[should_panic(expected = "cross_entropy: 2 labels for logits of shape [5] (1 rows)")]
fn cross_entropy_vector_with_two_labels() {
    let _ = cross_entropy_vjp(&ones1(5), &[0, 1], &1.0);
}

#[test]
#[should_panic(expected = "softmax: needs an array with at least one axis, got shape []")]
fn softmax_zero_dimensional() {
    let _ = softmax(&arr0(1.0));
}

#[test]
#[should_panic(expected = "softmax: the adjoint has shape [2, 2] but the value has shape [2, 3]")]
fn softmax_vjp_wrong_adjoint_shape() {
    let z = ones2(2, 3);
    let y = softmax(&z);
    let _ = softmax_vjp(&y, &ones2(2, 2));
}

#[test]
#[should_panic(expected = "log_softmax: the adjoint has shape [4] but the value has shape [3]")]
fn log_softmax_vjp_wrong_adjoint_shape() {
    let z = ones1(3);
    let y = log_softmax(&z);
    let _ = log_softmax_vjp(&y, &ones1(4));
}

// ---------------------------------------------------------------------------------------
// Reductions, transpose
// ---------------------------------------------------------------------------------------

#[test]
#[should_panic(expected = "mean: the array of shape [0] is empty")]
fn mean_of_empty_array() {
    let _ = mean(&ones1(0));
}

#[test]
#[should_panic(expected = "mean: the array of shape [3, 0] is empty")]
fn mean_of_empty_matrix() {
    let _ = mean(&ones2(3, 0));
}

#[test]
#[should_panic(expected = "sum_axis: axis 2 is out of bounds for shape [3, 4]")]
fn sum_axis_out_of_bounds() {
    let _ = sum_axis(&ones2(3, 4), Axis(2));
}

#[test]
#[should_panic(expected = "sum_axis: axis 2 is out of bounds for shape [3, 4]")]
fn sum_axis_vjp_out_of_bounds() {
    let _ = sum_axis_vjp(&ones2(3, 4), Axis(2), &ones1(3));
}

#[test]
#[should_panic(expected = "sum_axis: the adjoint has shape [3] but the value has shape [4]")]
fn sum_axis_vjp_wrong_adjoint_shape() {
    let x = ones2(3, 4);
    assert_eq!(sum_axis(&x, Axis(0)).shape(), &[4]);
    let _ = sum_axis_vjp(&x, Axis(0), &ones1(3));
}

#[test]
#[should_panic(expected = "logsumexp_axis: axis 2 is out of bounds for shape [3, 4]")]
fn logsumexp_axis_out_of_bounds() {
    let _ = logsumexp_axis(&ones2(3, 4), Axis(2));
}

#[test]
#[should_panic(expected = "logsumexp_axis: the adjoint has shape [3] but the value has shape [4]")]
fn logsumexp_axis_vjp_wrong_adjoint_shape() {
    let _ = logsumexp_axis_vjp(&ones2(3, 4), Axis(0), &ones1(3));
}

#[test]
#[should_panic(expected = "t: the adjoint has shape [3, 2] but the value has shape [4, 3]")]
fn t_vjp_wrong_adjoint_shape() {
    let x = ones2(3, 4);
    let y = t(&x);
    let _ = t_vjp(&y, &ones2(3, 2));
}
