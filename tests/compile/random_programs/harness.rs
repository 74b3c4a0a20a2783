// ---------------------------------------------------------------------------------------
// The harness (tests/compile/random_programs/harness.rs, appended to each part): for
// each program and a few random inputs, `NAME_grad` against central finite differences of
// the original function, `NAME_vjp` against `seed * grad`, for a program with a twin
// `NAME_j` (output `[f, f²]`), `NAME_j_jacobian` against `[grad; 2 f grad]`, for a
// program with `jvp` its output tangent against central differences of the function along a
// random direction `t` of the active parameters, for one with `hvp` its value and gradient
// against `NAME_grad` and its `H t` against central differences of `NAME_grad` along `t`,
// and for a generic program, its f32 gradient against its f64 one. A struct parameter is a flat vector
// of its float leaves (written into its template and read from its gradient by
// `visit_leaves`), so every leaf is checked like an array element.
// ---------------------------------------------------------------------------------------

/// One generated function, its companions and how to rebuild its arguments from flat vectors
/// (one per float parameter, in order).
struct Case {
    name: &'static str,
    src: &'static str,
    /// The shape of each float parameter (`[]` for a scalar).
    shapes: &'static [&'static [usize]],
    /// Which float parameters have a gradient, in the order of the gradient tuple.
    active: &'static [usize],
    uses_k: bool,
    f: fn(&[Vec<f64>], usize) -> f64,
    grad: fn(&[Vec<f64>], usize) -> (f64, Vec<Vec<f64>>),
    vjp: fn(&[Vec<f64>], usize, f64) -> (f64, Vec<Vec<f64>>),
    /// The twin's value and Jacobian blocks (row-major: 2 rows), if it has one.
    jac: Option<fn(&[Vec<f64>], usize) -> (Vec<f64>, Vec<Vec<f64>>)>,
    /// `NAME_jvp` on flat tangents (one per active parameter): the value and the output
    /// tangent.
    jvp: Option<fn(&[Vec<f64>], usize, &[Vec<f64>]) -> (f64, f64)>,
    /// `NAME_hvp` on flat directions (one per active parameter): the value, the gradient and
    /// the Hessian-vector product.
    #[allow(clippy::type_complexity)]
    hvp: Option<fn(&[Vec<f64>], usize, &[Vec<f64>]) -> (f64, Vec<Vec<f64>>, Vec<Vec<f64>>)>,
    /// A generic program's value and gradient in f32 (its inputs are f32 values).
    f32_grad: Option<fn(&[Vec<f64>], usize) -> (f64, Vec<Vec<f64>>)>,
}

fn vt<T: Float>(v: &[f64]) -> Vec<T> {
    v.iter().map(|&x| T::of_f64(x)).collect()
}

fn a1<T: Float>(v: &[f64]) -> Array1<T> {
    Array1::from_vec(vt(v))
}

fn a2<T: Float>(v: &[f64], r: usize, c: usize) -> Array2<T> {
    Array2::from_shape_vec((r, c), vt(v)).expect("shape")
}

/// Writes `values` into the float leaves of a value, in visiting order (`set`), or reads
/// them out (`values` empty).
struct Leaves {
    values: Vec<f64>,
    at: usize,
    set: bool,
}

impl autodiff::LeafVisitor for Leaves {
    fn leaf<A: Float>(&mut self, mut leaf: autodiff::ndarray::ArrayViewMutD<'_, A>) {
        for x in leaf.iter_mut() {
            if self.set {
                *x = A::of_f64(self.values[self.at]);
            } else {
                self.values.push(x.as_f64());
            }
            self.at += 1;
        }
    }
}

/// The template `p` with its float leaves set to `values`, one each.
fn fill<P: Differentiable>(mut p: P, values: &[f64]) -> P {
    let mut v = Leaves {
        values: values.to_vec(),
        at: 0,
        set: true,
    };
    p.visit_leaves(&mut v);
    assert_eq!(
        v.at,
        values.len(),
        "the struct has as many float leaves as the generator counted"
    );
    p
}

