//! The program generator of `tests/random_programs.rs`: seeded, deterministic, and writing
//! only the syntax `docs/API.md` promises. Every expression is generated with its type
//! (scalar, vector of a fixed length, matrix of a fixed shape), so the original function
//! always type-checks; inputs are kept away from domain edges by construction (`ln`, `sqrt`
//! and `powf` only of positive expressions, `exp` and `tan` only of bounded ones).
use std::fmt::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

/// SplitMix64: a tiny, good-enough, reproducible generator.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// An index into `weights`, chosen with probability proportional to its weight.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        let mut r = self.below(total as usize) as u32;
        for (i, &w) in weights.iter().enumerate() {
            if r < w {
                return i;
            }
            r -= w;
        }
        weights.len() - 1
    }
}

/// The type of a generated value. Shapes are concrete: a program fixes its dimensions.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Ty {
    S,
    V(usize),
    M(usize, usize),
}

/// A parameter of a generated function.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Param {
    Float(Ty),
    /// `k: usize`, a data parameter in `0..=3`.
    K,
    /// `lab: &[usize]`, labels for `cross_entropy` of an `[r, c]` matrix (fixed per program).
    Labels(usize, usize),
}

impl Param {
    fn is_float(self) -> bool {
        matches!(self, Param::Float(_))
    }
}

/// The bugs of the list in `random_programs.rs` that are still open: their constructs are
/// generated only when `AUTODIFF_RANDOM_KNOWN_BUGS=1`, so that the default run tests
/// everything else. Remove a number once its bug is fixed.
const OPEN_BUGS: &[u32] = &[5];

static KNOWN_BUGS: AtomicBool = AtomicBool::new(false);

/// Whether to generate the construct of known bug `n` (see `OPEN_BUGS`).
fn bug(n: u32) -> bool {
    KNOWN_BUGS.load(Ordering::Relaxed) || !OPEN_BUGS.contains(&n)
}

/// A generated function, as the harness needs it.
pub struct Program {
    pub name: String,
    pub module: usize,
    /// `(name, kind)` in order.
    pub params: Vec<(String, Param)>,
    /// The indices (into `params`) of the parameters with a gradient, in order.
    pub active: Vec<usize>,
    pub source: String,
    /// How deep its calls to other generated functions go (0: calls none).
    pub depth: usize,
    /// The labels passed as `lab`, if it has that parameter.
    pub labels: Vec<usize>,
}

#[derive(Clone)]
struct Var {
    name: String,
    ty: Ty,
    mutable: bool,
    /// A scalar whose type is an unconstrained float literal (`let c = 0.5;`): never a
    /// method receiver (`c.sin()` does not compile).
    lit: bool,
    /// Holds `&Array` (a parameter, or `let a = x;`): used as an operand without `&`.
    is_ref: bool,
    param: bool,
    /// Holds an `ArrayView` (a bound slice or transpose).
    view: bool,
    /// Holds a call's result (see `E::maybe_data`).
    maybe_data: bool,
}

/// A loop index or `while` counter with its range `lo..hi`, for indexing.
#[derive(Clone)]
struct Idx {
    name: String,
    lo: usize,
    hi: usize,
    /// Known to be `usize` early (not the variable of `for i in 0..3`, an integer of
    /// unknown type until inference ends): only typed ones go into `s![i, ..]`.
    typed: bool,
}

/// A generated expression.
#[derive(Clone)]
struct E {
    code: String,
    ty: Ty,
    /// No parentheses needed as an operand or receiver.
    atom: bool,
    lit: bool,
    /// An owned array (not a bare variable, not a view).
    owned: bool,
    /// A view into a temporary or into a `let mut` array: copy it before binding it.
    unbindable_view: bool,
    /// A bare variable: `Some(is_ref)`.
    var: Option<bool>,
    /// An `ArrayView` (a slice, a transpose, or a variable holding one).
    view: bool,
    /// A call's result or a variable holding one: if all its arguments are constants the
    /// macro treats it as data (known bug 7).
    maybe_data: bool,
}

impl E {
    fn new(code: String, ty: Ty) -> E {
        E {
            code,
            ty,
            atom: false,
            lit: false,
            owned: true,
            unbindable_view: false,
            var: None,
            view: false,
            maybe_data: false,
        }
    }

    fn atom(mut self) -> E {
        self.atom = true;
        self
    }

