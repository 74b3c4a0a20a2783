//! Interleaved timings: ratios that hold still on a noisy machine. Criterion measures one
//! variant after another, so a burst of load on a shared VM lands on one of them; here every
//! round times each variant of a workload in turn (a block of calls each), and a variant's
//! figures are its best round and its median round. Also prints the page faults per call
//! (Linux), which show whether an allocator hands memory back to the kernel between calls.
//!
//! ```text
//! cargo bench --bench interleaved              # 30 rounds
//! cargo bench --bench interleaved -- 100       # 100 rounds
//! cargo bench --bench interleaved -- network   # only the workloads whose title has "network"
//! cargo bench --bench interleaved -- mlp       # the MNIST example's Mlp struct vs arrays
//! cargo bench --bench interleaved -- generic   # a generic function at T = f32 vs the same for f32
//! cargo bench --bench interleaved -- order     # jvp and hvp: seed vs by hand, network hvp vs grad
//! OPENBLAS_NUM_THREADS=1 cargo bench --features blas --bench interleaved
//! ```
//!
//! The ratios are to the reference variant of each workload (marked `=`): the careful
//! hand-written gradient (the unrolled one for the Rosenbrock function).
use autodiff::ndarray::{Array1, Array2};
use std::hint::black_box;

#[path = "workloads/interleave.rs"]
mod interleave;
use interleave::{interleave, rounds_from_args};

// Each bench uses a subset of the shared workloads.
#[path = "workloads/generic.rs"]
mod generic;
#[path = "workloads/mlp.rs"]
mod mlp;
#[allow(dead_code)]
#[path = "workloads/network.rs"]
mod network;
#[allow(dead_code)]
#[path = "workloads/scalar.rs"]
mod scalar;
#[path = "workloads/second_order.rs"]
mod second_order;
#[path = "workloads/writes.rs"]
mod writes;