/// Every float leaf of a value (a gradient), in visiting order, as f64.
fn leaves<P: Differentiable>(mut p: P) -> Vec<f64> {
    let mut v = Leaves {
        values: Vec::new(),
        at: 0,
        set: false,
    };
    p.visit_leaves(&mut v);
    v.values
}

trait Flat {
    fn flat(self) -> Vec<f64>;
}

impl Flat for f64 {
    fn flat(self) -> Vec<f64> {
        vec![self]
    }
}

impl Flat for Array1<f64> {
    fn flat(self) -> Vec<f64> {
        self.iter().copied().collect()
    }
}

impl Flat for Array2<f64> {
    fn flat(self) -> Vec<f64> {
        self.iter().copied().collect()
    }
}

impl Flat for Vec<f64> {
    fn flat(self) -> Vec<f64> {
        self
    }
}

impl Flat for autodiff::ndarray::ArrayD<f64> {
    fn flat(self) -> Vec<f64> {
        self.iter().copied().collect()
    }
}

fn fl<T: Flat>(t: T) -> Vec<f64> {
    t.flat()
}

struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
}

const H: f64 = 1e-6;
/// `|g32 - g64| / max(1, |g32|, |g64|)` allowed between a generic program's f32 and f64
/// gradients (and values) at the same (f32) input: rounding in f32 through a few dozen
/// operations, not a wrong derivative.
const F32_TOL: f64 = 2e-3;
/// `|a - n| / max(1, |a|, |n|)` allowed between the gradient and finite differences.
const TOL: f64 = 1e-5;
/// Finite differences at `h` and `2h` that differ by more than this: a kink or a branch
/// switch lies within `2h` of the input (not a smooth point), so the input is redrawn.
const SMOOTH: f64 = 1e-6;
/// Finite differences check a derivative only where the function changes little over a step:
/// with `|f'| h` near a period of `sin(f)` they see an average slope, not the derivative.
/// Inputs where the function or a partial derivative exceeds these are redrawn.
const MAX_VALUE: f64 = 1e6;
const MAX_SLOPE: f64 = 1e4;
/// The step of the central differences of `NAME_grad` along `v` that check `NAME_hvp`
/// (larger than `H`: the gradient carries more rounding than the function).
const HH: f64 = 1e-5;
/// `|a - n| / max(1, |a|, |n|)` allowed between `H v` and those differences (truncation
/// `HH² g'''/6` and rounding in the gradient; a wrong sign or factor is far above it), and
/// between the differences at `HH` and `2 HH` at a smooth point of the gradient.
const HVP_TOL: f64 = 1e-4;
const HVP_SMOOTH: f64 = 1e-5;
/// How many inputs are drawn per program, at most, to find `TRIALS` smooth ones.
const ATTEMPTS: usize = 12;

fn rel(a: f64, b: f64) -> f64 {
    if !a.is_finite() || !b.is_finite() {
        return f64::NAN;
    }
    (a - b).abs() / 1f64.max(a.abs()).max(b.abs())
}

enum Outcome {
    Ok,
    /// The original function is not finite here (overflow), or too large or steep for
    /// finite differences: not a test of the gradient.
    NonFinite,
    /// Not a smooth point (see `SMOOTH`).
    Kink,
    Fail(String),
}

fn catch<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|e| {
        let msg = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        format!("{what} panicked: {msg}")
    })
}

fn central(case: &Case, p: &[Vec<f64>], k: usize, slot: usize, e: usize, h: f64) -> f64 {
    let mut q = p.to_vec();
    let x = p[slot][e];
    let (plus, minus) = (x + h, x - h);
    q[slot][e] = plus;
    let fp = (case.f)(&q, k);
    q[slot][e] = minus;
    let fm = (case.f)(&q, k);
    (fp - fm) / (plus - minus)
}

