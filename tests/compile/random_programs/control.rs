//! Control flow: `if`/`else` blocks, `for` and `while` loops, early `return`,
//! `break`/`continue`, and the input-dependent conditions they test.
use super::types::{bug, Branch, Gen, Idx, Ty, Var, E};

impl Gen<'_> {
    /// A comparison of values that depend on the inputs (so both branches run across inputs).
    pub(crate) fn condition(&mut self) -> String {
        let one = |g: &mut Self| -> String {
            if !g.idx.is_empty() && g.rng.chance(0.15) {
                let i = g.rng.pick(&g.idx).clone();
                // Known bug 14: arithmetic on a skipped field (`m.n % 2`) is taken for
                // differentiable.
                let plain = i.field.is_none() || bug(14);
                return match g.rng.below(2) {
                    0 if plain => format!("{} % 2 == 0", i.name),
                    _ => format!("{} > 1", i.name),
                };
            }
            let d = 1 + g.rng.below(2);
            let a = g.gen_s(d, true);
            let op = g.rng.pick(&["<", ">", "<=", ">="]).to_string();
            // Against a threshold or, more often, an input of the same scale as most values,
            // so that the outcome varies across inputs.
            let b = match g.rng.weighted(&[1, 3, 1]) {
                0 => {
                    let t = g.rng.pick(&["0.0", "0.5", "-0.5", "1.0", "0.2", "-0.3"]);
                    t.to_string()
                }
                1 => g.input_leaf().operand(),
                _ => g.gen_s(1, false).operand(),
            };
            format!("{} {op} {b}", a.operand())
        };
        let mut first = one(self);
        if !self.bools.is_empty() && self.rng.chance(0.3) {
            // A skipped `bool` field: data in a condition.
            let b = self.rng.pick(&self.bools).clone();
            first = match self.rng.below(3) {
                0 => format!("{b} && {first}"),
                // Known bug 13: `!` of a skipped `bool` field is taken for differentiable.
                1 if bug(13) => format!("!{b} || {first}"),
                _ => format!("{b} || {first}"),
            };
        }
        if self.rng.chance(0.15) {
            let second = one(self);
            let op = self.rng.pick(&["&&", "||"]);
            format!("{first} {op} {second}")
        } else {
            first
        }
    }

    /// A parameter or an element of one (a value that varies across inputs).
    fn input_leaf(&mut self) -> E {
        let params: Vec<Var> = self.visible().into_iter().filter(|v| v.param).collect();
        if params.is_empty() {
            return self.leaf_s(true);
        }
        let v = self.rng.pick(&params).clone();
        let e = Self::var_expr(&v);
        self.element_of(&e)
    }

    pub(crate) fn block(&mut self, count: usize, must_update: bool) {
        let mark = (self.vars.len(), self.idx.len());
        self.indent += 1;
        let update_at = self.rng.below(count);
        for k in 0..count {
            if must_update && k == update_at && !self.mutables().is_empty() {
                self.update();
            } else {
                self.statement();
            }
        }
        self.indent -= 1;
        self.vars.truncate(mark.0);
        self.idx.truncate(mark.1);
    }

    pub(crate) fn if_stmt(&mut self) {
        let outer = self.branch;
        if outer == Branch::Free && !bug(5) {
            self.branch = if self.rng.chance(0.5) {
                Branch::NoShadow
            } else {
                Branch::NoJump
            };
        }
        self.nesting += 1;
        let c = self.condition();
        self.line(&format!("if {c} {{"));
        let n1 = 1 + self.rng.below(2);
        self.block(n1, true);
        if self.rng.chance(0.3) {
            let c2 = self.condition();
            self.line(&format!("}} else if {c2} {{"));
            let n2 = 1 + self.rng.below(2);
            self.block(n2, true);
        }
        if self.rng.chance(0.6) {
            self.line("} else {");
            let n3 = 1 + self.rng.below(2);
            self.block(n3, true);
        }
        self.line("}");
        self.nesting -= 1;
        self.branch = outer;
    }

    pub(crate) fn ensure_mutable(&mut self) {
        if self.mutables().is_empty() {
            let name = self.fresh("acc");
            let ty = if self.rng.chance(0.8) {
                Ty::S
            } else {
                self.random_type()
            };
            self.declare_mut(name, ty);
        }
    }

    pub(crate) fn for_stmt(&mut self) {
        self.ensure_mutable();
        let i = self.fresh("i");
        let visible = self.shape_vars();
        let vectors: Vec<Var> = visible
            .iter()
            .filter(|v| matches!(v.ty, Ty::V(_)))
            .cloned()
            .collect();
        let matrices: Vec<Var> = visible
            .iter()
            .filter(|v| matches!(v.ty, Ty::M(..)))
            .cloned()
            .collect();
        let mut forms: Vec<(String, usize, usize)> = Vec::new();
        for v in &vectors {
            let Ty::V(len) = v.ty else { unreachable!() };
            forms.push((format!("0..{}.len()", v.name), 0, len));
            forms.push((format!("(0..{}.len()).rev()", v.name), 0, len));
            forms.push((format!("1..{}.len()", v.name), 1, len));
            forms.push((format!("0..{}.len() - 1", v.name), 0, len - 1));
            // Known bug 22: `usize::min(..)` in a function with `jvp` or `hvp`.
            if self.has_k && self.forward_bug(22) {
                forms.push((format!("0..usize::min(k + 1, {}.len())", v.name), 0, len));
            }
        }
        for w in &matrices {
            let Ty::M(r, c) = w.ty else { unreachable!() };
            forms.push((format!("0..{}.nrows()", w.name), 0, r));
            forms.push((format!("0..{}.ncols()", w.name), 0, c));
        }
        if self.has_k {
            forms.push(("0..k".to_string(), 0, 3));
            forms.push(("(0..k).rev()".to_string(), 0, 3));
            forms.push(("0..=k".to_string(), 0, 4));
        }
        for (name, len) in &self.float_seqs {
            forms.push((format!("0..{name}.len()"), 0, *len));
        }
        // Data bounds of struct parameters: `0..m.steps`, `0..m.layers.len()`.
        for (bound, hi) in &self.bounds {
            forms.push((format!("0..{bound}"), 0, *hi));
        }
        forms.push(("0..3".to_string(), 0, 3));
        forms.push(("2..5".to_string(), 2, 5));
        let (range, lo, hi) = self.rng.pick(&forms).clone();
        let label = self.rng.chance(0.5).then(|| self.fresh("'l"));
        match &label {
            Some(l) => self.line(&format!("{l}: for {i} in {range} {{")),
            None => self.line(&format!("for {i} in {range} {{")),
        }
        self.loop_labels.push(label);
        self.idx.push(Idx {
            name: i.clone(),
            lo,
            hi,
            typed: !matches!(range.as_str(), "0..3" | "2..5"),
            field: None,
        });
        self.loops.push(true);
        self.nesting += 1;
        let outer = std::mem::replace(&mut self.branch, Branch::Free);
        let count = 1 + self.rng.below(3);
        self.block(count, true);
        self.branch = outer;
        self.nesting -= 1;
        self.loops.pop();
        self.loop_labels.pop();
        self.idx.retain(|x| x.name != i);
        self.line("}");
    }

    /// A loop of the function body that only adds into a fresh scalar, reading a vector
    /// element by element: `let mut s = 0.0; for i in 0..v.len() { s += v[i] * e; }`. Its
    /// reverse code runs inside the forward loop (ARCHITECTURE 9). Then, half the time, a local
    /// `v` is shadowed by an elementwise function of it, which takes it by value (the case a
    /// review found: the loop read the shape binding that op makes, before it existed).
    pub(crate) fn summing_loop(&mut self) {
        let vectors: Vec<Var> = self
            .visible()
            .into_iter()
            .filter(|v| matches!(v.ty, Ty::V(_)) && !v.path)
            .collect();
        if vectors.is_empty() {
            return self.let_mut();
        }
        let v = self.rng.pick(&vectors).clone();
        let (s, i) = (self.fresh("sum"), self.fresh("i"));
        let e = self.bounded(Ty::S, 1);
        self.line(&format!("let mut {s} = 0.0;"));
        self.line(&format!("for {i} in 0..{}.len() {{", v.name));
        self.line(&format!("    {s} += {}[{i}] * ({});", v.name, e.code));
        self.line("}");
        self.vars.push(Var {
            name: s,
            ty: Ty::S,
            mutable: true,
            lit: true,
            is_ref: false,
            param: false,
            view: false,
            maybe_data: false,
            path: false,
        });
        let local = !v.param && !v.is_ref && !v.view;
        if local && self.branch != Branch::NoShadow && self.rng.chance(0.5) {
            let e = E::new(format!("{}.tanh()", v.name), v.ty);
            self.bind(v.name.clone(), e);
        }
    }

    pub(crate) fn while_stmt(&mut self) {
        self.ensure_mutable();
        let c = self.fresh("n");
        let vectors: Vec<Var> = self
            .shape_vars()
            .into_iter()
            .filter(|v| matches!(v.ty, Ty::V(_)))
            .collect();
        let (bound, hi) = if !vectors.is_empty() && self.rng.chance(0.5) {
            let v = self.rng.pick(&vectors).clone();
            let Ty::V(len) = v.ty else { unreachable!() };
            (format!("{}.len()", v.name), len)
        } else {
            let b = 2 + self.rng.below(4);
            (b.to_string(), b)
        };
        // A typed counter: `s![n, ..]` needs the type of `n` early. Known bug 6: the
        // generated code drops the annotation of `let mut n: usize = 0;`.
        if bug(6) && self.rng.chance(0.5) {
            self.line(&format!("let mut {c}: usize = 0;"));
        } else {
            self.line(&format!("let mut {c} = 0usize;"));
        }
        let cond = if self.rng.chance(0.6) {
            // A data-dependent trip count: stop when an accumulator crosses a threshold.
            let muts: Vec<Var> = self
                .mutables()
                .into_iter()
                .filter(|v| v.ty == Ty::S)
                .collect();
            if let Some(v) = muts.first() {
                let t = self.rng.pick(&["1.0", "0.5", "2.0", "-0.5"]);
                let op = self.rng.pick(&["<", ">"]);
                format!(" && {} {op} {t}", v.name)
            } else {
                format!(" && ({})", self.condition())
            }
        } else {
            String::new()
        };
        // Half the time as `loop` with the test as its first statement.
        if self.rng.chance(0.5) {
            self.line("loop {");
            self.line(&format!("    if !({c} < {bound}{cond}) {{"));
            self.line("        break;");
            self.line("    }");
        } else {
            self.line(&format!("while {c} < {bound}{cond} {{"));
        }
        self.loop_labels.push(None);
        self.idx.push(Idx {
            name: c.clone(),
            lo: 0,
            hi,
            typed: true,
            field: None,
        });
        self.loops.push(false);
        self.nesting += 1;
        let outer = std::mem::replace(&mut self.branch, Branch::Free);
        let count = 1 + self.rng.below(3);
        self.block(count, true);
        self.branch = outer;
        self.indent += 1;
        self.line(&format!("{c} += 1;"));
        self.indent -= 1;
        self.nesting -= 1;
        self.loops.pop();
        self.loop_labels.pop();
        self.idx.retain(|x| x.name != c);
        self.line("}");
    }

    pub(crate) fn early_return(&mut self) {
        let c = self.condition();
        self.line(&format!("if {c} {{"));
        self.indent += 1;
        let d = self.expr_depth();
        let e = self.gen_s(d, false);
        self.line(&format!("return {};", e.code));
        self.indent -= 1;
        self.line("}");
    }

    /// `if cond { break; }` (or `continue;` in a `for` loop, where it cannot skip a counter),
    /// now and then to a labeled outer loop (`break 'l;`, `continue 'l;` of a `for`), or a
    /// `return` from inside the loop.
    pub(crate) fn jump(&mut self) {
        let c = self.condition();
        let inner = self.loops.len().saturating_sub(1);
        let outer: Vec<(usize, String)> = self.loop_labels[..inner]
            .iter()
            .enumerate()
            .filter_map(|(k, l)| l.clone().map(|l| (k, l)))
            .collect();
        let word = if self.rng.chance(0.15) {
            let d = self.expr_depth();
            format!("return {}", self.gen_s(d, false).code)
        } else if !outer.is_empty() && self.rng.chance(0.7) {
            let (k, label) = self.rng.pick(&outer).clone();
            match self.loops[k] && self.rng.chance(0.5) {
                true => format!("continue {label}"),
                false => format!("break {label}"),
            }
        } else if self.loops.last() == Some(&true) && self.rng.chance(0.3) {
            "continue".to_string()
        } else {
            "break".to_string()
        };
        self.line(&format!("if {c} {{"));
        self.indent += 1;
        if self.rng.chance(0.3) && !self.mutables().is_empty() {
            self.update();
        }
        self.line(&format!("{word};"));
        self.indent -= 1;
        self.line("}");
    }
}