    /// As an operand of `+ - * /` or a call argument taking `&`: `x`, `&a`, `&(e)`.
    fn arg(&self) -> String {
        match (self.ty, self.var) {
            (Ty::S, _) => self.operand(),
            (_, Some(true)) => self.code.clone(),
            (_, _) if self.atom => format!("&{}", self.code),
            _ => format!("&({})", self.code),
        }
    }

    /// As a scalar operand or a method receiver.
    fn operand(&self) -> String {
        if self.atom {
            self.code.clone()
        } else {
            format!("({})", self.code)
        }
    }

    /// As a value to bind or return: an owned array.
    fn value(&self) -> String {
        if self.ty == Ty::S || self.owned {
            self.code.clone()
        } else if self.var == Some(true) && !bug(4) {
            // Known bug 4: `x.to_owned()` of a reference parameter stays a view in the
            // generated code, so an `if` or a loop mixing it with an owned array fails.
            format!("{} * 1.0", self.code)
        } else {
            format!("{}.to_owned()", self.operand())
        }
    }
}

const LITERALS: &[&str] = &[
    "0.5", "1.5", "2.0", "0.3", "0.7", "1.2", "0.25", "3.0", "0.1", "0.9",
];

struct Gen<'a> {
    rng: &'a mut Rng,
    vars: Vec<Var>,
    idx: Vec<Idx>,
    helpers: &'a [Program],
    this_module: usize,
    m: usize,
    n: usize,
    avail: Vec<Ty>,
    out: String,
    indent: usize,
    fresh: usize,
    /// Loops around the current statement: `true` for `for`, `false` for `while`.
    loops: Vec<bool>,
    /// Nesting of `if`/loops around the current statement.
    nesting: usize,
    has_k: bool,
    /// Has `lab: &[usize]` (labels for an `[m, n]` matrix).
    labels: bool,
    depth: usize,
    /// What the branches of the enclosing `if` statements may contain (known bug 5).
    branch: Branch,
}

/// Known bug 5: a `let` inside an `if` branch that also holds a `return`/`break`/`continue`
/// (at any depth) is visible after the `if` (now rejected at compile time). While it is open
/// the branches of an `if` statement either shadow no names or jump nowhere; a loop body
/// starts afresh.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Branch {
    Free,
    NoShadow,
    NoJump,
}

/// Generates program number `id`, which may call the earlier `helpers`.
pub fn program(rng: &mut Rng, id: usize, module: usize, helpers: &[Program]) -> Program {
    let m = 2 + rng.below(3); // 2..=4 rows
    let n = 3 + rng.below(3); // 3..=5 columns / vector length
    let mut params: Vec<(String, Param)> = Vec::new();
    let count = 1 + rng.below(4);
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
    let has_k = rng.chance(0.25);
    if has_k {
        let at = rng.below(params.len() + 1);
        params.insert(at, ("k".to_string(), Param::K));
    }
    let mut labels = Vec::new();
    if matrices > 0 && rng.chance(0.5) {
        labels = (0..m).map(|_| rng.below(n)).collect();
        let at = rng.below(params.len() + 1);
        params.insert(at, ("lab".to_string(), Param::Labels(m, n)));
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
            }),
            Param::K | Param::Labels(..) => None,
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
        nesting: 0,
        has_k,
        labels: !labels.is_empty(),
        depth: 0,
        branch: Branch::Free,
    };
    g.avail = g.available_types();
    let name = format!("p{id}");
    let statements = 2 + g.rng.below(5);
    for _ in 0..statements {
        g.statement();
    }
    let fin = g.final_expr();
    if g.rng.chance(0.2) {
        g.line(&format!("return {};", fin.code));
    } else {
        g.line(&fin.code);
    }

    let attr = if restrict {
        let names: Vec<&str> = active.iter().map(|&i| params[i].0.as_str()).collect();
        format!("#[differentiate(wrt({}))]", names.join(", "))
    } else {
        "#[differentiate]".to_string()
    };
    let sig: Vec<String> = params
        .iter()
        .map(|(name, p)| {
            let ty = match p {
                Param::Float(Ty::S) => "f64",
                Param::Float(Ty::V(_)) => "&Array1<f64>",
                Param::Float(Ty::M(..)) => "&Array2<f64>",
                Param::K => "usize",
                Param::Labels(..) => "&[usize]",
            };
            format!("{name}: {ty}")
        })
        .collect();
    let source = format!(
        "{attr}\npub fn {name}({}) -> f64 {{\n{}}}\n",
        sig.join(", "),
        g.out
    );
    let depth = g.depth;
    Program {
        name,
        module,
        params,
        active,
        source,
        depth,
        labels,
    }
}

