"""The network workload in numpy and in JAX (jit), timed against our generated gradient.

    python3 -m venv .venv && .venv/bin/pip install -r python/requirements.txt   # in peers/
    .venv/bin/python python/network.py                 # 30 rounds, Rust on OpenBLAS
    .venv/bin/python python/network.py --rounds 60 --no-blas

The same workload as `../benches/network.rs`: mean cross_entropy(sigmoid(X W1) W2, y) in f32,
loss and the gradients for W1 and W2, at B=64 D=64 H=32 C=10 and B=256 D=784 H=256 C=10, with
the issue's inputs. One core: the process pins itself (and so the Rust program it starts) to
one CPU and sets OPENBLAS_NUM_THREADS=1 and XLA's single-thread flags before numpy and JAX load.

A Python process cannot call the Rust functions in-process without FFI, so it starts
`cargo run --release --example network_server` (with `--features blas` unless --no-blas),
which times a block of calls of ours or of the hand-written gradient on request. Every round
times each variant in turn, Rust and Python alike, so a burst of load lands on all of them;
a figure is a variant's median round (per call), with its ratio to the hand-written Rust
gradient with buffers. Before anything is timed, numpy's and JAX's losses and gradients are
asserted equal to ours (relative 1e-3), which the server writes first.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")
os.environ.setdefault("JAX_PLATFORMS", "cpu")
os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

import numpy as np  # noqa: E402  (after the thread settings)
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

PEERS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SIZES = [((64, 64, 32, 10), 500), ((256, 784, 256, 10), 10)]  # (B, D, H, C), calls per round


def inputs(b, d, h, c):
    """X[i,j] = sin(0.1 i + 0.37 j), W1[i,j] = 0.01 cos(0.3 i + 0.7 j), W2[i,j] = 0.1 cos(0.5 i + 0.9 j), y[i] = i % C."""
    i, j = np.meshgrid(np.arange(b, dtype=np.float32), np.arange(d, dtype=np.float32), indexing="ij")
    x = np.sin(np.float32(0.1) * i + np.float32(0.37) * j).astype(np.float32)
    i, j = np.meshgrid(np.arange(d, dtype=np.float32), np.arange(h, dtype=np.float32), indexing="ij")
    w1 = (np.float32(0.01) * np.cos(np.float32(0.3) * i + np.float32(0.7) * j)).astype(np.float32)
    i, j = np.meshgrid(np.arange(h, dtype=np.float32), np.arange(c, dtype=np.float32), indexing="ij")
    w2 = (np.float32(0.1) * np.cos(np.float32(0.5) * i + np.float32(0.9) * j)).astype(np.float32)
    y = np.arange(b) % c
    return x, w1, w2, y


def numpy_grad(x, w1, w2, y):
    """A careful numpy gradient: in-place sigmoid, one max-shifted softmax, no dX."""
    b = x.shape[0]
    rows = np.arange(b)
    s = x @ w1
    np.negative(s, out=s)
    np.exp(s, out=s)
    s += 1.0
    np.reciprocal(s, out=s)
    z = s @ w2
    m = z.max(axis=1, keepdims=True)
    loss_rows = m[:, 0] - z[rows, y]
    z -= m
    np.exp(z, out=z)
    total = z.sum(axis=1, keepdims=True)
    loss = np.mean(loss_rows + np.log(total[:, 0]))
    z /= total * b
    z[rows, y] -= 1.0 / b
    dw2 = s.T @ z
    ds = z @ w2.T
    ds *= s * (1.0 - s)
    dw1 = x.T @ ds
    return loss, dw1, dw2


def jax_loss(w1, w2, x, y):
    z = jax.nn.sigmoid(x @ w1) @ w2
    picked = jnp.take_along_axis(z, y[:, None], axis=1)[:, 0]
    return jnp.mean(jax.nn.logsumexp(z, axis=1) - picked)


jax_grad = jax.jit(jax.value_and_grad(jax_loss, argnums=(0, 1)))


def check(name, got, want):
    for g, w in zip(got, want):
        g = np.asarray(g, dtype=np.float64)
        err = np.max(np.abs(g - w)) / max(np.max(np.abs(w)), 1e-30)
        if not err < 1e-3:
            sys.exit(f"{name}: differs from ours by {err:.2e} (relative)")
    print(f"check {name}: agrees with ours")


def reference(dims, ref_dir):
    b, d, h, c = dims
    raw = np.fromfile(os.path.join(ref_dir, f"network_{b}x{d}x{h}x{c}.f32"), dtype="<f4").astype(np.float64)
    return raw[0], raw[1 : 1 + d * h].reshape(d, h), raw[1 + d * h :].reshape(h, c)


RUST_VARIANTS = [("generated loss_grad", "generated"), ("hand-written, buffers", "buffers"), ("hand-written, allocating", "allocating"), ("forward loss", "forward")]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=30)
    ap.add_argument("--no-blas", action="store_true", help="the Rust side on matrixmultiply (ndarray's default), not OpenBLAS")
    opts = ap.parse_args()

    with tempfile.TemporaryDirectory() as ref_dir:
        cmd = ["cargo", "run", "-q", "--release", "--example", "network_server"]
        if not opts.no_blas:
            cmd += ["--features", "blas"]
        server = subprocess.Popen(cmd + ["--", ref_dir], cwd=PEERS, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        if server.stdout.readline().strip() != "ready":
            sys.exit("network_server did not start")

        def rust(size, variant, calls):
            server.stdin.write(f"{size} {variant} {calls}\n")
            server.stdin.flush()
            answer = server.stdout.readline()
            if not answer:
                sys.exit(f"network_server stopped (exit status {server.wait()}) at `{size} {variant} {calls}`")
            return float(answer)

        problems = []
        for (dims, calls), size in zip(SIZES, ["small", "large"]):
            x, w1, w2, y = inputs(*dims)
            jargs = (jnp.asarray(w1), jnp.asarray(w2), jnp.asarray(x), jnp.asarray(y))
            want = reference(dims, ref_dir)
            title = "B={} D={} H={} C={}".format(*dims)
            check(f"numpy {title}", numpy_grad(x, w1, w2, y), want)
            loss, (g1, g2) = jax_grad(*jargs)
            check(f"JAX jit {title}", (loss, g1, g2), want)
            variants = [(name, (lambda v=v, size=size, calls=calls: rust(size, v, calls))) for name, v in RUST_VARIANTS]
            variants.append(("numpy", timed(lambda a=(x, w1, w2, y): numpy_grad(*a), calls)))
            variants.append(("JAX jit", timed(lambda a=jargs: jax.block_until_ready(jax_grad(*a)), calls)))
            problems.append((title, calls, variants))

        backend = "matrixmultiply" if opts.no_blas else "OpenBLAS"
        print(f"numpy {np.__version__}, jax {jax.__version__}; Rust on {backend}; {opts.rounds} rounds; one CPU")
        for title, calls, variants in problems:
            times = [[] for _ in variants]
            for _ in range(opts.rounds):
                for k, (_, run) in enumerate(variants):
                    times[k].append(run())
            best = [min(t) for t in times]
            median = [statistics.median(t) for t in times]
            print(f"\nnetwork {title} ({calls} calls x {opts.rounds} rounds; best round, median round; ratios to the buffers)")
            for k, (name, _) in enumerate(variants):
                print(f"  {name:26} best {best[k] * 1e6:10.3f} us {best[k] / best[1]:6.3f}   median {median[k] * 1e6:10.3f} us {median[k] / median[1]:6.3f}")
        server.stdin.close()
        server.wait()


def timed(run, calls):
    """A function timing one block of `calls` calls of `run`, in seconds per call."""

    def block():
        start = time.perf_counter()
        for _ in range(calls):
            run()
        return (time.perf_counter() - start) / calls

    return block


if __name__ == "__main__":
    main()
