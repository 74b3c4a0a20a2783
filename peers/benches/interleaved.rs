//! Ours against the peers, interleaved (see `../benches/interleaved.rs`): each round times
//! every variant of a workload in turn, so that the ratios between them are not decided by
//! when a burst of load came. The seed function: ours, the hand-written gradient and
//! num-dual's two forms. The network at both sizes: ours, the hand-written gradient (buffers),
//! candle, dfdx and autograd, each checked against ours first (`peers/nets.rs`). The
//! Rosenbrock function is left to criterion (`peers.rs`): num-dual is 50-200x slower there.
//!
//! ```text
//! cd peers && cargo bench --bench interleaved [-- ROUNDS] [-- seed|network]
//! ```
use std::hint::black_box;

#[path = "../../benches/workloads/interleave.rs"]
mod interleave;
#[path = "peers/nets.rs"]
mod nets;
#[allow(dead_code)]
#[path = "../../benches/workloads/network.rs"]
mod network;
#[path = "peers/num_dual.rs"]
mod num_dual_seed;
#[allow(dead_code)]
#[path = "../../benches/workloads/scalar.rs"]
mod workloads;

fn main() {
    nets::single_threaded();
    let rounds = interleave::rounds_from_args();
    let ours = workloads::f_grad(2.0, 5.0);
    for (name, got) in [
        ("num-dual gradient", num_dual_seed::f_num_dual(2.0, 5.0)),
        (
            "num-dual Dual64 x2",
            num_dual_seed::f_num_dual_twice(2.0, 5.0),
        ),
    ] {
        num_dual_seed::assert_agrees(name, got, ours);
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
        rounds,
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

    for (b, d, h, c, calls) in [(64, 64, 32, 10, 1_000), (256, 784, 256, 10, 10)] {
        let title = format!("network B={b} D={d} H={h} C={c}, f32");
        if !interleave::selected(&title) {
            continue;
        }
        let (x, w1, w2, y) = network::inputs(b, d, h, c);
        let (l, (dw1, dw2)) = network::loss_grad(&x, &w1, &w2, &y);
        let size = format!("B={b} D={d} H={h} C={c}");
        let peers = nets::Peers::checked((&x, &w1, &w2, &y), (l, &dw1, &dw2), &size);
        let mut work = network::Work::new(b, d, h, c);
        let (x, w1, w2, y) = (&x, &w1, &w2, &y);
        interleave::interleave(
            &title,
            calls,
            rounds,
            1,
            &mut [
                (
                    "ours loss_grad",
                    Box::new(move || network::generated_call(x, w1, w2, y)),
                ),
                (
                    "hand-written, buffers",
                    Box::new(|| network::buffers_call(x, w1, w2, y, &mut work)),
                ),
                (
                    "candle",
                    Box::new(|| {
                        let (l, _grads) = black_box(&peers.candle).step().expect("candle step");
                        f64::from(l)
                    }),
                ),
                (
                    "dfdx",
                    Box::new(|| f64::from(black_box(&peers.dfdx).step().0)),
                ),
                (
                    "autograd",
                    Box::new(|| black_box(&peers.autograd).step().len() as f64),
                ),
            ],
        );
    }
}
