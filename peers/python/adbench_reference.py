"""Independent references for the ADBench tests: ADBench's objectives written in JAX (float64)
from ADBench's definitions, their gradients (or Jacobians) by JAX, on small inputs, written as
whitespace-separated fixtures into tests/fixtures/adbench/ (committed; the tests need no Python).

    pip install -r peers/python/requirements.txt
    python peers/python/adbench_reference.py

Inputs: data/adbench/gmm/gmm_d2_K5.txt; the first 12 characters of
data/adbench/lstm/lstm_l2_c1024.txt; and a generated bundle-adjustment instance in which every
camera, point, weight and feature differs (ADBench's own BA inputs repeat one of each, so a
wrong camera or point index would pass against them).
"""
import math
import os
import jax
import jax.numpy as jnp
import numpy as np

jax.config.update("jax_enable_x64", True)
ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
OUT = os.path.join(ROOT, "tests", "fixtures", "adbench")


def numbers(path):
    with open(path) as f:
        return [float(t) for t in f.read().split()]


def write(name, sections):
    with open(os.path.join(OUT, name), "w") as f:
        for title, values in sections:
            flat = np.asarray(values, dtype=np.float64).ravel()
            f.write(f"{title} {flat.size}\n")
            f.write(" ".join(repr(float(v)) for v in flat) + "\n")


# --- GMM (ADBench src/cpp/shared/gmm.h) -------------------------------------------------
def gmm_objective(alphas, means, icf, x, gamma, m):
    k, d = means.shape
    n = x.shape[0]
    qdiag = jnp.exp(icf[:, :d])
    sum_qs = jnp.sum(icf[:, :d], axis=1)
    rows, cols = [], []
    for i in range(d):  # the strict lower triangle, column by column
        for j in range(i + 1, d):
            rows.append(j)
            cols.append(i)
    ls = []
    for c in range(k):
        l = jnp.diag(qdiag[c])
        if rows:
            l = l.at[jnp.array(rows), jnp.array(cols)].set(icf[c, d:])
        ls.append(l)
    ls = jnp.stack(ls)  # k x d x d
    xc = x[:, None, :] - means[None, :, :]  # n x k x d
    qx = jnp.einsum("kij,nkj->nki", ls, xc)
    main = alphas[None, :] + sum_qs[None, :] - 0.5 * jnp.sum(qx * qx, axis=2)
    slse = jnp.sum(jax.scipy.special.logsumexp(main, axis=1))
    nw = d + m + 1
    log_gamma_d = 0.25 * d * (d - 1) * math.log(math.pi) + sum(
        math.lgamma(0.5 * nw + 0.5 * (1 - j)) for j in range(1, d + 1))
    cconst = nw * d * (math.log(gamma) - 0.5 * math.log(2)) - log_gamma_d
    frob = jnp.sum(qdiag ** 2, axis=1) + jnp.sum(icf[:, d:] ** 2, axis=1)
    prior = jnp.sum(0.5 * gamma * gamma * frob - m * sum_qs) - k * cconst
    const = -n * d * 0.5 * math.log(2 * math.pi)
    return const + slse - n * jax.scipy.special.logsumexp(alphas) + prior


