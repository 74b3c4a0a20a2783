//! The seed function against num-dual, interleaved (see `../benches/interleaved.rs`): each
//! round times ours, the hand-written gradient and num-dual's two forms in turn, so that the
//! few nanoseconds between them are not decided by when a burst of load came. The
//! Rosenbrock function is left to criterion (`peers.rs`): num-dual is 50-200x slower there.
//!
//! ```text
//! cd peers && cargo bench --bench interleaved [-- ROUNDS]
//! ```
use std::hint::black_box;

#[path = "../../benches/workloads/interleave.rs"]
mod interleave;
#[path = "peers/num_dual.rs"]
mod num_dual_seed;
#[allow(dead_code)]
#[path = "../../benches/workloads/scalar.rs"]
mod workloads;

fn main() {
    let (v, (d1, d2)) = workloads::f_grad(2.0, 5.0);
    for (name, (pv, (p1, p2))) in [
        ("num-dual gradient", num_dual_seed::f_num_dual(2.0, 5.0)),
        (
            "num-dual Dual64 x2",
            num_dual_seed::f_num_dual_twice(2.0, 5.0),
        ),
    ] {
        let e = (pv - v).abs().max((p1 - d1).abs()).max((p2 - d2).abs());
        assert!(e < 1e-9, "seed: {name} differs from ours by {e}");
    }
    let seed = |f: fn(f64, f64) -> (f64, (f64, f64))| {
        move || {
            let (v, (a, b)) = f(black_box(2.0), black_box(5.0));
            v + a + b
        }
    };
    interleave::interleave(
        "seed f(x1, x2), f64",
        100_000,
        interleave::rounds_from_args(),
        1,
        &mut [
            ("ours f_grad", Box::new(seed(workloads::f_grad))),
            ("hand-written", Box::new(seed(workloads::f_hand))),
            (
                "num-dual gradient",
                Box::new(seed(num_dual_seed::f_num_dual)),
            ),
            (
                "num-dual Dual64 twice",
                Box::new(seed(num_dual_seed::f_num_dual_twice)),
            ),
        ],
    );
}
