//! One generated function: its parameters, its body (statements, then the final scalar) and
//! its signature; a function, a method of its struct type, generic over `T: Float` or not.
use super::structs::struct_def;
use super::types::{bug, Branch, Gen, Param, Program, Rng, Ty, Var, E};
use std::fmt::Write as _;

/// Shares of the programs generic over `T: Float`, with a struct parameter, and of those
/// (with a struct) that are a method of it.
const GENERIC: f64 = 0.08;
const STRUCT: f64 = 0.12;
const METHOD: f64 = 0.5;
/// Share of the free functions without a struct parameter that get `jvp`, `hvp` or both
/// (a third each); the rest get neither. (Neither option is supported on methods or on
/// functions with a struct parameter.)
const FORWARD: f64 = 0.35;

/// Generates program number `id`, which may call the earlier `helpers`.
pub fn program(rng: &mut Rng, id: usize, module: usize, helpers: &[Program]) -> Program {
    let m = 2 + rng.below(3); // 2..=4 rows
    let n = 3 + rng.below(3); // 3..=5 columns / vector length
    let generic = rng.chance(GENERIC);
    let with_struct = rng.chance(STRUCT);
    let method = with_struct && rng.chance(METHOD);
    // (Bug 23, fixed: generated functions with `jvp`/`hvp` failed to compile; were it open
    // again, `bug(23)` would keep every function from getting them.)
    let forward = rng.chance(FORWARD) && bug(23);
    let (jvp, hvp) = if !with_struct && forward {
        match rng.below(3) {
            0 => (true, false),
            1 => (false, true),
            _ => (true, true),
        }
    } else {
        (false, false)
    };
    let mut params: Vec<(String, Param)> = Vec::new();
    let count = if with_struct {
        1 + rng.below(2)
    } else {
        1 + rng.below(4)
    };
    let (mut scalars, mut vectors, mut matrices) = (0, 0, 0);
    for _ in 0..count {
        let ty = match rng.weighted(&[4, 4, 2, 2]) {
            0 => Ty::S,
            1 => Ty::V(n),
            2 => Ty::V(m),
            _ => Ty::M(m, n),
        };
        let name = match ty {
            Ty::S => {
                scalars += 1;
                ["a", "b", "c", "d"][scalars - 1].to_string()
            }
            Ty::V(_) => {
                vectors += 1;
                ["x", "y", "z", "u"][vectors - 1].to_string()
            }
            Ty::M(..) => {
                matrices += 1;
                ["w", "q", "r", "p"][matrices - 1].to_string()
            }
        };
        params.push((name, Param::Float(ty)));
    }
    let mut defs = Vec::new();
    let strukt =
        with_struct.then(|| struct_def(rng, &format!("S{id}"), generic, (m, n), 0, &mut defs));
    if let Some(def) = &strukt {
        let (name, at) = match method {
            true => ("self", 0),
            false => ("m", rng.below(params.len() + 1)),
        };
        let by_ref = rng.chance(0.7);
        let leaves = def.leaves();
        params.insert(at, (name.to_string(), Param::Struct { leaves, by_ref }));
    }
    // A method's `self` stays first.
    let first = usize::from(method);
    let at = |rng: &mut Rng, len: usize| first + rng.below(len + 1 - first);
    let has_k = rng.chance(0.25);
    if has_k {
        let i = at(rng, params.len());
        params.insert(i, ("k".to_string(), Param::K));
    }
    let mut labels = Vec::new();
    if matrices > 0 && rng.chance(0.5) {
        labels = (0..m).map(|_| rng.below(n)).collect();
        let i = at(rng, params.len());
        params.insert(i, ("lab".to_string(), Param::Labels(m, n)));
    }
    let slice = rng.chance(0.2).then_some(n);
    if let Some(len) = slice {
        let i = at(rng, params.len());
        params.insert(i, ("sl".to_string(), Param::Slice(len)));
    }
    let floats: Vec<usize> = (0..params.len())
        .filter(|&i| params[i].1.is_float())
        .collect();
    let restrict = floats.len() >= 2 && rng.chance(0.15);
    let active: Vec<usize> = if restrict {
        let mut chosen: Vec<usize> = floats.iter().copied().filter(|_| rng.chance(0.5)).collect();
        if chosen.is_empty() || chosen.len() == floats.len() {
            chosen = vec![floats[rng.below(floats.len())]];
        }
        chosen
    } else {
        floats.clone()
    };

    let struct_active = active
        .iter()
        .any(|&i| matches!(params[i].1, Param::Struct { .. }));
    let vars = params
        .iter()
        .filter_map(|(name, p)| match p {
            Param::Float(ty) => Some(Var {
                name: name.clone(),
                ty: *ty,
                mutable: false,
                lit: false,
                is_ref: *ty != Ty::S,
                param: true,
                view: false,
                maybe_data: false,
                path: false,
            }),
            Param::K | Param::Labels(..) | Param::Slice(_) | Param::Struct { .. } => None,
        })
        .collect::<Vec<_>>();
    let mut g = Gen {
        rng,
        vars,
        idx: Vec::new(),
        helpers,
        this_module: module,
        m,
        n,
        avail: Vec::new(),
        out: String::new(),
        indent: 1,
        fresh: 0,
        loops: Vec::new(),
        loop_labels: Vec::new(),
        nesting: 0,
        has_k,
        labels: !labels.is_empty(),
        slice,
        float_seqs: slice
            .map(|len| ("sl".to_string(), len))
            .into_iter()
            .collect(),
        bounds: Vec::new(),
        bools: Vec::new(),
        groups: Vec::new(),
        generic,
        data_struct: strukt.is_some() && !struct_active,
        depth: 0,
        jvp,
        hvp,
        branch: Branch::Free,
    };
    if let Some(def) = &strukt {
        g.struct_scope(def, if method { "self" } else { "m" });
    }
    g.avail = g.available_types();
    let name = format!("p{id}");
    let statements = 2 + g.rng.below(5);
    for _ in 0..statements {
        g.statement();
    }
    let fin = g.final_expr();
    // A twin with a 1-D output `[f, f²]` and `jacobian`, where the body returns nowhere else:
    // its Jacobian's rows are then the gradient and `2 f` times it.
    let body = g.out.clone();
    // No Jacobian with respect to a struct; none of a method.
    let jacobian = !body.contains("return ") && g.rng.chance(0.3) && !method && !struct_active;
    if g.rng.chance(0.2) {
        g.line(&format!("return {};", fin.code));
    } else {
        g.line(&fin.code);
    }

    let mut options = Vec::new();
    if restrict {
        let names: Vec<&str> = active.iter().map(|&i| params[i].0.as_str()).collect();
        options.push(format!("wrt({})", names.join(", ")));
    }
    if jvp {
        options.push("jvp".to_string());
    }
    if hvp {
        options.push("hvp".to_string());
    }
    let attr = if options.is_empty() {
        "#[differentiate]".to_string()
    } else {
        format!("#[differentiate({})]", options.join(", "))
    };
    let f = g.float();
    let struct_ty = strukt.as_ref().map(|d| d.ty()).unwrap_or_default();
    let sig: Vec<String> = params
        .iter()
        .map(|(name, p)| match p {
            Param::Struct { by_ref, .. } if method => {
                (if *by_ref { "&self" } else { "self" }).to_string()
            }
            _ => {
                let ty = match p {
                    Param::Float(Ty::S) => f.to_string(),
                    Param::Float(Ty::V(_)) => format!("&Array1<{f}>"),
                    Param::Float(Ty::M(..)) => format!("&Array2<{f}>"),
                    Param::K => "usize".to_string(),
                    Param::Labels(..) => "&[usize]".to_string(),
                    Param::Slice(_) => format!("&[{f}]"),
                    Param::Struct { by_ref: true, .. } => format!("&{struct_ty}"),
                    Param::Struct { by_ref: false, .. } => struct_ty.clone(),
                };
                format!("{name}: {ty}")
            }
        })
        .collect();
    let bound = if generic { "<T: Float>" } else { "" };
    let fn_bound = if generic && !method { bound } else { "" };
    let mut source = format!(
        "{attr}\npub fn {name}{fn_bound}({}) -> {f} {{\n{}}}\n",
        sig.join(", "),
        g.out
    );
    if jacobian {
        // The twin keeps `wrt(..)` only: `jacobian` needs nothing of its callees.
        let attr = match restrict {
            true => format!("#[differentiate({}, jacobian)]", options[0]),
            false => "#[differentiate(jacobian)]".to_string(),
        };
        source += &format!(
            "\n{attr}\npub fn {name}_j{fn_bound}({}) -> Array1<{f}> {{\n{body}    let jf = {};\n    let mut jout = Array1::<{f}>::zeros(2);\n    jout[0] = jf;\n    jout[1] = jf * jf;\n    jout\n}}\n",
            sig.join(", "),
            fin.code
        );
    }
    if method {
        // `impl S { .. }` (`impl<T: Float> S<T>`) around the method.
        let mut inner = String::new();
        for line in source.lines() {
            writeln!(inner, "    {line}").unwrap();
        }
        source = format!("impl{bound} {struct_ty} {{\n{inner}}}\n");
    }
    let mut definitions = String::new();
    for def in &defs {
        definitions += &def.definition();
        definitions.push('\n');
    }
    let support = match &strukt {
        Some(def) => {
            let (pname, _) = params
                .iter()
                .find(|(_, p)| matches!(p, Param::Struct { .. }))
                .expect("the struct parameter");
            def.template(&format!("{name}_{pname}_tpl"))
        }
        None => String::new(),
    };
    let depth = g.depth;
    Program {
        name,
        module,
        params,
        active,
        source,
        depth,
        labels,
        jacobian,
        generic,
        method,
        jvp,
        hvp,
        defs: definitions,
        support,
    }
}

impl Gen<'_> {
    /// The final scalar: combines several variables in scope, so most of the body matters.
    pub(crate) fn final_expr(&mut self) -> E {
        let vars = self.visible();
        let mut terms: Vec<String> = Vec::new();
        for v in vars.iter().rev() {
            if !v.param && (v.mutable || self.rng.chance(0.6)) && terms.len() < 5 {
                let e = Self::var_expr(v);
                terms.push(self.reduced(&e).operand());
            }
        }
        if terms.is_empty() || self.rng.chance(0.3) {
            let e = self.gen_s(2, false);
            terms.push(e.operand());
        }
        let mut code = terms[0].clone();
        for t in &terms[1..] {
            let op = self.rng.pick(&["+", "+", "-", "*"]);
            code = format!("{code} {op} {t}");
        }
        E::new(code, Ty::S)
    }
}