def gmm_parts(v):
    """A GMM input's numbers (ADBench's format) as (alphas, means, icf, x, gamma, m)."""
    d, k, n = int(v[0]), int(v[1]), int(v[2])
    at = 3
    def take(count):
        nonlocal at
        out = np.array(v[at:at + count])
        at += count
        return out
    alphas = take(k)
    means = take(k * d).reshape(k, d)
    icf = take(k * d * (d + 1) // 2).reshape(k, -1)
    x = take(n * d).reshape(n, d)
    gamma, m = take(2)
    return alphas, means, icf, x, float(gamma), float(m)


def gmm():
    v = numbers(os.path.join(ROOT, "data", "adbench", "gmm", "gmm_d2_K5.txt"))
    alphas, means, icf, x, gamma, m = gmm_parts(v)
    f = lambda a, mu, q: gmm_objective(a, mu, q, x, gamma, m)
    value = f(alphas, means, icf)
    ga, gm, gq = jax.grad(f, argnums=(0, 1, 2))(alphas, means, icf)
    write("gmm_d2_K5.txt", [("value", [value]), ("gradient", np.concatenate([ga.ravel(), gm.ravel(), gq.ravel()]))])


# --- LSTM (ADBench src/cpp/shared/lstm.h; its log-sum-exp adds 2) ---------------------------
def lstm_layer(inp, hidden, cell, w, bias):
    """One layer at one character: the new hidden state and cell (w, bias: the layer's rows)."""
    b = hidden.shape[0]
    sig = lambda z: 1 / (1 + jnp.exp(-z))
    forget = sig(inp * w[:b] + bias[:b])
    ingate = sig(hidden * w[b:2 * b] + bias[b:2 * b])
    outgate = sig(inp * w[2 * b:3 * b] + bias[2 * b:3 * b])
    change = jnp.tanh(hidden * w[3 * b:] + bias[3 * b:])
    cell = cell * forget + ingate * change
    return outgate * jnp.tanh(cell), cell


def lstm_objective(main_params, extra_params, state, sequence):
    l = main_params.shape[0] // 2
    c, b = sequence.shape
    total = 0.0
    hidden = [state[2 * i] for i in range(l)]
    cell = [state[2 * i + 1] for i in range(l)]
    for t in range(c - 1):
        inp = sequence[t] * extra_params[0]
        for i in range(l):
            hidden[i], cell[i] = lstm_layer(inp, hidden[i], cell[i], main_params[2 * i], main_params[2 * i + 1])
            inp = hidden[i]
        ypred = inp * extra_params[1] + extra_params[2]
        lse = jnp.log(jnp.sum(jnp.exp(ypred)) + 2)
        total = total + jnp.sum(sequence[t + 1] * (ypred - lse))
    return -total / ((c - 1) * b)


def lstm():
    v = numbers(os.path.join(ROOT, "data", "adbench", "lstm", "lstm_l2_c1024.txt"))
    l, c, b = int(v[0]), int(v[1]), int(v[2])
    at = 3
    def take(rows, cols):
        nonlocal at
        out = np.array(v[at:at + rows * cols]).reshape(rows, cols)
        at += rows * cols
        return out
    main = take(2 * l, 4 * b)
    extra = take(3, b)
    state = take(2 * l, b)
    sequence = take(c, b)[:12]
    f = lambda mp, ep: lstm_objective(mp, ep, state, sequence)
    value = f(main, extra)
    gm, ge = jax.grad(f, argnums=(0, 1))(main, extra)
    write("lstm_l2_c12.txt", [("value", [value]), ("gradient", np.concatenate([gm.ravel(), ge.ravel()]))])


# --- BA (ADBench src/cpp/shared/ba.h), on generated data -----------------------------------
def reprojection_error(cam, x, w, feat):
    rot, centre = cam[:3], cam[3:6]
    pt = x - centre
    theta = jnp.sqrt(jnp.sum(rot * rot))
    k = rot / theta
    xcam = pt * jnp.cos(theta) + jnp.cross(k, pt) * jnp.sin(theta) + k * jnp.dot(k, pt) * (1 - jnp.cos(theta))
    proj = xcam[:2] / xcam[2]
    rsq = jnp.sum(proj * proj)
    proj = proj * (1 + cam[9] * rsq + cam[10] * rsq * rsq)
    return w * (proj * cam[6] + cam[7:9] - feat)


def ba():
    rng = np.random.default_rng(20261207)
    n, m, p = 3, 5, 8
    cams = np.column_stack([
        rng.uniform(-0.5, 0.5, (n, 3)),       # rotation
        rng.uniform(-1, 1, (n, 3)),           # centre
        rng.uniform(300, 500, (n, 1)),        # focal length
        rng.uniform(-5, 5, (n, 2)),           # principal point
        rng.uniform(-0.01, 0.01, (n, 2)),     # distortion
    ])
    points = np.column_stack([rng.uniform(-1, 1, (m, 2)), rng.uniform(4, 6, (m, 1))])
    weights = rng.uniform(0.5, 1.5, p)
    obs = np.column_stack([rng.integers(0, n, p), rng.integers(0, m, p)])
    feats = rng.uniform(-50, 50, (p, 2))
    errors, blocks = [], []
    jac = jax.jacobian(reprojection_error, argnums=(0, 1, 2))
    for i in range(p):
        c, q = obs[i]
        args = (cams[c], points[q], weights[i], feats[i])
        errors.append(reprojection_error(*args))
        jc, jx, jw = jac(*args)
        blocks.append(np.concatenate([np.asarray(jc), np.asarray(jx), np.asarray(jw)[:, None]], axis=1))
    write("ba_generated.txt", [
        ("shape", [n, m, p]), ("cams", cams), ("points", points), ("weights", weights),
        ("obs", obs), ("feats", feats), ("errors", np.array(errors)), ("blocks", np.array(blocks)),
    ])


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    gmm()
    lstm()
    ba()
    print("wrote", sorted(os.listdir(OUT)))
