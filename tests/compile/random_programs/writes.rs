//! The language of API v2 in generated programs: writes into local arrays (elements,
//! compound updates, rows, columns, slices, arrays built with `zeros` and filled in a loop)
//! and `match` on a loop index.
use super::types::{bug, Gen, Ty, Var};

impl Gen<'_> {
    /// The mutable local arrays in scope (owned: written in place by plain Rust too).
    fn writable(&self) -> Vec<Var> {
        self.mutables()
            .into_iter()
            .filter(|v| v.ty != Ty::S && !v.is_ref && !v.view)
            .collect()
    }

    /// A write into a mutable local array, or a new array built by `zeros` and filled.
    pub(crate) fn write_stmt(&mut self) {
        let arrays = self.writable();
        if arrays.is_empty() || self.rng.chance(0.25) {
            return self.fill_stmt();
        }
        let v = self.rng.pick(&arrays).clone();
        let d = 1 + self.rng.below(2);
        match v.ty {
            Ty::V(len) => {
                let i = self.index_below(len);
                match self.rng.below(4) {
                    0 => {
                        let e = self.bounded(Ty::S, d);
                        self.line(&format!("{}[{i}] = {};", v.name, e.code));
                    }
                    1 | 3 => {
                        let e = self.bounded(Ty::S, d);
                        let op = self.rng.pick(&["+=", "-=", "*="]).to_string();
                        self.compound(&format!("{}[{i}]", v.name), &op, &e.code);
                    }
                    _ if len >= 2 => {
                        let a = self.rng.below(len - 1);
                        let b = a + 1 + self.rng.below(len - a - 1);
                        let e = self.bounded(Ty::S, d);
                        // The value first: it may read the array the slice borrows.
                        let w = self.fresh("w");
                        self.line(&format!(
                            "let {w} = Array1::from_elem({}, {});",
                            b - a,
                            e.code
                        ));
                        self.line(&format!("{}.slice_mut(s![{a}..{b}]).assign(&{w});", v.name));
                    }
                    _ => {
                        let e = self.bounded(Ty::S, d);
                        self.line(&format!("{}[{i}] = {};", v.name, e.code));
                    }
                }
            }
            Ty::M(r, c) => {
                let (i, j) = (self.rng.below(r), self.rng.below(c));
                match self.rng.below(4) {
                    0 if self.avail(Ty::V(c)) => {
                        let e = self.bounded(Ty::V(c), d);
                        let w = self.fresh("w");
                        self.line(&format!("let {w} = {};", e.value()));
                        self.line(&format!("{}.row_mut({i}).assign(&{w});", v.name));
                    }
                    1 if self.avail(Ty::V(r)) => {
                        let e = self.bounded(Ty::V(r), d);
                        let w = self.fresh("w");
                        self.line(&format!("let {w} = {};", e.value()));
                        self.line(&format!("{}.column_mut({j}).assign(&{w});", v.name));
                    }
                    _ => {
                        let e = self.bounded(Ty::S, d);
                        let op = self.rng.pick(&["=", "+=", "-=", "*="]).to_string();
                        self.compound(&format!("{}[[{i}, {j}]]", v.name), &op, &e.code);
                    }
                }
            }
            Ty::S => {}
        }
    }

    /// `place op value;`. For a generic `T`, `a[i] += a[i].sin()` borrows `a` twice (`+=` is
    /// `AddAssign::add_assign`, not the built-in one): the value is bound first.
    fn compound(&mut self, place: &str, op: &str, value: &str) {
        if self.generic && op != "=" {
            let w = self.fresh("w");
            self.line(&format!("let {w} = {value};"));
            self.line(&format!("{place} {op} {w};"));
        } else {
            self.line(&format!("{place} {op} {value};"));
        }
    }

    /// `let mut t = Array1::<f64>::zeros(len);` filled element by element in a loop.
    fn fill_stmt(&mut self) {
        let vectors: Vec<Ty> = self
            .avail
            .iter()
            .copied()
            .filter(|t| matches!(t, Ty::V(_)))
            .collect();
        let Some(&ty) = vectors.first() else {
            return self.update_or_let();
        };
        let Ty::V(len) = ty else {
            return;
        };
        // Known bug 20: `Array1::<f64>::zeros(n)` filled in a function with `jvp` or `hvp`.
        if !self.forward_bug(20) {
            return self.update_or_let();
        }
        let name = self.fresh("t");
        let i = self.fresh("i");
        let float = self.float();
        self.line(&format!(
            "let mut {name} = Array1::<{float}>::zeros({len});"
        ));
        self.line(&format!("for {i} in 0..{len} {{"));
        self.indent += 1;
        self.idx.push(super::types::Idx {
            name: i.clone(),
            lo: 0,
            hi: len,
            typed: true,
            field: None,
        });
        self.loops.push(true);
        let e = self.bounded(Ty::S, 2);
        self.line(&format!("{name}[{i}] = {};", e.code));
        self.loops.pop();
        self.idx.retain(|x| x.name != i);
        self.indent -= 1;
        self.line("}");
        self.vars.push(Var {
            name,
            ty,
            mutable: true,
            lit: false,
            is_ref: false,
            param: false,
            view: false,
            maybe_data: false,
            path: false,
        });
    }

    fn update_or_let(&mut self) {
        if self.mutables().is_empty() {
            self.statement();
        } else {
            self.update();
        }
    }

    /// An index into `0..len`: a literal, or a loop index known to stay in range.
    pub(crate) fn index_below(&mut self, len: usize) -> String {
        let fits: Vec<String> = self
            .idx
            .iter()
            .filter(|x| x.hi <= len)
            .map(|x| x.name.clone())
            .collect();
        if !fits.is_empty() && self.rng.chance(0.6) {
            self.rng.pick(&fits).clone()
        } else {
            self.rng.below(len).to_string()
        }
    }

    /// `match i % 3 { .. }` on a loop index (or on `k`), each arm updating an accumulator.
    pub(crate) fn match_stmt(&mut self) {
        // Known bug 14: not `m.steps % 3` of a skipped field.
        let idx: Vec<String> = self
            .idx
            .iter()
            .filter(|i| i.field.is_none() || bug(14))
            .map(|i| i.name.clone())
            .collect();
        let scrutinee = match (idx.is_empty(), self.has_k) {
            (false, _) => format!("{} % 3", self.rng.pick(&idx)),
            (true, true) => "k".to_string(),
            (true, false) => return self.update_or_let(),
        };
        if self.mutables().is_empty() {
            return self.update_or_let();
        }
        self.line(&format!("match {scrutinee} {{"));
        self.indent += 1;
        for pattern in ["0", "1 | 2"] {
            self.line(&format!("{pattern} => {{"));
            self.indent += 1;
            self.update();
            self.indent -= 1;
            self.line("}");
        }
        self.line("_ => {}");
        self.indent -= 1;
        self.line("}");
    }
}
