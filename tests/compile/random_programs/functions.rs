//! The listed methods and runtime functions on a generated value: unary functions, bounded
//! and positive arguments, powers, and reductions to a scalar.
use super::types::{bug, Gen, Ty, Var, E};

impl Gen<'_> {
    /// `ln`, `exp`, `sin`, ... of a suitable argument, scalar or array.
    pub(crate) fn unary(&mut self, ty: Ty, d: usize) -> E {
        let kind = self.rng.weighted(&[3, 3, 3, 2, 2, 2, 1, 2]);
        match kind {
            0..=2 => {
                let f = ["sin", "cos", "tanh"][kind];
                let a = self.gen_recv(ty, d - 1);
                E::new(format!("{}.{f}()", a.operand()), ty).atom()
            }
            3 => {
                let a = self.bounded(ty, d - 1);
                E::new(format!("{}.exp()", a.operand()), ty).atom()
            }
            4 => {
                let a = self.positive(ty, d - 1);
                E::new(format!("{}.ln()", a.operand()), ty).atom()
            }
            5 => {
                let a = self.positive(ty, d - 1);
                E::new(format!("{}.sqrt()", a.operand()), ty).atom()
            }
            6 => {
                let a = self.bounded(ty, d - 1);
                E::new(format!("{}.tan()", a.operand()), ty).atom()
            }
            _ => {
                // abs: kinks are possible; the harness redraws inputs where finite
                // differences at two step sizes disagree.
                let a = self.gen_recv(ty, d - 1);
                E::new(format!("{}.abs()", a.operand()), ty).atom()
            }
        }
    }

    /// A value in (-1, 1): `tanh`, `sin`, `cos` or a sigmoid of something.
    pub(crate) fn bounded(&mut self, ty: Ty, d: usize) -> E {
        let a = self.gen_recv(ty, d);
        let f = self.rng.pick(&["tanh", "sin", "cos", "tanh"]).to_string();
        if ty != Ty::S && self.rng.chance(0.25) {
            return E::new(format!("sigmoid({})", a.arg()), ty).atom();
        }
        E::new(format!("{}.{f}()", a.operand()), ty).atom()
    }

    /// A value at least about 0.2: denominators, `ln`, `sqrt`, `powf` bases.
    pub(crate) fn positive(&mut self, ty: Ty, d: usize) -> E {
        // Known bug 19: a typed literal as a receiver in a function with `jvp` or `hvp`.
        if ty == Ty::S && !self.generic && self.forward_bug(19) && self.rng.chance(0.15) {
            // A typed literal: it may be a method receiver.
            let c = self.rng.pick(&["1.5", "0.5", "2.0", "0.75"]);
            return E::new(format!("{c}_f64"), Ty::S).atom();
        }
        let kind = self.rng.weighted(&[3, 3, 2, 2, 1]);
        match kind {
            0 => {
                let a = self.gen_recv(ty, d);
                E::new(format!("{}.powi(2) + 0.5", a.operand()), ty)
            }
            1 => {
                let a = self.gen_recv(ty, d);
                let f = self.rng.pick(&["tanh", "sin", "cos"]).to_string();
                let c = self.rng.pick(&["1.5", "2.0", "1.25"]).to_string();
                E::new(format!("{}.{f}() + {c}", a.operand()), ty)
            }
            2 => {
                let a = self.bounded(ty, d);
                E::new(format!("{}.exp()", a.operand()), ty).atom()
            }
            3 if ty != Ty::S => {
                let a = self.gen_a(ty, d);
                let f = self.rng.pick(&["sigmoid", "softmax"]).to_string();
                E::new(format!("{f}({}) + 0.2", a.arg()), ty)
            }
            _ => {
                let a = self.gen_recv(ty, d);
                E::new(format!("{}.abs() + 0.5", a.operand()), ty)
            }
        }
    }

    /// `powi` and `powf`, scalar or array.
    pub(crate) fn power(&mut self, ty: Ty, d: usize) -> E {
        match self.rng.below(4) {
            0 => {
                let a = self.gen_recv(ty, d - 1);
                let k = self.rng.pick(&["2", "3", "1", "2"]).to_string();
                E::new(format!("{}.powi({k})", a.operand()), ty).atom()
            }
            1 => {
                let a = self.positive(ty, d - 1);
                let k = self.rng.pick(&["-1", "-2", "0"]).to_string();
                E::new(format!("{}.powi({k})", a.operand()), ty).atom()
            }
            2 => {
                let a = self.positive(ty, d - 1);
                let mut p = self
                    .rng
                    .pick(&["1.5", "0.5", "2.5", "-0.5", "0.75"])
                    .to_string();
                if p.starts_with('-') && !bug(6) {
                    // Known bug 6 (see `gen_s`): a typed negative literal.
                    p.push_str("_f64");
                }
                E::new(format!("{}.powf({p})", a.operand()), ty).atom()
            }
            _ => {
                let a = self.positive(ty, d - 1);
                let p = self.bounded(Ty::S, d - 1);
                let scale = self.rng.pick(&["", " * 1.5", " + 1.0"]).to_string();
                E::new(format!("{}.powf({}{scale})", a.operand(), p.code), ty).atom()
            }
        }
    }

    /// A scalar from arrays: reductions, dot, elements, slices, cross_entropy, matmul.
    pub(crate) fn reduce(&mut self, d: usize) -> E {
        let arrays: Vec<Ty> = self.avail.iter().copied().filter(|t| *t != Ty::S).collect();
        if arrays.is_empty() {
            return self.leaf_s(false);
        }
        let ty = *self.rng.pick(&arrays);
        match self.rng.weighted(&[4, 3, 3, 2, 2, 1, 1]) {
            0 => {
                let a = self.gen_a(ty, d - 1);
                E::new(format!("{}.sum()", a.operand()), Ty::S).atom()
            }
            1 => {
                let a = self.gen_a(ty, d - 1);
                E::new(format!("{}.mean().unwrap()", a.operand()), Ty::S).atom()
            }
            2 => {
                let len = match ty {
                    Ty::V(l) => l,
                    Ty::M(_, c) => c,
                    Ty::S => unreachable!(),
                };
                let vt = Ty::V(len);
                if !self.avail(vt) {
                    return self.leaf_s(false);
                }
                let a = self.gen_a(vt, d - 1);
                let b = self.gen_a(vt, d - 1);
                E::new(format!("{}.dot({})", a.operand(), b.arg()), Ty::S).atom()
            }
            3 => {
                let a = self.gen_a(ty, d - 1);
                self.element_of(&a)
            }
            4 => {
                // A slice of a variable with a data-dependent bound, reduced.
                let vars: Vec<Var> = self
                    .visible()
                    .into_iter()
                    .filter(|v| matches!(v.ty, Ty::V(_)))
                    .collect();
                let Some(v) = vars.first().cloned() else {
                    return self.leaf_s(false);
                };
                let Ty::V(len) = v.ty else { unreachable!() };
                let starts = self.indices_for(len);
                let s0 = self.rng.pick(&starts).clone();
                let f = self.rng.pick(&["sum()", "powi(2).sum()", "tanh().sum()"]);
                E::new(format!("{}.slice(s![{s0}..]).{f}", v.name), Ty::S).atom()
            }
            5 => {
                let (r, c) = (self.m, self.n);
                if !self.avail(Ty::M(r, c)) {
                    return self.leaf_s(false);
                }
                let labels = if self.labels {
                    "lab".to_string()
                } else if bug(1) {
                    // Known bug 1: a literal label array.
                    let l: Vec<String> = (0..r).map(|_| self.rng.below(c).to_string()).collect();
                    format!("&[{}]", l.join(", "))
                } else {
                    return self.leaf_s(false);
                };
                let z = self.gen_a(Ty::M(r, c), d - 1);
                E::new(format!("cross_entropy({}, {labels})", z.arg()), Ty::S).atom()
            }
            _ => {
                // matmul: NumPy semantics, an ArrayD result reduced at once.
                let (m, n) = (self.m, self.n);
                let pairs: Vec<(Ty, Ty)> = [
                    (Ty::M(m, n), Ty::M(n, m)),
                    (Ty::M(m, n), Ty::V(n)),
                    (Ty::V(m), Ty::M(m, n)),
                    (Ty::V(n), Ty::V(n)),
                    (Ty::M(n, m), Ty::M(m, n)),
                ]
                .into_iter()
                .filter(|(a, b)| self.avail(*a) && self.avail(*b))
                .collect();
                if pairs.is_empty() {
                    return self.leaf_s(false);
                }
                let (ta, tb) = *self.rng.pick(&pairs);
                let a = self.gen_a(ta, d - 1);
                let b = self.gen_a(tb, d - 1);
                let f = self.rng.pick(&["sum()", "mean().unwrap()", "tanh().sum()"]);
                E::new(format!("matmul({}, {}).{f}", a.arg(), b.arg()), Ty::S).atom()
            }
        }
    }

    /// `e` as a scalar: its sum, mean or `tanh` sum (a scalar stays as it is).
    pub(crate) fn reduced(&mut self, e: &E) -> E {
        match e.ty {
            Ty::S => e.clone(),
            Ty::V(_) | Ty::M(..) => match self.rng.below(3) {
                0 => E::new(format!("{}.sum()", e.operand()), Ty::S).atom(),
                1 => E::new(format!("{}.mean().unwrap()", e.operand()), Ty::S).atom(),
                _ => E::new(format!("{}.tanh().sum()", e.operand()), Ty::S).atom(),
            },
        }
    }
}
