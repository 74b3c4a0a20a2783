//! Struct parameters (API v2 section 5): `#[derive(Differentiable)]` types whose fields are
//! floats, float arrays, float `Vec`s and fixed arrays, nested structs, `Vec`s and fixed
//! arrays of structs, and skipped data (`usize`, a float, `bool`); their definitions and
//! templates, the field reads they put in scope (`m.w`, `self.inner.b`, `m.layers[1].c`,
//! `m.taps[i]`), path aliases (`let l = &m.inner;`), loops over a `Vec` of structs, and the
//! skipped fields as loop bounds, indices and conditions.
use super::types::{bug, Gen, Idx, Rng, Ty, Var};
use std::fmt::Write as _;
use std::rc::Rc;

pub(crate) struct StructDef {
    pub(crate) name: String,
    /// `S<T: Float>`, its floats of type `T`.
    pub(crate) generic: bool,
    pub(crate) fields: Vec<(String, Field)>,
}

pub(crate) enum Field {
    /// A float, `Array1` or `Array2` of the program's dimensions.
    Float(Ty),
    /// `Vec<f64>` (`true`) or `[f64; N]` of this length.
    Floats(usize, bool),
    Sub(Rc<StructDef>),
    /// `Vec<Sub>` (`true`) or `[Sub; N]` of this length.
    Subs(Rc<StructDef>, usize, bool),
    /// `#[differentiable(skip)]` fields: data.
    SkipUsize(usize),
    SkipFloat(&'static str),
    SkipBool(bool),
}

/// Where the scope stood before a loop over a `Vec` of structs put its fields in it.
pub(crate) struct Mark {
    vars: usize,
    idx: usize,
    float_seqs: usize,
    bounds: usize,
    bools: usize,
    groups: usize,
}

/// A struct reached by a path (`m.inner`), or an element of one (`m.layers`, `Some(len)`),
/// that an alias may name.
type Reachable = (String, Rc<StructDef>, Option<usize>);

/// A struct type named `name` (its nested types `name` + a letter, defined first into
/// `all`), with at least one float leaf.
pub(crate) fn struct_def(
    rng: &mut Rng,
    name: &str,
    generic: bool,
    (m, n): (usize, usize),
    depth: usize,
    all: &mut Vec<Rc<StructDef>>,
) -> Rc<StructDef> {
    let count = if depth == 0 {
        2 + rng.below(3)
    } else {
        1 + rng.below(2)
    };
    let nest = if depth < 2 { 2 } else { 0 };
    let mut fields = Vec::new();
    for i in 0..count {
        let (base, field) = match rng.weighted(&[6, 2, nest, nest, 1, 1, 1]) {
            0 => {
                let ty = *rng.pick(&[Ty::S, Ty::V(n), Ty::V(m), Ty::M(m, n)]);
                let base = match ty {
                    Ty::S => "c",
                    Ty::V(_) => "b",
                    Ty::M(..) => "w",
                };
                (base, Field::Float(ty))
            }
            1 => ("taps", Field::Floats(2 + rng.below(3), rng.chance(0.6))),
            kind @ (2 | 3) => {
                let sub_name = format!("{name}{}", (b'a' + all.len() as u8) as char);
                let sub = struct_def(rng, &sub_name, generic, (m, n), depth + 1, all);
                if kind == 2 {
                    ("inner", Field::Sub(sub))
                } else {
                    (
                        "layers",
                        Field::Subs(sub, 2 + rng.below(2), rng.chance(0.6)),
                    )
                }
            }
            4 => ("steps", Field::SkipUsize(1 + rng.below(3))),
            5 => (
                "temp",
                Field::SkipFloat(["0.5", "1.5", "0.8"][rng.below(3)]),
            ),
            _ => ("on", Field::SkipBool(rng.chance(0.5))),
        };
        fields.push((format!("{base}{i}"), field));
    }
    let mut def = StructDef {
        name: name.to_string(),
        generic,
        fields,
    };
    if def.leaves() == 0 {
        def.fields.push((format!("c{count}"), Field::Float(Ty::S)));
    }
    let def = Rc::new(def);
    all.push(def.clone());
    def
}

impl StructDef {
    fn float(&self) -> &'static str {
        if self.generic {
            "T"
        } else {
            "f64"
        }
    }

    /// The type as written in a signature: `S3` or `S3<T>`.
    pub(crate) fn ty(&self) -> String {
        if self.generic {
            format!("{}<T>", self.name)
        } else {
            self.name.clone()
        }
    }

