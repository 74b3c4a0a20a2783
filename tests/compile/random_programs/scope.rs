//! What is in scope, and the leaves built from it: variables, literals, index expressions,
//! element reads, slices and transposes.
use super::types::{bug, Gen, IndexUse, Ty, Var, E, LITERALS};

impl Gen<'_> {
    pub(crate) fn line(&mut self, s: &str) {
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
        self.out.push_str(s);
        self.out.push('\n');
    }

    pub(crate) fn fresh(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh)
    }

    /// The variables in scope (the latest binding of each name).
    pub(crate) fn visible(&self) -> Vec<Var> {
        let mut seen: Vec<&str> = Vec::new();
        let mut out = Vec::new();
        for v in self.vars.iter().rev() {
            if !seen.contains(&v.name.as_str()) {
                seen.push(&v.name);
                out.push(v.clone());
            }
        }
        out.reverse();
        out
    }

    pub(crate) fn visible_of(&self, ty: Ty) -> Vec<Var> {
        self.visible().into_iter().filter(|v| v.ty == ty).collect()
    }

    /// The array types a leaf can always be built for from the parameters (which are never
    /// shadowed by a value of another type).
    pub(crate) fn available_types(&self) -> Vec<Ty> {
        let mut out = vec![Ty::S];
        let (m, n) = (self.m, self.n);
        let has = |t: Ty| self.vars.iter().any(|v| v.ty == t);
        if has(Ty::M(m, n)) {
            out.extend([Ty::M(m, n), Ty::M(n, m), Ty::V(n), Ty::V(m)]);
        }
        if has(Ty::V(n)) {
            out.push(Ty::V(n));
        }
        if has(Ty::V(m)) {
            out.push(Ty::V(m));
        }
        // Slices of a longer vector give a shorter one.
        if has(Ty::V(n)) && m < n {
            out.push(Ty::V(m));
        }
        if has(Ty::V(m)) && n < m {
            out.push(Ty::V(n));
        }
        out.dedup();
        let mut uniq: Vec<Ty> = Vec::new();
        for t in out {
            if !uniq.contains(&t) {
                uniq.push(t);
            }
        }
        uniq
    }

    pub(crate) fn avail(&self, ty: Ty) -> bool {
        self.avail.contains(&ty)
    }

    pub(crate) fn var_expr(v: &Var) -> E {
        E {
            code: v.name.clone(),
            ty: v.ty,
            atom: true,
            lit: v.lit,
            owned: false,
            unbindable_view: v.mutable,
            var: Some(v.is_ref),
            view: v.view,
            maybe_data: v.maybe_data,
            path: v.path,
        }
    }

    /// The float type of the body: `f64`, or `T` in a generic function.
    pub(crate) fn float(&self) -> &'static str {
        if self.generic {
            "T"
        } else {
            "f64"
        }
    }

    fn literal(&mut self) -> E {
        let mut e = E::new(self.rng.pick(LITERALS).to_string(), Ty::S).atom();
        e.lit = true;
        e
    }

    /// Index expressions valid for an axis of length `len`, inside `s![..]`.
    pub(crate) fn indices_for(&self, len: usize) -> Vec<String> {
        self.indices(len, false, IndexUse::Slice)
    }

    fn indices(&self, len: usize, typed_only: bool, to: IndexUse) -> Vec<String> {
        let mut out: Vec<String> = (0..len).map(|c| c.to_string()).collect();
        for i in &self.idx {
            // Known bugs 15 and 16: a skipped field in a 2-D index (`w[[m.n, 0]]`), and one
            // read through an alias inside `s![..]`; known bug 14: arithmetic on it.
            let usable = match i.field {
                None => true,
                Some(alias) => match to {
                    IndexUse::One => true,
                    IndexUse::Two => bug(15),
                    IndexUse::Slice => !alias || bug(16),
                },
            };
            let arithmetic = i.field.is_none() || bug(14);
            if i.hi <= len && (i.typed || !typed_only) && usable {
                out.push(i.name.clone());
                out.push(i.name.clone());
                if i.lo >= 1 && arithmetic {
                    out.push(format!("{} - 1", i.name));
                }
                if i.hi == len && arithmetic {
                    // `len - 1 - i` is in range when `i < len`.
                    out.push(format!("{len} - 1 - {}", i.name));
                }
            }
        }
        out
    }

    /// A scalar leaf: a variable, a literal, an element read, a cast of an index.
    pub(crate) fn leaf_s(&mut self, nonlit: bool) -> E {
        loop {
            match self.rng.weighted(&[5, 2, 4, 1, 1, 2]) {
                0 => {
                    let vs: Vec<Var> = self
                        .visible_of(Ty::S)
                        .into_iter()
                        .filter(|v| !(nonlit && v.lit))
                        .collect();
                    if !vs.is_empty() {
                        let v = self.rng.pick(&vs).clone();
                        return Self::var_expr(&v);
                    }
                }
                1 if !nonlit => return self.literal(),
                2 => {
                    let arrays: Vec<Var> = self
                        .visible()
                        .into_iter()
                        .filter(|v| v.ty != Ty::S)
                        .collect();
                    if !arrays.is_empty() {
                        let v = self.rng.pick(&arrays).clone();
                        return self.element_of(&Self::var_expr(&v));
                    }
                }
                3 if !self.generic => {
                    let mut names: Vec<String> = self.idx.iter().map(|i| i.name.clone()).collect();
                    if self.has_k {
                        names.push("k".to_string());
                    }
                    if !names.is_empty() {
                        let i = self.rng.pick(&names).clone();
                        let scale = self.rng.pick(&["0.3", "0.5", "0.25"]).to_string();
                        return E::new(format!("(({i} as f64) * {scale})"), Ty::S).atom();
                    }
                }
                4 if !self.generic => {
                    let c = self
                        .rng
                        .pick(&["std::f64::consts::PI", "std::f64::consts::E"]);
                    return E::new(format!("({c} * 0.2)"), Ty::S).atom();
                }
                5 if !self.float_seqs.is_empty() => {
                    let (name, len) = self.rng.pick(&self.float_seqs).clone();
                    let i = self.index_below(len);
                    return E::new(format!("{name}[{i}]"), Ty::S).atom();
                }
                _ => {}
            }
        }
    }

    /// `a[i]` or `a[[i, j]]`.
    pub(crate) fn element_of(&mut self, a: &E) -> E {
        // Indexing an expression: its type is known late (in plain Rust too), so an integer
        // literal index would fall back to `i32`; give it its type. Known bug 6: in the
        // generated code the same held for any local array, so while it is open only a
        // parameter is indexed with untyped integers.
        let param = a.var == Some(true);
        let typed_only = a.var.is_none() || (!param && !bug(6));
        let typed = |i: String| {
            if typed_only && i.parse::<usize>().is_ok() {
                format!("{i}usize")
            } else {
                i
            }
        };
        // Known bug 12: an element of an array field of a generic struct (`m.b[0]`) does
        // not compile; an element of a view of it does.
        let operand = if a.path && self.generic && !bug(12) {
            field_view(&a.code, a.ty)
        } else {
            a.operand()
        };
        match a.ty {
            Ty::V(len) => {
                let i = typed(
                    self.rng
                        .pick(&self.indices(len, typed_only, IndexUse::One))
                        .clone(),
                );
                E::new(format!("{operand}[{i}]"), Ty::S).atom()
            }
            Ty::M(r, c) => {
                let i = typed(
                    self.rng
                        .pick(&self.indices(r, typed_only, IndexUse::Two))
                        .clone(),
                );
                let j = typed(
                    self.rng
                        .pick(&self.indices(c, typed_only, IndexUse::Two))
                        .clone(),
                );
                E::new(format!("{operand}[[{i}, {j}]]"), Ty::S).atom()
            }
            Ty::S => a.clone(),
        }
    }

    /// The variables whose shape a loop bound may read (`x.len()`, `w.nrows()`): known bug 9
    /// (the type of a local array can be unknown at its shape read in the generated code)
    /// limits them to parameters while it is open.
    pub(crate) fn shape_vars(&self) -> Vec<Var> {
        self.visible()
            .into_iter()
            .filter(|v| v.ty != Ty::S && (v.is_ref || bug(9)))
            .collect()
    }

    /// An array leaf of type `ty` (which must be available).
    pub(crate) fn leaf_a(&mut self, ty: Ty) -> E {
        let mut options: Vec<E> = Vec::new();
        let visible = self.visible();
        // Known bug 18: an array field as an operand (`&m.w * x`, `m.b.to_owned()`) does not
        // compile where the result is dead in a branch or a loop, or lives into one; a view
        // of it (`m.w.slice(s![.., ..])`) does: whole fields are read through one.
        let through_view = |v: &Var| v.path && !bug(18);
        for v in &visible {
            if v.ty == ty {
                let e = if through_view(v) {
                    let mut e = E::new(field_view(&v.name, v.ty), ty).atom();
                    e.owned = false;
                    e.view = true;
                    e
                } else {
                    Self::var_expr(v)
                };
                options.push(e.clone());
                options.push(e);
            }
        }
        for v in &visible {
            // A view of a field's view is a view of a temporary: copied before it is bound.
            let (name, temporary) = if through_view(v) {
                (field_view(&v.name, v.ty), true)
            } else {
                (v.name.clone(), false)
            };
            let view = |code: String| E {
                code,
                ty,
                atom: true,
                lit: false,
                owned: false,
                unbindable_view: v.mutable || temporary,
                var: None,
                view: true,
                maybe_data: false,
                path: false,
            };
            match (v.ty, ty) {
                (Ty::M(r, c), Ty::M(r2, c2)) if r == c2 && c == r2 => {
                    options.push(view(format!("{name}.t()")));
                }
                (Ty::M(r, c), Ty::V(len)) => {
                    if c == len {
                        options.push(E::new(format!("{name}.sum_axis(Axis(0))"), ty).atom());
                        let i = self.indices(r, true, IndexUse::Slice);
                        let i = usize_lit(&self.rng.pick(&i).clone());
                        options.push(view(format!("{name}.slice(s![{i}, ..])")));
                    }
                    if r == len {
                        options.push(E::new(format!("{name}.sum_axis(Axis(1))"), ty).atom());
                        let j = self.indices(c, true, IndexUse::Slice);
                        let j = usize_lit(&self.rng.pick(&j).clone());
                        options.push(view(format!("{name}.slice(s![.., {j}])")));
                    }
                }
                (Ty::V(l2), Ty::V(len)) if l2 > len => {
                    let o = self.rng.below(l2 - len + 1);
                    let code = if o + len == l2 && self.rng.chance(0.5) {
                        format!("{name}.slice(s![{o}..])")
                    } else {
                        format!("{name}.slice(s![{o}..{}])", o + len)
                    };
                    options.push(view(code));
                }
                _ => {}
            }
        }
        assert!(!options.is_empty(), "no leaf of type {ty:?}");
        let i = self.rng.below(options.len());
        options.swap_remove(i)
    }
}

/// An integer literal index inside `s![..]` with its type: the slice's dimension depends
/// on it, and an untyped literal leaves it unknown until too late for method calls.
fn usize_lit(i: &str) -> String {
    if i.parse::<usize>().is_ok() {
        format!("{i}usize")
    } else {
        i.to_string()
    }
}

/// A view of a whole array field: `m.b.slice(s![..])`, `m.w.slice(s![.., ..])`.
fn field_view(path: &str, ty: Ty) -> String {
    match ty {
        Ty::M(..) => format!("{path}.slice(s![.., ..])"),
        _ => format!("{path}.slice(s![..])"),
    }
}