/// `p + s t` (`t` a direction of the active parameters, in their order).
fn along(case: &Case, p: &[Vec<f64>], t: &[Vec<f64>], s: f64) -> Vec<Vec<f64>> {
    let mut q = p.to_vec();
    for (&slot, t) in case.active.iter().zip(t) {
        for (x, t) in q[slot].iter_mut().zip(t) {
            *x += s * t;
        }
    }
    q
}

/// The central difference of the function along `t`: `(f(p + h t) - f(p - h t)) / 2h`.
fn directional(case: &Case, p: &[Vec<f64>], k: usize, t: &[Vec<f64>], h: f64) -> f64 {
    let fp = (case.f)(&along(case, p, t, h), k);
    let fm = (case.f)(&along(case, p, t, -h), k);
    (fp - fm) / (2.0 * h)
}

/// The central difference of `NAME_grad` along `t`, per active parameter and element.
fn grad_directional(
    case: &Case,
    p: &[Vec<f64>],
    k: usize,
    t: &[Vec<f64>],
    h: f64,
) -> Vec<Vec<f64>> {
    let gp = (case.grad)(&along(case, p, t, h), k).1;
    let gm = (case.grad)(&along(case, p, t, -h), k).1;
    gp.iter()
        .zip(&gm)
        .map(|(a, b)| a.iter().zip(b).map(|(a, b)| (a - b) / (2.0 * h)).collect())
        .collect()
}