    /// How many floats `visit_leaves` visits.
    pub(crate) fn leaves(&self) -> usize {
        self.fields
            .iter()
            .map(|(_, f)| match f {
                Field::Float(Ty::S) => 1,
                Field::Float(Ty::V(l)) => *l,
                Field::Float(Ty::M(r, c)) => r * c,
                Field::Floats(len, _) => *len,
                Field::Sub(s) => s.leaves(),
                Field::Subs(s, len, _) => len * s.leaves(),
                Field::SkipUsize(_) | Field::SkipFloat(_) | Field::SkipBool(_) => 0,
            })
            .sum()
    }

    /// The definition, with its derive.
    pub(crate) fn definition(&self) -> String {
        let f = self.float();
        let mut out = String::from("#[derive(Differentiable, Clone, Debug)]\n");
        let params = if self.generic { "<T: Float>" } else { "" };
        writeln!(out, "pub struct {}{params} {{", self.name).unwrap();
        for (name, field) in &self.fields {
            let ty = match field {
                Field::Float(Ty::S) => f.to_string(),
                Field::Float(Ty::V(_)) => format!("Array1<{f}>"),
                Field::Float(Ty::M(..)) => format!("Array2<{f}>"),
                Field::Floats(_, true) => format!("Vec<{f}>"),
                Field::Floats(len, false) => format!("[{f}; {len}]"),
                Field::Sub(s) => s.ty(),
                Field::Subs(s, _, true) => format!("Vec<{}>", s.ty()),
                Field::Subs(s, len, false) => format!("[{}; {len}]", s.ty()),
                Field::SkipUsize(_) => "usize".to_string(),
                Field::SkipFloat(_) => f.to_string(),
                Field::SkipBool(_) => "bool".to_string(),
            };
            if matches!(
                field,
                Field::SkipUsize(_) | Field::SkipFloat(_) | Field::SkipBool(_)
            ) {
                out.push_str("    #[differentiable(skip)]\n");
            }
            writeln!(out, "    {name}: {ty},").unwrap();
        }
        out.push_str("}\n");
        out
    }

    /// A value of the right shapes: zeros where the harness writes the leaves, the data of
    /// the skipped fields.
    fn literal(&self) -> String {
        let float = |v: &str| {
            if self.generic {
                format!("T::of_f64({v})")
            } else {
                v.to_string()
            }
        };
        let fields: Vec<String> = self
            .fields
            .iter()
            .map(|(name, field)| {
                let value = match field {
                    Field::Float(Ty::S) => float("0.0"),
                    Field::Float(Ty::V(l)) => format!("Array1::zeros({l})"),
                    Field::Float(Ty::M(r, c)) => format!("Array2::zeros(({r}, {c}))"),
                    Field::Floats(len, true) => format!("vec![{}; {len}]", float("0.0")),
                    Field::Floats(len, false) => format!("[{}; {len}]", float("0.0")),
                    Field::Sub(s) => s.literal(),
                    Field::Subs(s, len, true) => format!("vec![{}; {len}]", s.literal()),
                    Field::Subs(s, len, false) => {
                        let items = vec![s.literal(); *len];
                        format!("[{}]", items.join(", "))
                    }
                    Field::SkipUsize(v) => v.to_string(),
                    Field::SkipFloat(v) => float(v),
                    Field::SkipBool(v) => v.to_string(),
                };
                format!("{name}: {value}")
            })
            .collect();
        format!("{} {{ {} }}", self.name, fields.join(", "))
    }

    /// `pub fn NAME() -> S { S { .. } }`: the template the harness fills.
    pub(crate) fn template(&self, name: &str) -> String {
        let params = if self.generic { "<T: Float>" } else { "" };
        format!(
            "pub fn {name}{params}() -> {} {{\n    {}\n}}\n",
            self.ty(),
            self.literal()
        )
    }
}

