//! Typed expressions: the scalar and array generators (`gen_s`, `gen_a`), `if` expressions
//! and arrays produced by `dot`, `sum_axis` or `logsumexp_axis`.
use super::types::{bug, Gen, Ty, E};
use std::fmt::Write as _;

impl Gen<'_> {
    pub(crate) fn gen(&mut self, ty: Ty, d: usize) -> E {
        if ty == Ty::S {
            self.gen_s(d, false)
        } else {
            self.gen_a(ty, d)
        }
    }

    /// A scalar expression with no unconstrained literal type (a valid method receiver).
    fn gen_nonlit(&mut self, d: usize) -> E {
        self.gen_s(d, true)
    }

    pub(crate) fn gen_s(&mut self, d: usize, nonlit: bool) -> E {
        if d == 0 || self.rng.chance(0.3) {
            return self.leaf_s(nonlit);
        }
        let e = loop {
            let kind = self.rng.weighted(&[1, 6, 1, 6, 5, 1, 2, 1, 2]);
            let e = match kind {
                0 => {
                    // Known bug 6: `-` of an untyped literal (`-0.5`) leaves the type of
                    // everything computed from it unknown in the generated code.
                    let a = self.gen_s(d - 1, nonlit || !bug(6));
                    let mut e = E::new(format!("-{}", a.operand()), Ty::S);
                    e.lit = a.lit;
                    e.maybe_data = a.maybe_data;
                    e
                }
                1 => {
                    let a = self.gen_s(d - 1, false);
                    let b = self.gen_s(d - 1, false);
                    let op = self.rng.pick(&["+", "-", "*", "+", "*"]).to_string();
                    let mut e = E::new(format!("{} {op} {}", a.operand(), b.operand()), Ty::S);
                    e.lit = a.lit && b.lit;
                    e.maybe_data = a.maybe_data && b.maybe_data;
                    e
                }
                2 => {
                    let a = self.gen_s(d - 1, false);
                    let b = self.positive(Ty::S, d - 1);
                    let mut e = E::new(format!("{} / {}", a.operand(), b.operand()), Ty::S);
                    e.lit = a.lit && b.lit;
                    e
                }
                3 => self.unary(Ty::S, d),
                4 => self.reduce(d),
                5 if self.nesting < 3 => self.if_expr(Ty::S, d),
                6 => match self.call(d) {
                    Some(e) => e,
                    None => continue,
                },
                7 => {
                    // Fan-out inside a block: one value used three times.
                    let t = self.fresh("t");
                    let a = self.gen_nonlit(d - 1);
                    let f = self.rng.pick(&["sin", "tanh", "cos"]).to_string();
                    E::new(
                        format!("{{ let {t} = {}; {t} * {t}.{f}() + {t} }}", a.code),
                        Ty::S,
                    )
                }
                _ => self.power(Ty::S, d),
            };
            break e;
        };
        if nonlit && e.lit {
            let v = self.leaf_s(true);
            return E::new(format!("{} + {}", e.operand(), v.operand()), Ty::S);
        }
        e
    }

    /// A receiver of type `ty`: for scalars, not an unconstrained literal.
    pub(crate) fn gen_recv(&mut self, ty: Ty, d: usize) -> E {
        if ty == Ty::S {
            self.gen_nonlit(d)
        } else {
            self.gen_a(ty, d)
        }
    }

    /// `if cond { a } else { b }` as a value (an `else if` sometimes).
    fn if_expr(&mut self, ty: Ty, d: usize) -> E {
        self.nesting += 1;
        let c = self.condition();
        let a = self.gen(ty, d - 1);
        let b = self.gen(ty, d - 1);
        let mut code = format!("if {c} {{ {} }} else ", a.value());
        let mut lit = a.lit && b.lit;
        let mut data = a.maybe_data && b.maybe_data;
        if self.rng.chance(0.3) {
            let c2 = self.condition();
            let e = self.gen(ty, d - 1);
            lit &= e.lit;
            data &= e.maybe_data;
            write!(code, "if {c2} {{ {} }} else ", e.value()).unwrap();
        }
        write!(code, "{{ {} }}", b.value()).unwrap();
        self.nesting -= 1;
        let mut e = E::new(code, ty);
        e.lit = lit;
        e.maybe_data = data;
        e
    }

    pub(crate) fn gen_a(&mut self, ty: Ty, d: usize) -> E {
        if d == 0 || self.rng.chance(0.3) {
            return self.leaf_a(ty);
        }
        loop {
            let kind = self.rng.weighted(&[1, 5, 4, 1, 4, 2, 2, 1, 1, 1]);
            let e = match kind {
                // `-&a` needs `&T: Neg`, which `T: Float` does not give. Known bug 21: `-&a`
                // (or `-x`) of an array in a function with `jvp` or `hvp`.
                0 if !self.generic && self.forward_bug(21) => {
                    let a = self.gen_a(ty, d - 1);
                    E::new(format!("-{}", a.arg()), ty)
                }
                1 => {
                    let a = self.gen_a(ty, d - 1);
                    let b = self.gen_a(ty, d - 1);
                    let op = self.rng.pick(&["+", "-", "*"]).to_string();
                    E::new(format!("{} {op} {}", a.arg(), b.arg()), ty)
                }
                2 => {
                    // Broadcasting: a scalar on either side, or a row vector over a matrix.
                    let a = self.gen_a(ty, d - 1);
                    let other_ty = match ty {
                        Ty::M(_, c) if self.avail(Ty::V(c)) && self.rng.chance(0.5) => Ty::V(c),
                        _ => Ty::S,
                    };
                    let b = self.gen(other_ty, d - 1);
                    let op = self.rng.pick(&["+", "-", "*"]).to_string();
                    // `2.0 * &a` has a type only after literal fallback (no method on it);
                    // a generic scalar multiplies an array from the right only.
                    if b.lit || (self.generic && b.ty == Ty::S) || self.rng.chance(0.5) {
                        E::new(format!("{} {op} {}", a.arg(), b.arg()), ty)
                    } else {
                        E::new(format!("{} {op} {}", b.arg(), a.arg()), ty)
                    }
                }
                3 => {
                    let a = self.gen_a(ty, d - 1);
                    let den_ty = if self.rng.chance(0.5) { ty } else { Ty::S };
                    let b = self.positive(den_ty, d - 1);
                    E::new(format!("{} / {}", a.arg(), b.arg()), ty)
                }
                4 => self.unary(ty, d),
                5 => {
                    let a = self.gen_a(ty, d - 1);
                    let f = self
                        .rng
                        .pick(&["sigmoid", "relu", "softmax", "log_softmax"])
                        .to_string();
                    E::new(format!("{f}({})", a.arg()), ty).atom()
                }
                6 => match self.produce(ty, d) {
                    Some(e) => e,
                    None => continue,
                },
                7 if self.nesting < 3 => self.if_expr(ty, d),
                8 => self.power(ty, d),
                9 => {
                    // `.t()` of a transposed expression.
                    let Ty::M(r, c) = ty else { continue };
                    if !self.avail(Ty::M(c, r)) {
                        continue;
                    }
                    let a = self.gen_a(Ty::M(c, r), d - 1);
                    let mut e = E::new(format!("{}.t()", a.operand()), ty).atom();
                    e.owned = false;
                    e.view = true;
                    e.unbindable_view = a.var.is_none() || a.unbindable_view;
                    e
                }
                _ => continue,
            };
            return e;
        }
    }

    /// An array of type `ty` made by `dot`, `sum_axis` or `logsumexp_axis` from others.
    fn produce(&mut self, ty: Ty, d: usize) -> Option<E> {
        let (m, n) = (self.m, self.n);
        let mut ways: Vec<(Ty, Ty, &str)> = Vec::new();
        match ty {
            Ty::V(len) => {
                for k in [m, n] {
                    ways.push((Ty::M(len, k), Ty::V(k), "dot"));
                    ways.push((Ty::V(k), Ty::M(k, len), "dot"));
                    ways.push((Ty::M(len, k), Ty::S, "sum1"));
                    ways.push((Ty::M(k, len), Ty::S, "sum0"));
                    ways.push((Ty::M(len, k), Ty::S, "lse1"));
                    ways.push((Ty::M(k, len), Ty::S, "lse0"));
                }
            }
            Ty::M(r, c) => {
                for k in [m, n] {
                    ways.push((Ty::M(r, k), Ty::M(k, c), "dot"));
                }
            }
            Ty::S => {}
        }
        ways.retain(|(a, b, _)| self.avail(*a) && self.avail(*b));
        if ways.is_empty() {
            return None;
        }
        let (ta, tb, how) = *self.rng.pick(&ways);
        let a = self.gen_a(ta, d - 1);
        Some(match how {
            "dot" => {
                let b = self.gen_a(tb, d - 1);
                E::new(format!("{}.dot({})", a.operand(), b.arg()), ty).atom()
            }
            "sum0" => E::new(format!("{}.sum_axis(Axis(0))", a.operand()), ty).atom(),
            "lse0" => E::new(format!("logsumexp_axis({}, Axis(0))", a.arg()), ty).atom(),
            "lse1" => E::new(format!("logsumexp_axis({}, Axis(1))", a.arg()), ty).atom(),
            _ => E::new(format!("{}.sum_axis(Axis(1))", a.operand()), ty).atom(),
        })
    }
}
