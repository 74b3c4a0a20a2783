//! The writes of API v2 section 1 (`writes.rs`) against central finite differences
//! (`fd/mod.rs`): `index_set` on arrays of rank 1 and 2, `slice_set` with a value of the
//! slice's shape and with values ndarray's `assign` broadcasts (so the value's gradient is
//! summed back to its shape), and `from_elem`. Each old-array VJP is also run with the
//! cotangent by value, the form the generated code hands over when it is done with it, and
//! in place (`{vjp}_in_place`), the form for an adjoint shared with the write's result.
mod fd;

use autodiff_runtime::*;
use fd::*;
use ndarray::{s, Array1, Array2};

#[test]
fn index_set_on_rank_one_and_two() {
    let rng = &mut rng();
    let a: Array1<f64> = uniform(rng, 5, -2.0, 2.0);
    for i in [0, 2, 4] {
        check_binary(
            "index_set",
            &a,
            &0.7,
            |a, v| index_set(a, i, v),
            |_, _, _, g| index_set_vjp_array(i, g),
            |_, _, _, g| index_set_vjp_value(i, g),
            rng,
        );
    }
    let a: Array2<f64> = uniform(rng, (3, 4), -2.0, 2.0);
    for i in [(0, 0), (1, 2), (2, 3)] {
        check_binary(
            "index_set",
            &a,
            &-1.3,
            |a, v| index_set(a, i, v),
            |_, _, _, g| index_set_vjp_array(i, g.clone()),
            |_, _, _, g| index_set_vjp_value(i, g.clone()),
            rng,
        );
        // The form where the old array's adjoint is the result's own buffer.
        check_binary(
            "index_set in place",
            &a,
            &-1.3,
            |a, v| index_set(a, i, v),
            |_, _, _, g| {
                let mut g = g.clone();
                index_set_vjp_array_in_place(i, &mut g);
                g
            },
            |_, _, _, g| index_set_vjp_value(i, g.clone()),
            rng,
        );
    }
}

#[test]
fn slice_set_of_the_slices_shape() {
    let rng = &mut rng();
    let a: Array2<f64> = uniform(rng, (3, 4), -2.0, 2.0);
    let row: Array1<f64> = uniform(rng, 4, -2.0, 2.0);
    check_binary(
        "slice_set row",
        &a,
        &row,
        |a, e| slice_set(a, s![1, ..], e),
        |_, _, _, g| slice_set_vjp_array(s![1, ..], g),
        |_, e, _, g| slice_set_vjp_value(e, s![1, ..], g),
        rng,
    );
    let block: Array2<f64> = uniform(rng, (3, 2), -2.0, 2.0);
    check_binary(
        "slice_set block",
        &a,
        &block,
        |a, e| slice_set(a, s![.., 1..3], e),
        |_, _, _, g| {
            let mut g = g.clone();
            slice_set_vjp_array_in_place(s![.., 1..3], &mut g);
            g
        },
        |_, e, _, g| slice_set_vjp_value(e, s![.., 1..3], g.clone()),
        rng,
    );
}

#[test]
fn slice_set_with_a_broadcast_value_sums_its_gradient_back() {
    let rng = &mut rng();
    let a: Array2<f64> = uniform(rng, (3, 4), -2.0, 2.0);
    // A row assigned to two rows, a one-row matrix to all three, a column to two columns.
    let row: Array1<f64> = uniform(rng, 4, -2.0, 2.0);
    check_binary(
        "slice_set broadcast row",
        &a,
        &row,
        |a, e| slice_set(a, s![0..2, ..], e),
        |_, _, _, g| slice_set_vjp_array(s![0..2, ..], g),
        |_, e, _, g| slice_set_vjp_value(e, s![0..2, ..], g),
        rng,
    );
    let one_row: Array2<f64> = uniform(rng, (1, 4), -2.0, 2.0);
    check_binary(
        "slice_set broadcast (1, 4)",
        &a,
        &one_row,
        |a, e| slice_set(a, s![.., ..], e),
        |_, _, _, g| slice_set_vjp_array(s![.., ..], g),
        |_, e, _, g| slice_set_vjp_value(e, s![.., ..], g),
        rng,
    );
    let column: Array2<f64> = uniform(rng, (3, 1), -2.0, 2.0);
    check_binary(
        "slice_set broadcast (3, 1)",
        &a,
        &column,
        |a, e| slice_set(a, s![.., 2..4], e),
        |_, _, _, g| slice_set_vjp_array(s![.., 2..4], g),
        |_, e, _, g| slice_set_vjp_value(e, s![.., 2..4], g),
        rng,
    );
}

#[test]
fn from_elem_sums_the_cotangent() {
    let rng = &mut rng();
    check_unary(
        "from_elem",
        &0.4,
        |v| from_elem((2, 3), v),
        |v, _, g| from_elem_vjp((2, 3), v, g),
        rng,
    );
    check_unary(
        "from_elem",
        &-2.5,
        |v| from_elem(4, v),
        |v, _, g| from_elem_vjp(4, v, g),
        rng,
    );
}