fn main() {
    let rounds = rounds_from_args();

    interleave(
        "seed f(x1, x2), f64",
        100_000,
        rounds,
        1,
        &mut [
            (
                "generated f_grad",
                Box::new(|| {
                    let (v, (a, b)) = scalar::f_grad(black_box(2.0), black_box(5.0));
                    v + a + b
                }),
            ),
            (
                "hand-written",
                Box::new(|| {
                    let (v, (a, b)) = scalar::f_hand(black_box(2.0), black_box(5.0));
                    v + a + b
                }),
            ),
        ],
    );

    let x = Array1::from_shape_fn(scalar::N, |i| 0.5 + 0.7 * (0.3 * i as f64).sin());
    interleave(
        "Rosenbrock n = 32, f64",
        20_000,
        rounds,
        3,
        &mut [
            (
                "generated, loop",
                Box::new(|| {
                    let (v, (g,)) = scalar::rosen_loop_grad(black_box(&x));
                    v + g[0]
                }),
            ),
            (
                "generated, unrolled",
                Box::new(|| {
                    let (v, (g,)) = scalar::rosen_unrolled_grad(black_box(&x));
                    v + g[0]
                }),
            ),
            (
                "hand-written loop",
                Box::new(|| {
                    let (v, g) = scalar::rosen_hand(black_box(&x));
                    v + g[0]
                }),
            ),
            (
                "hand-written unrolled",
                Box::new(|| {
                    let (v, g) = scalar::rosen_hand_unrolled(black_box(&x));
                    v + g[0]
                }),
            ),
        ],
    );

    let x = writes::input();
    write_loop(
        "fill a[i] = x[i] * x[i + 1], n = 10^4, f64",
        rounds,
        &x,
        ("generated fill_grad", |x| {
            let (v, (g,)) = writes::fill_grad(x);
            (v, g)
        }),
        writes::fill_hand,
    );
    write_loop(
        "fill recurrence a[i] = a[i - 1] * 0.5 + x[i], n = 10^4, f64",
        rounds,
        &x,
        ("generated recurrence_grad", |x| {
            let (v, (g,)) = writes::recurrence_grad(x);
            (v, g)
        }),
        writes::recurrence_hand,
    );

    // Forward mode and second order on the seed function, against hand-written ones.
    let (x1, x2, t) = (2.0, 5.0, (0.3, -0.7));
    let (ours, hand) = (
        second_order::seed_jvp(x1, x2, t),
        second_order::seed_jvp_hand(x1, x2, t),
    );
    assert!((ours.0 - hand.0).abs() < 1e-14 && (ours.1 - hand.1).abs() < 1e-14);
    assert!((ours.0 - second_order::seed(x1, x2)).abs() < 1e-14);
    let (ours, hand) = (
        second_order::seed_hvp(x1, x2, t),
        second_order::seed_hvp_hand(x1, x2, t),
    );
    assert!((ours.2 .0 - hand.2 .0).abs() < 1e-14 && (ours.2 .1 - hand.2 .1).abs() < 1e-14);
    interleave(
        "second order: seed jvp, f64",
        100_000,
        rounds,
        1,
        &mut [
            (
                "generated seed_jvp",
                Box::new(|| {
                    let (v, t) =
                        second_order::seed_jvp(black_box(2.0), black_box(5.0), (0.3, -0.7));
                    v + t
                }),
            ),
            (
                "hand-written",
                Box::new(|| {
                    let (v, t) =
                        second_order::seed_jvp_hand(black_box(2.0), black_box(5.0), (0.3, -0.7));
                    v + t
                }),
            ),
        ],
    );
    interleave(
        "second order: seed hvp, f64",
        100_000,
        rounds,
        1,
        &mut [
            (
                "generated seed_hvp",
                Box::new(|| {
                    let (v, (a, b), (c, d)) =
                        second_order::seed_hvp(black_box(2.0), black_box(5.0), (0.3, -0.7));
                    v + a + b + c + d
                }),
            ),
            (
                "hand-written",
                Box::new(|| {
                    let (v, (a, b), (c, d)) =
                        second_order::seed_hvp_hand(black_box(2.0), black_box(5.0), (0.3, -0.7));
                    v + a + b + c + d
                }),
            ),
        ],
    );
    let net = second_order::inputs(64, 784, 128, 10);
    interleave(
        "second order: network hvp vs grad B=64 D=784 H=128 C=10, f32",
        50,
        rounds,
        1,
        &mut [
            ("network_hvp", Box::new(|| second_order::hvp_call(&net))),
            ("network_grad", Box::new(|| second_order::grad_call(&net))),
        ],
    );

    // A generic function instantiated with f32 against the same function written for f32.
    let inputs = generic::inputs(64, 256, 64, 10, 1_000);
    let ((a, g1, gs), (b, h1, hs)) = generic::both(&inputs);
    let close = |p: f32, q: f32| (p - q).abs() <= 1e-6 * (1.0 + q.abs());
    assert!(
        close(a, b)
            && g1.iter().zip(&h1).all(|(p, q)| close(*p, *q))
            && gs.iter().zip(&hs).all(|(p, q)| close(*p, *q)),
        "the generic and the f32 gradients differ: {a} vs {b}"
    );
    interleave(
        "generic T = f32 vs f32, B=64 D=256 H=64 C=10 + 1,000 scalars",
        200,
        rounds,
        1,
        &mut [
            (
                "generic_grad::<f32>",
                Box::new(|| f64::from(generic::generic_call(&inputs))),
            ),
            (
                "f32 concrete_grad",
                Box::new(|| f64::from(generic::concrete_call(&inputs))),
            ),
        ],
    );

    // The MNIST example's network and batch (examples/mnist.rs): weights read through a
    // struct parameter against the same weights as four array parameters.
    let (b, d, h, c) = (32, 784, 128, 10);
    let (x, y, net) = mlp::inputs(b, d, h, c);
    let (l1, l2) = (&net.layers[0], &net.layers[1]);
    let (ours, (g,)) = net.loss_grad(&x, &y);
    let (two, (g2,)) = net.loss_two_layers_grad(&x, &y);
    assert!(
        (two - ours).abs() < 1e-12
            && (&g2.layers[0].w - &g.layers[0].w)
                .iter()
                .all(|d| d.abs() < 1e-12)
    );
    let (arrays, (dw1, db1, dw2, db2)) = mlp::loss_grad(&x, &l1.w, &l1.b, &l2.w, &l2.b, &y);
    let same = |a: &Array2<f64>, b: &Array2<f64>| (a - b).iter().all(|d| d.abs() < 1e-12);
    assert!((ours - arrays).abs() < 1e-12);
    assert!(same(&g.layers[0].w, &dw1) && same(&g.layers[1].w, &dw2));
    assert!((&g.layers[0].b - &db1)
        .iter()
        .chain((&g.layers[1].b - &db2).iter())
        .all(|d| d.abs() < 1e-12));
    interleave(
        &format!("mnist mlp: struct vs arrays B={b} D={d} H={h} C={c}, f64"),
        200,
        rounds,
        1,
        &mut [
            (
                "struct mlp.loss_grad",
                Box::new(|| mlp::struct_call(&net, &x, &y)),
            ),
            (
                "struct, no loop",
                Box::new(|| mlp::struct_two_layers_call(&net, &x, &y)),
            ),
            (
                "arrays loss_grad",
                Box::new(|| mlp::arrays_call(&net, &x, &y)),
            ),
        ],
    );

    for (b, d, h, c, calls) in [(64, 64, 32, 10, 2_000), (256, 784, 256, 10, 20)] {
        let (x, w1, w2, y) = network::inputs(b, d, h, c);
        let mut work = network::Work::new(b, d, h, c);
        let (x, w1, w2, y) = (&x, &w1, &w2, &y);
        interleave(
            &format!("network B={b} D={d} H={h} C={c}, f32"),
            calls,
            rounds,
            1,
            &mut [
                (
                    "generated loss_grad",
                    Box::new(move || network::generated_call(x, w1, w2, y)),
                ),
                (
                    "hand-written, buffers",
                    Box::new(|| network::buffers_call(x, w1, w2, y, &mut work)),
                ),
                (
                    "hand-written, allocating",
                    Box::new(move || network::allocating_call(x, w1, w2, y)),
                ),
                (
                    "forward loss",
                    Box::new(move || network::forward_call(x, w1, w2, y)),
                ),
            ],
        );
    }
}

/// A value-and-gradient function of one vector.
type ValueGrad = fn(&Array1<f64>) -> (f64, Array1<f64>);

/// A loop writing an array element by element: the generated gradient (`ours`) against the
/// same loop differentiated by hand, both returning value and gradient, checked equal first,
/// then interleaved.
fn write_loop(
    title: &str,
    rounds: usize,
    x: &Array1<f64>,
    (label, ours): (&str, ValueGrad),
    hand: ValueGrad,
) {
    let ((v, g), (hv, hg)) = (ours(x), hand(x));
    assert!(
        (v - hv).abs() < 1e-9 && (&g - &hg).iter().all(|d| d.abs() < 1e-12),
        "{title}"
    );
    let call = |f: ValueGrad| {
        move || {
            let (v, g) = f(black_box(x));
            v + g[0]
        }
    };
    interleave(
        title,
        50,
        rounds,
        1,
        &mut [
            (label, Box::new(call(ours))),
            ("hand-written", Box::new(call(hand))),
        ],
    );
}