impl Gen<'_> {
    fn line(&mut self, s: &str) {
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.fresh += 1;
        format!("{prefix}{}", self.fresh)
    }

    /// The variables in scope (the latest binding of each name).
    fn visible(&self) -> Vec<Var> {
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

    fn visible_of(&self, ty: Ty) -> Vec<Var> {
        self.visible().into_iter().filter(|v| v.ty == ty).collect()
    }

    /// The array types a leaf can always be built for from the parameters (which are never
    /// shadowed by a value of another type).
    fn available_types(&self) -> Vec<Ty> {
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

    fn avail(&self, ty: Ty) -> bool {
        self.avail.contains(&ty)
    }

    fn var_expr(v: &Var) -> E {
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
        }
    }

    fn literal(&mut self) -> E {
        let mut e = E::new(self.rng.pick(LITERALS).to_string(), Ty::S).atom();
        e.lit = true;
        e
    }

    /// Index expressions valid for an axis of length `len`.
    fn indices_for(&self, len: usize) -> Vec<String> {
        self.indices(len, false)
    }

    fn indices(&self, len: usize, typed_only: bool) -> Vec<String> {
        let mut out: Vec<String> = (0..len).map(|c| c.to_string()).collect();
        for i in &self.idx {
            if i.hi <= len && (i.typed || !typed_only) {
                out.push(i.name.clone());
                out.push(i.name.clone());
                if i.lo >= 1 {
                    out.push(format!("{} - 1", i.name));
                }
                if i.hi == len {
                    // `len - 1 - i` is in range when `i < len`.
                    out.push(format!("{len} - 1 - {}", i.name));
                }
            }
        }
        out
    }

    /// A scalar leaf: a variable, a literal, an element read, a cast of an index.
    fn leaf_s(&mut self, nonlit: bool) -> E {
        loop {
            match self.rng.weighted(&[5, 2, 4, 1, 1]) {
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
                3 => {
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
                4 => {
                    let c = self
                        .rng
                        .pick(&["std::f64::consts::PI", "std::f64::consts::E"]);
                    return E::new(format!("({c} * 0.2)"), Ty::S).atom();
                }
                _ => {}
            }
        }
    }

    /// `a[i]` or `a[[i, j]]`.
    fn element_of(&mut self, a: &E) -> E {
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
        match a.ty {
            Ty::V(len) => {
                let i = typed(self.rng.pick(&self.indices(len, typed_only)).clone());
                E::new(format!("{}[{i}]", a.operand()), Ty::S).atom()
            }
            Ty::M(r, c) => {
                let i = typed(self.rng.pick(&self.indices(r, typed_only)).clone());
                let j = typed(self.rng.pick(&self.indices(c, typed_only)).clone());
                E::new(format!("{}[[{i}, {j}]]", a.operand()), Ty::S).atom()
            }
            Ty::S => a.clone(),
        }
    }

    /// The variables whose shape a loop bound may read (`x.len()`, `w.nrows()`): known bug 9
    /// (the type of a local array can be unknown at its shape read in the generated code)
    /// limits them to parameters while it is open.
    fn shape_vars(&self) -> Vec<Var> {
        self.visible()
            .into_iter()
            .filter(|v| v.ty != Ty::S && (v.is_ref || bug(9)))
            .collect()
    }

    /// An array leaf of type `ty` (which must be available).
    fn leaf_a(&mut self, ty: Ty) -> E {
        let mut options: Vec<E> = Vec::new();
        let visible = self.visible();
        for v in &visible {
            if v.ty == ty {
                let e = Self::var_expr(v);
                options.push(e.clone());
                options.push(e);
            }
        }
        for v in &visible {
            let view = |code: String| E {
                code,
                ty,
                atom: true,
                lit: false,
                owned: false,
                unbindable_view: v.mutable,
                var: None,
                view: true,
                maybe_data: false,
            };
            match (v.ty, ty) {
                (Ty::M(r, c), Ty::M(r2, c2)) if r == c2 && c == r2 => {
                    options.push(view(format!("{}.t()", v.name)));
                }
                (Ty::M(r, c), Ty::V(len)) => {
                    if c == len {
                        options.push(E::new(format!("{}.sum_axis(Axis(0))", v.name), ty).atom());
                        let i = usize_lit(&self.rng.pick(&self.indices(r, true)).clone());
                        options.push(view(format!("{}.slice(s![{i}, ..])", v.name)));
                    }
                    if r == len {
                        options.push(E::new(format!("{}.sum_axis(Axis(1))", v.name), ty).atom());
                        let j = usize_lit(&self.rng.pick(&self.indices(c, true)).clone());
                        options.push(view(format!("{}.slice(s![.., {j}])", v.name)));
                    }
                }
                (Ty::V(l2), Ty::V(len)) if l2 > len => {
                    let o = self.rng.below(l2 - len + 1);
                    let code = if o + len == l2 && self.rng.chance(0.5) {
                        format!("{}.slice(s![{o}..])", v.name)
                    } else {
                        format!("{}.slice(s![{o}..{}])", v.name, o + len)
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

    fn gen(&mut self, ty: Ty, d: usize) -> E {
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

    fn gen_s(&mut self, d: usize, nonlit: bool) -> E {
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

    /// `ln`, `exp`, `sin`, ... of a suitable argument, scalar or array.
    fn unary(&mut self, ty: Ty, d: usize) -> E {
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

    /// A receiver of type `ty`: for scalars, not an unconstrained literal.
    fn gen_recv(&mut self, ty: Ty, d: usize) -> E {
        if ty == Ty::S {
            self.gen_nonlit(d)
        } else {
            self.gen_a(ty, d)
        }
    }

    /// A value in (-1, 1): `tanh`, `sin`, `cos` or a sigmoid of something.
    fn bounded(&mut self, ty: Ty, d: usize) -> E {
        let a = self.gen_recv(ty, d);
        let f = self.rng.pick(&["tanh", "sin", "cos", "tanh"]).to_string();
        if ty != Ty::S && self.rng.chance(0.25) {
            return E::new(format!("sigmoid({})", a.arg()), ty).atom();
        }
        E::new(format!("{}.{f}()", a.operand()), ty).atom()
    }

    /// A value at least about 0.2: denominators, `ln`, `sqrt`, `powf` bases.
    fn positive(&mut self, ty: Ty, d: usize) -> E {
        if ty == Ty::S && self.rng.chance(0.15) {
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
    fn power(&mut self, ty: Ty, d: usize) -> E {
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
    fn reduce(&mut self, d: usize) -> E {
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

    /// The variables of type `ty` that hold a parameter's reference (`x`, or `a` after
    /// `let a = x;`).
    fn ref_vars(&self, ty: Ty) -> Vec<Var> {
        self.visible_of(ty)
            .into_iter()
            .filter(|v| v.is_ref)
            .collect()
    }

    /// A call to an earlier generated function whose array shapes fit this program.
    fn call(&mut self, d: usize) -> Option<E> {
        let fits: Vec<usize> = (0..self.helpers.len())
            .filter(|&i| {
                let h = &self.helpers[i];
                let refs_only = refs_only(h);
                h.depth < 2
                    && h.params.iter().all(|(_, p)| match p {
                        Param::Float(Ty::S) | Param::K => true,
                        // Known bugs 2 and 8: only parameters as array arguments.
                        Param::Float(t) if refs_only => !self.ref_vars(*t).is_empty(),
                        Param::Float(t) => self.avail(*t),
                        Param::Labels(r, c) => self.labels && (*r, *c) == (self.m, self.n),
                    })
            })
            .collect();
        if fits.is_empty() {
            return None;
        }
        // Prefer recent helpers, so that chains of calls form.
        let start = fits.len().saturating_sub(20);
        let h = &self.helpers[fits[start + self.rng.below(fits.len() - start)]];
        let path = if h.module == self.this_module {
            h.name.clone()
        } else {
            format!("crate::g{}::{}", h.module, h.name)
        };
        let params = h.params.clone();
        let refs_only = refs_only(h);
        self.depth = self.depth.max(h.depth + 1);
        let mut args = Vec::new();
        for (_, p) in &params {
            match p {
                Param::Float(Ty::S) => args.push(self.gen_s(d - 1, false).code),
                Param::Float(t) if refs_only => {
                    let vars = self.ref_vars(*t);
                    let v = self.rng.pick(&vars).clone();
                    args.push(v.name);
                }
                Param::Float(t) => {
                    // The callee takes `&Array`: a view is copied first.
                    let a = self.gen_a(*t, d - 1);
                    if a.view {
                        args.push(format!("&{}.to_owned()", a.operand()));
                    } else if a.var == Some(true) && bug(3) && self.rng.chance(0.3) {
                        // Known bug 3: `h(&x)` with `x: &Array1<f64>` (deref coercion).
                        args.push(format!("&{}", a.code));
                    } else {
                        args.push(a.arg());
                    }
                }
                Param::Labels(..) => args.push("lab".to_string()),
                Param::K => {
                    if self.has_k && self.rng.chance(0.5) {
                        args.push("k".to_string());
                    } else {
                        args.push(self.rng.below(4).to_string());
                    }
                }
            }
        }
        let mut e = E::new(format!("{path}({})", args.join(", ")), Ty::S).atom();
        e.maybe_data = true;
        Some(e)
    }

    fn gen_a(&mut self, ty: Ty, d: usize) -> E {
        if d == 0 || self.rng.chance(0.3) {
            return self.leaf_a(ty);
        }
        loop {
            let kind = self.rng.weighted(&[1, 5, 4, 1, 4, 2, 2, 1, 1, 1]);
            let e = match kind {
                0 => {
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
                    // `2.0 * &a` has a type only after literal fallback (no method on it).
                    if b.lit || self.rng.chance(0.5) {
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

    /// An array of type `ty` made by `dot` or `sum_axis` from others.
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
            _ => E::new(format!("{}.sum_axis(Axis(1))", a.operand()), ty).atom(),
        })
    }

    /// A comparison of values that depend on the inputs (so both branches run across inputs).
    fn condition(&mut self) -> String {
        let one = |g: &mut Self| -> String {
            if !g.idx.is_empty() && g.rng.chance(0.15) {
                let i = g.rng.pick(&g.idx).name.clone();
                return match g.rng.below(2) {
                    0 => format!("{i} % 2 == 0"),
                    _ => format!("{i} > 1"),
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
        let first = one(self);
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

    /// The final scalar: combines several variables in scope, so most of the body matters.
    fn final_expr(&mut self) -> E {
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

    /// `e` as a scalar: its sum, mean or `tanh` sum (a scalar stays as it is).
    fn reduced(&mut self, e: &E) -> E {
        match e.ty {
            Ty::S => e.clone(),
            Ty::V(_) | Ty::M(..) => match self.rng.below(3) {
                0 => E::new(format!("{}.sum()", e.operand()), Ty::S).atom(),
                1 => E::new(format!("{}.mean().unwrap()", e.operand()), Ty::S).atom(),
                _ => E::new(format!("{}.tanh().sum()", e.operand()), Ty::S).atom(),
            },
        }
    }

    // ----------------------------------------------------------------- statements

    fn mutables(&self) -> Vec<Var> {
        self.visible().into_iter().filter(|v| v.mutable).collect()
    }

    fn statement(&mut self) {
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
            if in_loop || no_jump { 0 } else { 1 },            // early return
            if in_loop && !no_jump { 2 } else { 0 },           // break / continue
            2,                                                 // shadowing
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
            _ => self.shadow(),
        }
    }

    fn expr_depth(&mut self) -> usize {
        if self.loops.is_empty() {
            1 + self.rng.weighted(&[2, 2, 1])
        } else {
            1 + self.rng.below(2)
        }
    }

    fn random_type(&mut self) -> Ty {
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
    fn bind(&mut self, name: String, e: E) {
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
        let ann = match (annotate || self.rng.chance(0.15), e.ty) {
            (true, Ty::S) if annotate => ": f64",
            (true, Ty::V(_)) if owned => ": Array1<f64>",
            (true, Ty::M(..)) if owned => ": Array2<f64>",
            _ => "",
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
        });
    }

    fn let_stmt(&mut self) {
        let ty = self.random_type();
        let d = self.expr_depth();
        let e = self.gen(ty, d);
        let name = self.fresh("v");
        self.bind(name, e);
    }

    fn let_mut(&mut self) {
        let ty = if self.rng.chance(0.7) {
            Ty::S
        } else {
            self.random_type()
        };
        let name = self.fresh("acc");
        self.declare_mut(name, ty);
    }

    fn declare_mut(&mut self, name: String, ty: Ty) {
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
        let ann = if ann { ": f64" } else { "" };
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
        });
    }

    /// `acc += e;`, `acc *= e;`, `acc = f(acc, e);`, ...
    fn update(&mut self) {
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

    fn block(&mut self, count: usize, must_update: bool) {
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

    fn if_stmt(&mut self) {
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

    fn ensure_mutable(&mut self) {
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

    fn for_stmt(&mut self) {
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
            if self.has_k {
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
        forms.push(("0..3".to_string(), 0, 3));
        forms.push(("2..5".to_string(), 2, 5));
        let (range, lo, hi) = self.rng.pick(&forms).clone();
        self.line(&format!("for {i} in {range} {{"));
        self.idx.push(Idx {
            name: i.clone(),
            lo,
            hi,
            typed: !matches!(range.as_str(), "0..3" | "2..5"),
        });
        self.loops.push(true);
        self.nesting += 1;
        let outer = std::mem::replace(&mut self.branch, Branch::Free);
        let count = 1 + self.rng.below(3);
        self.block(count, true);
        self.branch = outer;
        self.nesting -= 1;
        self.loops.pop();
        self.idx.retain(|x| x.name != i);
        self.line("}");
    }

    fn while_stmt(&mut self) {
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
        self.line(&format!("while {c} < {bound}{cond} {{"));
        self.idx.push(Idx {
            name: c.clone(),
            lo: 0,
            hi,
            typed: true,
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
        self.idx.retain(|x| x.name != c);
        self.line("}");
    }

    fn early_return(&mut self) {
        let c = self.condition();
        self.line(&format!("if {c} {{"));
        self.indent += 1;
        let d = self.expr_depth();
        let e = self.gen_s(d, false);
        self.line(&format!("return {};", e.code));
        self.indent -= 1;
        self.line("}");
    }

    /// `if cond { break; }` (or `continue;` in a `for` loop, where it cannot skip a counter).
    fn jump(&mut self) {
        let c = self.condition();
        let word = if self.loops.last() == Some(&true) && self.rng.chance(0.3) {
            "continue"
        } else {
            "break"
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

    /// `let a = a * ..;`: a new binding of an existing local name that uses the old one.
    fn shadow(&mut self) {
        if self.branch == Branch::NoShadow {
            return self.let_stmt();
        }
        let locals: Vec<Var> = self.visible().into_iter().filter(|v| !v.param).collect();
        let params: Vec<Var> = self.visible().into_iter().filter(|v| v.param).collect();
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

/// Whether only parameters (`x`, not `&(x * a)` or `&t`) may be passed as the array arguments
/// of a call to `h`: known bug 2, and known bug 8 for a callee with a `&[usize]` parameter.
fn refs_only(h: &Program) -> bool {
    let labels = h.params.iter().any(|(_, p)| matches!(p, Param::Labels(..)));
    !bug(2) || (labels && !bug(8))
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

/// Longer generated functions are drawn again.
const MAX_SOURCE: usize = 1500;

/// The Rust files: `count` programs split into `parts` files, each
/// program in a module of 25 with its source as a string beside it, and a program calling
/// only earlier ones of its own file; then the harness (`harness.rs`) with one entry per
/// program. `summary(part)` is where that file's binary writes its summary line.
pub fn files(
    seed: u64,
    count: usize,
    parts: usize,
    trials: usize,
    summary: impl Fn(usize) -> String,
    with_known_bugs: bool,
) -> Vec<String> {
    KNOWN_BUGS.store(with_known_bugs, Ordering::Relaxed);
    let mut rng = Rng(seed);
    let mut out = Vec::new();
    let mut id = 0;
    for part in 0..parts {
        let end = count * (part + 1) / parts;
        let mut programs: Vec<Program> = Vec::new();
        while id < end {
            let module = programs.len() / 25;
            // The rare very long program costs compile time and tests nothing new.
            let p = loop {
                let p = program(&mut rng, id, module, &programs);
                if p.source.len() <= MAX_SOURCE {
                    break p;
                }
            };
            programs.push(p);
            id += 1;
        }
        out.push(file(seed, part, &programs, trials, &summary(part)));
    }
    out
}

fn file(seed: u64, part: usize, programs: &[Program], trials: usize, summary: &str) -> String {
    let mut out = String::new();
    out.push_str("// Generated by tests/random_programs.rs: do not edit.\n");
    out.push_str("#![allow(warnings, clippy::all)]\n");
    out.push_str("use autodiff::ndarray::{s, Array1, Array2, Axis};\n");
    out.push_str("use autodiff::prelude::*;\n\n");
    let modules = programs.len().div_ceil(25);
    for g in 0..modules {
        writeln!(out, "pub mod g{g} {{").unwrap();
        out.push_str("    use autodiff::ndarray::{s, Array1, Array2, Axis};\n");
        out.push_str("    use autodiff::prelude::*;\n\n");
        for p in programs.iter().filter(|p| p.module == g) {
            writeln!(
                out,
                "    pub const {}_SRC: &str = r####\"{}\"####;\n",
                p.name.to_uppercase(),
                p.source
            )
            .unwrap();
            for l in p.source.lines() {
                writeln!(out, "    {l}").unwrap();
            }
            out.push('\n');
        }
        out.push_str("}\n\n");
    }
    writeln!(out, "const SEED: u64 = {seed};").unwrap();
    writeln!(out, "const PART: u64 = {part};").unwrap();
    writeln!(out, "const TRIALS: usize = {trials};").unwrap();
    writeln!(out, "const SUMMARY: &str = {summary:?};\n").unwrap();
    out.push_str("fn cases() -> Vec<Case> {\n    vec![\n");
    for p in programs {
        out.push_str(&case(p));
    }
    out.push_str("    ]\n}\n\n");
    out.push_str(include_str!("harness.rs"));
    out
}

/// One `Case { .. }` entry: closures that rebuild the arguments from flat vectors.
fn case(p: &Program) -> String {
    let path = format!("g{}::{}", p.module, p.name);
    let mut args = Vec::new();
    let mut shapes = Vec::new();
    let mut slot = 0;
    for (_, param) in &p.params {
        match param {
            Param::Float(Ty::S) => {
                args.push(format!("p[{slot}][0]"));
                shapes.push("&[]".to_string());
                slot += 1;
            }
            Param::Float(Ty::V(l)) => {
                args.push(format!("&a1(&p[{slot}])"));
                shapes.push(format!("&[{l}]"));
                slot += 1;
            }
            Param::Float(Ty::M(r, c)) => {
                args.push(format!("&a2(&p[{slot}], {r}, {c})"));
                shapes.push(format!("&[{r}, {c}]"));
                slot += 1;
            }
            Param::K => args.push("k".to_string()),
            Param::Labels(..) => {
                let l: Vec<String> = p.labels.iter().map(|l| l.to_string()).collect();
                args.push(format!("&[{}]", l.join(", ")));
            }
        }
    }
    // The active parameters as slots (positions among the float parameters).
    let active: Vec<String> = p
        .active
        .iter()
        .map(|&i| {
            p.params[..i]
                .iter()
                .filter(|(_, k)| k.is_float())
                .count()
                .to_string()
        })
        .collect();
    let grads: Vec<String> = (0..p.active.len()).map(|i| format!("fl(g.{i})")).collect();
    let args = args.join(", ");
    let mut s = String::new();
    writeln!(s, "        Case {{").unwrap();
    writeln!(s, "            name: {:?},", p.name).unwrap();
    writeln!(
        s,
        "            src: g{}::{}_SRC,",
        p.module,
        p.name.to_uppercase()
    )
    .unwrap();
    writeln!(s, "            shapes: &[{}],", shapes.join(", ")).unwrap();
    writeln!(s, "            active: &[{}],", active.join(", ")).unwrap();
    writeln!(
        s,
        "            uses_k: {},",
        p.params.iter().any(|(_, k)| *k == Param::K)
    )
    .unwrap();
    writeln!(s, "            f: |p, k| {path}({args}),").unwrap();
    writeln!(
        s,
        "            grad: |p, k| {{ let (v, g) = {path}_grad({args}); (v, vec![{}]) }},",
        grads.join(", ")
    )
    .unwrap();
    writeln!(
        s,
        "            vjp: |p, k, seed| {{ let (v, g) = {path}_vjp({args}, seed); (v, vec![{}]) }},",
        grads.join(", ")
    )
    .unwrap();
    writeln!(s, "        }},").unwrap();
    s
}