impl Gen<'_> {
    pub(crate) fn mark(&self) -> Mark {
        Mark {
            vars: self.vars.len(),
            idx: self.idx.len(),
            float_seqs: self.float_seqs.len(),
            bounds: self.bounds.len(),
            bools: self.bools.len(),
            groups: self.groups.len(),
        }
    }

    pub(crate) fn restore(&mut self, mark: &Mark) {
        self.vars.truncate(mark.vars);
        self.idx.truncate(mark.idx);
        self.float_seqs.truncate(mark.float_seqs);
        self.bounds.truncate(mark.bounds);
        self.bools.truncate(mark.bools);
        self.groups.truncate(mark.groups);
    }

    /// Puts the fields of the struct at `base` in scope: float fields as variables, float
    /// sequences, skipped data (an index and a loop bound, a data float, a condition), the
    /// first (and sometimes the last) element of a `Vec` of structs, the `Vec` for loops.
    /// Returns the structs reachable from `base`, for aliases.
    /// `alias`: `base` starts with a path alias (`l.inner` after `let l = &m.layers[0];`).
    pub(crate) fn register(&mut self, def: &StructDef, base: &str, alias: bool) -> Vec<Reachable> {
        let mut reachable = Vec::new();
        // Known bug 12: a scalar field of a generic struct, and an element of a float
        // sequence field, do not compile.
        let scalars = !def.generic || bug(12);
        for (name, field) in &def.fields {
            let path = format!("{base}.{name}");
            match field {
                Field::Float(Ty::S) | Field::SkipFloat(_) if !scalars => {}
                // Known bug 17: `&m.w * a` with `m` left out of `wrt(..)` does not compile.
                Field::Float(Ty::V(_) | Ty::M(..)) if self.data_struct && !bug(17) => {}
                Field::Floats(..) if !scalars => {}
                Field::Float(ty) => self.vars.push(field_var(path, *ty)),
                Field::SkipFloat(_) => self.vars.push(field_var(path, Ty::S)),
                Field::Floats(len, _) => {
                    self.bounds.push((format!("{path}.len()"), *len));
                    self.float_seqs.push((path, *len));
                }
                Field::Sub(s) => {
                    reachable.extend(self.register(s, &path, alias));
                    reachable.push((path, s.clone(), None));
                }
                Field::Subs(s, len, _) => {
                    reachable.extend(self.register(s, &format!("{path}[0]"), alias));
                    if self.rng.chance(0.5) {
                        self.register(s, &format!("{path}[{}]", len - 1), alias);
                    }
                    self.bounds.push((format!("{path}.len()"), *len));
                    self.groups.push((path.clone(), *len, s.clone(), alias));
                    reachable.push((path, s.clone(), Some(*len)));
                }
                Field::SkipUsize(v) => {
                    // As an index: in range for every axis longer than its value.
                    self.idx.push(Idx {
                        name: path.clone(),
                        lo: *v,
                        hi: v + 1,
                        typed: true,
                        field: Some(alias),
                    });
                    self.bounds.push((path, *v));
                }
                Field::SkipBool(_) => self.bools.push(path),
            }
        }
        reachable
    }

    /// The struct parameter at `base` in scope, and up to two path aliases at the top of the
    /// body (`let l1 = &m.inner0;`, `let l2 = &m.layers1[m.steps2];`).
    pub(crate) fn struct_scope(&mut self, def: &StructDef, base: &str) {
        let mut reachable = self.register(def, base, false);
        for _ in 0..2 {
            if reachable.is_empty() || !self.rng.chance(0.5) {
                break;
            }
            let (path, sub, len) = reachable.swap_remove(self.rng.below(reachable.len()));
            let path = match len {
                Some(len) => format!("{path}[{}]", self.index_below(len)),
                None => path,
            };
            let alias = self.fresh("l");
            self.line(&format!("let {alias} = &{path};"));
            reachable.extend(self.register(&sub, &alias, true));
        }
    }

    /// `for j in 0..m.layers.len() { let l = &m.layers[j]; .. }`: a loop over a `Vec` (or
    /// array) of structs whose body reads the element's fields, through an alias or the path.
    pub(crate) fn group_loop(&mut self) {
        let (path, len, def, through_alias) = self.rng.pick(&self.groups).clone();
        self.ensure_mutable();
        let j = self.fresh("j");
        let (range, typed) = match self.rng.below(3) {
            0 => (format!("0..{path}.len()"), true),
            1 => (format!("(0..{path}.len()).rev()"), true),
            _ => (format!("0..{len}"), false),
        };
        self.line(&format!("for {j} in {range} {{"));
        let mark = self.mark();
        self.indent += 1;
        let (base, alias) = if self.rng.chance(0.6) {
            let alias = self.fresh("l");
            self.line(&format!("let {alias} = &{path}[{j}];"));
            (alias, true)
        } else {
            (format!("{path}[{j}]"), through_alias)
        };
        self.indent -= 1;
        self.register(&def, &base, alias);
        self.idx.push(Idx {
            name: j,
            lo: 0,
            hi: len,
            typed,
            field: None,
        });
        self.loop_labels.push(None);
        self.loops.push(true);
        self.nesting += 1;
        let outer = std::mem::replace(&mut self.branch, super::types::Branch::Free);
        let count = 1 + self.rng.below(2);
        self.block(count, true);
        self.branch = outer;
        self.nesting -= 1;
        self.loops.pop();
        self.loop_labels.pop();
        self.restore(&mark);
        self.line("}");
    }
}

fn field_var(name: String, ty: Ty) -> Var {
    Var {
        name,
        ty,
        mutable: false,
        lit: false,
        is_ref: false,
        param: true,
        view: false,
        maybe_data: false,
        path: true,
    }
}
