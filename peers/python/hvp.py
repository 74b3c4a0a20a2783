"""JAX's forward-over-reverse Hessian-vector product of the two-layer network, for the
`second order` workload of benches/interleaved.rs (benches/workloads/second_order.rs):
mean cross_entropy(sigmoid(X W1) W2, y) in f32 at B=64 D=784 H=128 C=10, the same inputs,
`jax.jit(jvp(grad(f)))` along (V1, V2), and its gradient `jax.jit(grad(f))`, on one thread.

    python3 peers/python/hvp.py [--rounds 30]

Prints the median per call of each and their ratio; compare with the Rust bench's
`network_hvp` (not interleaved with it: another process).
"""
import argparse
import os
import statistics
import time

os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

import numpy as np  # noqa: E402
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402


def inputs(b, d, h, c):
    """As `second_order::inputs`: s * sin(a i + 0.37 j) per array."""
    def f(rows, cols, a, s):
        i, j = np.meshgrid(np.arange(rows, dtype=np.float32), np.arange(cols, dtype=np.float32), indexing="ij")
        return (np.float32(s) * np.sin(np.float32(a) * i + np.float32(0.37) * j)).astype(np.float32)
    x = (np.float32(0.5) + f(b, d, 0.1, 0.5)).astype(np.float32)
    return x, f(d, h, 0.7, 0.05), f(h, c, 1.3, 0.2), f(d, h, 0.3, 1.0), f(h, c, 0.9, 1.0), np.arange(b) % c


def loss(w1, w2, x, y):
    z = jax.nn.sigmoid(x @ w1) @ w2
    picked = jnp.take_along_axis(z, y[:, None], axis=1)[:, 0]
    return jnp.mean(jax.nn.logsumexp(z, axis=1) - picked)


grad = jax.jit(jax.value_and_grad(loss, argnums=(0, 1)))


@jax.jit
def hvp(w1, w2, x, y, v1, v2):
    g = lambda a, b: jax.grad(loss, argnums=(0, 1))(a, b, x, y)
    return jax.jvp(g, (w1, w2), (v1, v2))


def timed(fn, calls):
    start = time.perf_counter()
    for _ in range(calls):
        out = fn()
    jax.block_until_ready(out)
    return (time.perf_counter() - start) / calls


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=30)
    opts = ap.parse_args()
    x, w1, w2, v1, v2, y = (jnp.asarray(a) for a in inputs(64, 784, 128, 10))
    variants = {
        "jax.jit(jvp(grad(f)))": lambda: hvp(w1, w2, x, y, v1, v2),
        "jax.jit(value_and_grad(f))": lambda: grad(w1, w2, x, y),
    }
    for fn in variants.values():
        jax.block_until_ready(fn())
    times = {name: [] for name in variants}
    for _ in range(opts.rounds):
        for name, fn in variants.items():
            times[name].append(timed(fn, 50))
    base = statistics.median(times["jax.jit(value_and_grad(f))"])
    for name, t in times.items():
        m = statistics.median(t)
        print(f"{name:28} median {m * 1e6:9.1f} us  {m / base:5.2f}x its gradient")


if __name__ == "__main__":
    main()