fn check(case: &Case, p: &[Vec<f64>], k: usize, seed: f64, t: &[Vec<f64>]) -> Outcome {
    let v = match catch("the original function", || (case.f)(p, k)) {
        Ok(v) => v,
        Err(m) => return Outcome::Fail(m),
    };
    if !v.is_finite() || v.abs() > MAX_VALUE {
        return Outcome::NonFinite;
    }
    // Numeric gradient first, to skip inputs that are not smooth points.
    let mut numeric: Vec<Vec<f64>> = Vec::new();
    for &slot in case.active {
        let mut g = Vec::new();
        for e in 0..p[slot].len() {
            let d = catch("the original function", || {
                (
                    central(case, p, k, slot, e, H),
                    central(case, p, k, slot, e, 2.0 * H),
                )
            });
            let (n1, n2) = match d {
                Ok(d) => d,
                Err(m) => return Outcome::Fail(m),
            };
            if !n1.is_finite() || !n2.is_finite() || n1.abs() > MAX_SLOPE {
                return Outcome::NonFinite;
            }
            if !(rel(n1, n2) <= SMOOTH) {
                return Outcome::Kink;
            }
            g.push(n1);
        }
        numeric.push(g);
    }
    // Differences along the direction `t`, for `NAME_jvp` and `NAME_hvp` (at two steps: a
    // kink of the function or the gradient near the line through `p` redraws the input).
    let mut jvp_numeric = 0.0;
    if case.jvp.is_some() {
        let d = catch("the original function", || {
            (
                directional(case, p, k, t, H),
                directional(case, p, k, t, 2.0 * H),
            )
        });
        let (n1, n2) = match d {
            Ok(d) => d,
            Err(m) => return Outcome::Fail(m),
        };
        if !n1.is_finite() || !n2.is_finite() || n1.abs() > MAX_SLOPE {
            return Outcome::NonFinite;
        }
        if !(rel(n1, n2) <= SMOOTH) {
            return Outcome::Kink;
        }
        jvp_numeric = n1;
    }
    let mut hvp_numeric: Vec<Vec<f64>> = Vec::new();
    if case.hvp.is_some() {
        let d = catch("NAME_grad", || {
            (
                grad_directional(case, p, k, t, HH),
                grad_directional(case, p, k, t, 2.0 * HH),
            )
        });
        let (n1, n2) = match d {
            Ok(d) => d,
            Err(m) => return Outcome::Fail(m),
        };
        for (a, b) in n1.iter().flatten().zip(n2.iter().flatten()) {
            if !a.is_finite() || !b.is_finite() || a.abs() > MAX_SLOPE {
                return Outcome::NonFinite;
            }
            if !(rel(*a, *b) <= HVP_SMOOTH) {
                return Outcome::Kink;
            }
        }
        hvp_numeric = n1;
    }
    let (gv, grad) = match catch("NAME_grad", || (case.grad)(p, k)) {
        Ok(r) => r,
        Err(m) => return Outcome::Fail(m),
    };
    let mut problems = String::new();
    if !(rel(gv, v) <= 1e-12) {
        problems += &format!("  value: NAME_grad gives {gv:e}, the function {v:e}\n");
    }
    if grad.len() != case.active.len() {
        return Outcome::Fail(format!(
            "NAME_grad gives {} gradients for {} active parameters",
            grad.len(),
            case.active.len()
        ));
    }
    // Rounding in the function's value, amplified by 1/h, is not the gradient's fault.
    let noise = 1e-14 * (1.0 + v.abs()) / H;
    for (i, &slot) in case.active.iter().enumerate() {
        if grad[i].len() != p[slot].len() {
            problems += &format!(
                "  parameter #{slot}: gradient has {} elements, the parameter {}\n",
                grad[i].len(),
                p[slot].len()
            );
            continue;
        }
        for e in 0..p[slot].len() {
            let (a, n) = (grad[i][e], numeric[i][e]);
            if !(rel(a, n) <= TOL + noise) {
                problems += &format!(
                    "  d/d(float parameter #{slot})[{e}]: NAME_grad {a:e}, finite differences {n:e} (rel. error {:e})\n",
                    rel(a, n)
                );
            }
        }
    }
    let (vv, vjp) = match catch("NAME_vjp", || (case.vjp)(p, k, seed)) {
        Ok(r) => r,
        Err(m) => return Outcome::Fail(m),
    };
    if !(rel(vv, v) <= 1e-12) {
        problems += &format!("  value: NAME_vjp gives {vv:e}, the function {v:e}\n");
    }
    if vjp.len() == grad.len() {
        for (i, (s, g)) in vjp.iter().zip(&grad).enumerate() {
            for (e, (s, g)) in s.iter().zip(g).enumerate() {
                if !(rel(*s, seed * g) <= 1e-10) {
                    problems += &format!(
                        "  NAME_vjp(seed = {seed}) gradient #{i}[{e}]: {s:e}, seed * grad = {:e}\n",
                        seed * g
                    );
                }
            }
        }
    } else {
        problems += "  NAME_vjp gives a different number of gradients than NAME_grad\n";
    }
    if let Some(f32_grad) = case.f32_grad {
        match catch("NAME_grad::<f32>", || f32_grad(p, k)) {
            Err(m) => problems += &format!("  {m}\n"),
            Ok((v32, g32)) => {
                if !(rel(v32, v) <= F32_TOL) {
                    problems += &format!(
                        "  value: NAME_grad::<f32> gives {v32:e}, the function in f64 {v:e}\n"
                    );
                }
                for (i, (a, b)) in g32.iter().zip(&grad).enumerate() {
                    for (e, (a, b)) in a.iter().zip(b).enumerate() {
                        if !(rel(*a, *b) <= F32_TOL) {
                            problems += &format!(
                                "  gradient #{i}[{e}]: NAME_grad::<f32> {a:e}, NAME_grad::<f64> {b:e} (rel. error {:e})\n",
                                rel(*a, *b)
                            );
                        }
                    }
                }
                if g32.len() != grad.len() || g32.iter().zip(&grad).any(|(a, b)| a.len() != b.len())
                {
                    problems +=
                        "  NAME_grad::<f32> gives gradients of other sizes than NAME_grad::<f64>\n";
                }
            }
        }
    }
    if let Some(jac) = case.jac {
        match catch("NAME_j_jacobian", || jac(p, k)) {
            Err(m) => problems += &format!("  {m}\n"),
            Ok((value, blocks)) => {
                if value.len() != 2
                    || !(rel(value[0], v) <= 1e-12)
                    || !(rel(value[1], v * v) <= 1e-10)
                {
                    problems += &format!(
                        "  NAME_j_jacobian value {value:?}, want [{v:e}, {:e}]\n",
                        v * v
                    );
                }
                for (i, (block, g)) in blocks.iter().zip(&grad).enumerate() {
                    let want: Vec<f64> = g
                        .iter()
                        .copied()
                        .chain(g.iter().map(|d| 2.0 * v * d))
                        .collect();
                    let ok = block.len() == want.len()
                        && block.iter().zip(&want).all(|(a, b)| rel(*a, *b) <= 1e-10);
                    if !ok {
                        problems += &format!("  NAME_j_jacobian block #{i}: {block:?}, want [grad; 2 f grad] = {want:?}\n");
                    }
                }
            }
        }
    }
    if let Some(jvp) = case.jvp {
        match catch("NAME_jvp", || jvp(p, k, t)) {
            Err(m) => problems += &format!("  {m}\n"),
            Ok((jv, dt)) => {
                if !(rel(jv, v) <= 1e-12) {
                    problems += &format!("  value: NAME_jvp gives {jv:e}, the function {v:e}\n");
                }
                if !(rel(dt, jvp_numeric) <= TOL + noise) {
                    problems += &format!(
                        "  NAME_jvp along {t:?}: {dt:e}, finite differences {jvp_numeric:e} (rel. error {:e})\n",
                        rel(dt, jvp_numeric)
                    );
                }
            }
        }
    }
    if let Some(hvp) = case.hvp {
        match catch("NAME_hvp", || hvp(p, k, t)) {
            Err(m) => problems += &format!("  {m}\n"),
            Ok((hv, hg, hh)) => {
                if !(rel(hv, v) <= 1e-12) {
                    problems += &format!("  value: NAME_hvp gives {hv:e}, the function {v:e}\n");
                }
                let same = |a: &[Vec<f64>], b: &[Vec<f64>]| {
                    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| a.len() == b.len())
                };
                if !same(&hg, &grad) || !same(&hh, &hvp_numeric) {
                    problems +=
                        "  NAME_hvp gives gradients or products of other sizes than NAME_grad\n";
                } else {
                    for (i, (a, b)) in hg.iter().zip(&grad).enumerate() {
                        for (e, (a, b)) in a.iter().zip(b).enumerate() {
                            if !(rel(*a, *b) <= 1e-10) {
                                problems += &format!(
                                    "  gradient #{i}[{e}]: NAME_hvp {a:e}, NAME_grad {b:e}\n"
                                );
                            }
                        }
                    }
                    let gmax = grad.iter().flatten().fold(0.0f64, |m, g| m.max(g.abs()));
                    let noise = 1e-13 * (1.0 + gmax) / HH;
                    for (i, (a, b)) in hh.iter().zip(&hvp_numeric).enumerate() {
                        for (e, (a, b)) in a.iter().zip(b).enumerate() {
                            if !(rel(*a, *b) <= HVP_TOL + noise) {
                                problems += &format!(
                                    "  Hv #{i}[{e}] along {t:?}: NAME_hvp {a:e}, finite differences of NAME_grad {b:e} (rel. error {:e})\n",
                                    rel(*a, *b)
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    if problems.is_empty() {
        Outcome::Ok
    } else {
        Outcome::Fail(problems)
    }
}

/// The case being checked, for the watchdog.
static CURRENT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
/// Set when every case is checked: the watchdog stops.
static DONE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
/// A program (of at most a few hundred operations, loops of at most 5 iterations) that takes
/// this long on a few inputs does not terminate: report it instead of hanging.
const STUCK_SECONDS: u64 = 60;

fn watchdog(cases: &'static [Case]) {
    std::thread::spawn(move || {
        let mut last = usize::MAX;
        let mut since = std::time::Instant::now();
        while !DONE.load(std::sync::atomic::Ordering::Relaxed) {
            std::thread::sleep(std::time::Duration::from_millis(500));
            let now = CURRENT.load(std::sync::atomic::Ordering::Relaxed);
            if now != last {
                last = now;
                since = std::time::Instant::now();
            } else if since.elapsed().as_secs() >= STUCK_SECONDS {
                let case = &cases[now];
                println!(
                    "==== FAILED: {} (seed {SEED}) does not finish within {STUCK_SECONDS} s on one of its inputs (an endless loop in the function or its gradient)\nsource:\n{}",
                    case.name, case.src
                );
                std::process::exit(2);
            }
        }
    });
}

/// Checks every case of this part (the caller silences the panic hook).
pub fn run() -> crate::Summary {
    let cases: &'static [Case] = Vec::leak(cases());
    watchdog(cases);
    let mut rng = Rng(SEED ^ 0x00C0_FFEE_D00D_F00D ^ (PART << 40));
    let (mut checked, mut kinks, mut nonfinite, mut starved) = (0usize, 0usize, 0usize, 0usize);
    let mut forward_inputs = 0usize;
    let mut failed: Vec<&str> = Vec::new();
    let mut report = String::new();
    for (index, case) in cases.iter().enumerate() {
        CURRENT.store(index, std::sync::atomic::Ordering::Relaxed);
        let mut good = 0;
        for _ in 0..ATTEMPTS {
            if good == TRIALS {
                break;
            }
            let p: Vec<Vec<f64>> = case
                .shapes
                .iter()
                .map(|s| {
                    let len = s.iter().product::<usize>();
                    (0..len)
                        .map(|_| {
                            let x = rng.uniform(-1.5, 1.5);
                            // A generic program is checked in f32 too: at the same point.
                            match case.f32_grad {
                                Some(_) => x as f32 as f64,
                                None => x,
                            }
                        })
                        .collect()
                })
                .collect();
            let k = (rng.unit() * 4.0) as usize;
            let seed = rng.uniform(0.5, 2.0) * if rng.unit() < 0.5 { -1.0 } else { 1.0 };
            // A direction of the active parameters, for `NAME_jvp` and `NAME_hvp`.
            let t: Vec<Vec<f64>> = match case.jvp.is_some() || case.hvp.is_some() {
                true => case
                    .active
                    .iter()
                    .map(|&slot| (0..p[slot].len()).map(|_| rng.uniform(-1.0, 1.0)).collect())
                    .collect(),
                false => Vec::new(),
            };
            match check(case, &p, k, seed, &t) {
                Outcome::Ok => {
                    good += 1;
                    checked += 1;
                    if !t.is_empty() {
                        forward_inputs += 1;
                    }
                }
                Outcome::Kink => kinks += 1,
                Outcome::NonFinite => nonfinite += 1,
                Outcome::Fail(msg) => {
                    failed.push(case.name);
                    report += &format!(
                        "==== FAILED: {} (seed {SEED})\n{}\ninputs (float parameters in order, a struct as its float leaves in visiting order{}):\n",
                        case.name,
                        msg.replace("NAME", case.name),
                        if case.uses_k { format!("; k = {k}") } else { String::new() }
                    );
                    for (slot, (v, s)) in p.iter().zip(case.shapes).enumerate() {
                        report += &format!("  #{slot} {s:?}: {v:?}\n");
                    }
                    report += &format!("source:\n{}\n", case.src);
                    break;
                }
            }
        }
        if good == 0 && !failed.contains(&case.name) {
            starved += 1;
        }
    }
    DONE.store(true, std::sync::atomic::Ordering::Relaxed);
    crate::Summary {
        seed: SEED,
        programs: cases.len(),
        generic: KINDS[0],
        structs: KINDS[1],
        methods: KINDS[2],
        jvps: KINDS[3],
        hvps: KINDS[4],
        forward_inputs,
        inputs: checked,
        kinks,
        nonfinite,
        starved,
        failed,
        report,
    }
}
