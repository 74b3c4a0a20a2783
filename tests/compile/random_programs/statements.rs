//! Statements that bind and update values: `let`, `let mut`, accumulator updates and
//! shadowing, and the choice of the next statement.
use super::types::{bug, Branch, Gen, Ty, Var, E};

impl Gen<'_> {
    pub(crate) fn mutables(&self) -> Vec<Var> {
        self.visible().into_iter().filter(|v| v.mutable).collect()
    }

    pub(crate) fn statement(&mut self) {
        let in_loop = !self.loops.is_empty();
        let can_nest = self.nesting < 2;
        let no_jump = self.branch == Branch::NoJump;
        let weights = [
            5,                                                 // let
            3,                                                 // let mut
            if self.mutables().is_empty() { 0 } else { 6 },    // update
            if can_nest { 3 } else { 0 },                      // if
            if can_nest { 3 } else { 0 },                      // for
            if can_nest && self.nesting == 0 { 2 } else { 0 }, // while
            if no_jump { 0 } else { 1 },                       // early return (in loops too)
            if in_loop && !no_jump { 2 } else { 0 },           // break / continue / return
            2,                                                 // shadowing
            2,                                                 // a write into an array
            if can_nest { 1 } else { 0 },                      // match
            if can_nest && !self.groups.is_empty() {
                3
            } else {
                0
            }, // loop over structs
            if self.nesting == 0 { 2 } else { 0 },             // a summing loop over a vector
        ];
        match self.rng.weighted(&weights) {
            0 => self.let_stmt(),
            1 => self.let_mut(),
            2 => self.update(),
            3 => self.if_stmt(),
            4 => self.for_stmt(),
            5 => self.while_stmt(),
            6 => self.early_return(),
            7 => self.jump(),
            8 => self.shadow(),
            9 => self.write_stmt(),
            10 => self.match_stmt(),
            11 => self.group_loop(),
            _ => self.summing_loop(),
        }
    }

    pub(crate) fn expr_depth(&mut self) -> usize {
        if self.loops.is_empty() {
            1 + self.rng.weighted(&[2, 2, 1])
        } else {
            1 + self.rng.below(2)
        }
    }

    pub(crate) fn random_type(&mut self) -> Ty {
        if self.rng.chance(0.5) {
            Ty::S
        } else {
            let arrays: Vec<Ty> = self.avail.iter().copied().filter(|t| *t != Ty::S).collect();
            if arrays.is_empty() {
                Ty::S
            } else {
                *self.rng.pick(&arrays)
            }
        }
    }

    /// Binds `e` to a new immutable name (or shadows `name`).
    pub(crate) fn bind(&mut self, name: String, e: E) {
        let annotate = e.ty == Ty::S && self.rng.chance(0.2);
        let mut is_ref = false;
        let mut view = false;
        let code = if e.ty == Ty::S || e.owned {
            e.code.clone()
        } else if let Some(r) = e.var {
            if r && self.rng.chance(0.5) {
                // `let a = x;` keeps the reference.
                is_ref = true;
                e.code.clone()
            } else {
                e.value()
            }
        } else if e.unbindable_view || self.rng.chance(0.4) {
            e.value()
        } else {
            // A view of a parameter or an immutable local: fine to keep.
            view = true;
            e.code.clone()
        };
        // `let v: Array1<f64> = ..;` for owned arrays now and then.
        let owned = !view && !is_ref;
        let float = self.float();
        let ann = match (annotate || self.rng.chance(0.15), e.ty) {
            (true, Ty::S) if annotate => format!(": {float}"),
            (true, Ty::V(_)) if owned => format!(": Array1<{float}>"),
            (true, Ty::M(..)) if owned => format!(": Array2<{float}>"),
            _ => String::new(),
        };
        self.line(&format!("let {name}{ann} = {code};"));
        self.vars.push(Var {
            name,
            ty: e.ty,
            mutable: false,
            lit: e.lit && !annotate,
            is_ref,
            param: false,
            view,
            maybe_data: e.maybe_data,
            path: false,
        });
    }

    fn let_stmt(&mut self) {
        let ty = self.random_type();
        let d = self.expr_depth();
        let e = self.gen(ty, d);
        let name = self.fresh("v");
        self.bind(name, e);
    }

    pub(crate) fn let_mut(&mut self) {
        let ty = if self.rng.chance(0.7) {
            Ty::S
        } else {
            self.random_type()
        };
        let name = self.fresh("acc");
        self.declare_mut(name, ty);
    }

    pub(crate) fn declare_mut(&mut self, name: String, ty: Ty) {
        let (code, lit, ann) = if ty == Ty::S && self.rng.chance(0.3) {
            // `let mut acc = 0.0;`: the horner shape; an annotation half the time.
            let ann = self.rng.chance(0.5);
            let init = self.rng.pick(&["0.0", "1.0", "0.5"]).to_string();
            (init, !ann, ann)
        } else {
            let d = self.expr_depth();
            let e = self.gen(ty, d);
            let ann = ty == Ty::S && self.rng.chance(0.2);
            if e.maybe_data && !bug(7) {
                // Known bug 7: a loop-carried variable whose initial value the macro treats
                // as data (a call with constant arguments) stays data after the loop.
                (format!("{} * 1.0", e.code), false, ann)
            } else {
                (e.value(), e.lit && !ann, ann)
            }
        };
        let ann = if ann {
            format!(": {}", self.float())
        } else {
            String::new()
        };
        self.line(&format!("let mut {name}{ann} = {code};"));
        self.vars.push(Var {
            name,
            ty,
            mutable: true,
            lit,
            is_ref: false,
            param: false,
            view: false,
            maybe_data: false,
            path: false,
        });
    }

    /// `acc += e;`, `acc *= e;`, `acc = f(acc, e);`, ...
    pub(crate) fn update(&mut self) {
        let muts = self.mutables();
        let v = self.rng.pick(&muts).clone();
        self.update_var(&v);
    }

    fn update_var(&mut self, v: &Var) {
        let d = self.expr_depth();
        let me = Self::var_expr(v);
        // In a loop, what is added is bounded and what divides is at least 1: repeated
        // updates must not blow up (`acc += acc.powi(2)` five times over).
        let in_loop = !self.loops.is_empty();
        let extra = if in_loop { " + 1.0" } else { "" };
        match (v.ty, self.rng.weighted(&[4, 2, 2, 1, 3])) {
            (Ty::S, 0) => {
                let e = self.term(Ty::S, d);
                self.line(&format!("{} += {};", v.name, e.code));
            }
            (Ty::S, 1) => {
                let e = self.term(Ty::S, d);
                self.line(&format!("{} -= {};", v.name, e.code));
            }
            (Ty::S, 2) => {
                let e = self.bounded(Ty::S, d - 1);
                self.line(&format!("{} *= {};", v.name, e.code));
            }
            (Ty::S, 3) => {
                let e = self.positive(Ty::S, d - 1);
                self.line(&format!("{} /= {}{extra};", v.name, e.code));
            }
            (Ty::S, _) => {
                let e = self.term(Ty::S, d);
                let code = if v.lit {
                    format!("{} * 0.5 + {}", v.name, e.operand())
                } else {
                    match self.rng.below(3) {
                        0 => format!("({} * 0.5 + {}).tanh()", v.name, e.operand()),
                        1 => format!("{}.sin() + {}", v.name, e.operand()),
                        _ => format!(
                            "{} * {} + {}",
                            v.name,
                            self.bounded(Ty::S, 1).operand(),
                            e.operand()
                        ),
                    }
                };
                self.line(&format!("{} = {code};", v.name));
            }
            (ty, 0 | 1) => {
                let op = if self.rng.chance(0.6) { "+=" } else { "-=" };
                let rhs = self.broadcastable(&v.name, ty, d, in_loop);
                self.line(&format!("{} {op} {};", v.name, rhs));
            }
            (ty, 2) => {
                let rhs = if self.rng.chance(0.5) {
                    self.bounded(Ty::S, d - 1).code
                } else {
                    self.bounded(ty, d - 1).arg()
                };
                self.line(&format!("{} *= {rhs};", v.name));
            }
            (ty, 3) => {
                let rhs = if self.rng.chance(0.5) {
                    format!("{}{extra}", self.positive(Ty::S, d - 1).code)
                } else if in_loop {
                    format!("&({} + 1.0)", self.positive(ty, d - 1).code)
                } else {
                    self.positive(ty, d - 1).arg()
                };
                self.line(&format!("{} /= {rhs};", v.name));
            }
            (ty, _) => {
                let e = self.term(ty, d);
                let code = match self.rng.below(2) {
                    0 => format!("({} * 0.5 + {}).tanh()", me.arg(), e.arg()),
                    _ => format!("{}.sin() * {}", v.name, e.arg()),
                };
                self.line(&format!("{} = {code};", v.name));
            }
        }
    }

    /// A term to add to an accumulator: anything, but bounded inside a loop.
    fn term(&mut self, ty: Ty, d: usize) -> E {
        if self.loops.is_empty() {
            self.gen(ty, d)
        } else {
            self.bounded(ty, d - 1)
        }
    }

    /// A right-hand side for `arr += ..`: the same shape, a row vector, or a scalar.
    fn broadcastable(&mut self, name: &str, ty: Ty, d: usize, in_loop: bool) -> String {
        let rhs_ty = match (ty, self.rng.below(3)) {
            (Ty::M(_, c), 0) if self.avail(Ty::V(c)) => Ty::V(c),
            (_, 1) => return self.term(Ty::S, d).code,
            _ => ty,
        };
        loop {
            // Not `acc += &acc` or a view of `acc` (a borrow conflict in plain Rust).
            let e = if in_loop {
                self.bounded(rhs_ty, d - 1)
            } else {
                self.gen_a(rhs_ty, d)
            };
            let borrows_self =
                e.code == name || (e.view && e.code.starts_with(&format!("{name}.")));
            if !borrows_self {
                break e.arg();
            }
        }
    }

    /// `let a = a * ..;`: a new binding of an existing local name that uses the old one.
    fn shadow(&mut self) {
        if self.branch == Branch::NoShadow {
            return self.let_stmt();
        }
        let locals: Vec<Var> = self.visible().into_iter().filter(|v| !v.param).collect();
        let params: Vec<Var> = self
            .visible()
            .into_iter()
            .filter(|v| v.param && !v.path)
            .collect();
        let d = self.expr_depth();
        if let Some(v) = locals.last().cloned().filter(|_| self.rng.chance(0.7)) {
            let old = Self::var_expr(&v);
            // A parameter's name keeps its type (so leaves of every available type exist).
            let is_param_name = self.vars.iter().any(|p| p.param && p.name == v.name);
            let e = if v.ty != Ty::S && !is_param_name && self.rng.chance(0.4) {
                // A change of type: the array becomes a scalar.
                let s = self.reduced(&old);
                let other = self.gen_s(d - 1, false);
                E::new(format!("{} * {}", s.operand(), other.operand()), Ty::S)
            } else {
                self.combine(&old, d)
            };
            self.bind(v.name.clone(), e);
        } else if !params.is_empty() {
            // Shadow a parameter with a value of the same type.
            let v = self.rng.pick(&params).clone();
            let old = Self::var_expr(&v);
            let e = self.combine(&old, d);
            self.bind(v.name.clone(), e);
        } else {
            self.let_stmt();
        }
    }

    /// A new value of `old`'s type computed from `old` (fan-out of the old value).
    fn combine(&mut self, old: &E, d: usize) -> E {
        let other = self.gen(old.ty, d - 1);
        let op = self.rng.pick(&["+", "*", "-"]).to_string();
        if old.ty == Ty::S {
            let mut e = E::new(format!("{} {op} {}", old.operand(), other.operand()), Ty::S);
            e.lit = old.lit && other.lit;
            if !e.lit && self.rng.chance(0.5) {
                e = E::new(format!("{}.tanh()", e.operand()), Ty::S).atom();
            }
            e
        } else {
            E::new(format!("{} {op} {}", old.arg(), other.arg()), old.ty)
        }
    }
}
