//! The generator's vocabulary: the seeded RNG, the types of values, parameters, programs,
//! variables and expressions, the generator state `Gen`, and the switches of the known bugs.
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
    /// `sl: &[f64]` of this length: a float slice, read as `sl[i]` and `sl.len()`.
    Slice(usize),
    /// A `#[derive(Differentiable)]` struct (`m: &S`, `m: S`, or `&self`/`self` of a method)
    /// with this many float leaves; the harness builds it from its template
    /// (`NAME_PARAM_tpl()`) and a flat vector of its leaves in visiting order.
    Struct {
        leaves: usize,
        by_ref: bool,
    },
}

impl Param {
    pub(crate) fn is_float(self) -> bool {
        matches!(
            self,
            Param::Float(_) | Param::Slice(_) | Param::Struct { .. }
        )
    }
}

/// The bugs of the list in `random_programs.rs` that are still open: their constructs are
/// generated only when `AUTODIFF_RANDOM_KNOWN_BUGS=1`, so that the default run tests
/// everything else. Remove a number once its bug is fixed.
const OPEN_BUGS: &[u32] = &[];

pub(crate) static KNOWN_BUGS: AtomicBool = AtomicBool::new(false);

/// Whether to generate the construct of known bug `n` (see `OPEN_BUGS`).
pub(crate) fn bug(n: u32) -> bool {
    KNOWN_BUGS.load(Ordering::Relaxed) || !OPEN_BUGS.contains(&n)
}

impl Gen<'_> {
    /// Whether to generate the construct of known bug `n`, open in functions with `jvp` or
    /// `hvp` only (bugs 19 to 22): elsewhere it is generated.
    pub(crate) fn forward_bug(&self, n: u32) -> bool {
        !(self.jvp || self.hvp) || bug(n)
    }
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
    /// Has a twin `NAME_j` with `#[differentiate(jacobian)]` returning `[f, f²]`.
    pub jacobian: bool,
    /// Generic over `T: Float`: checked in f64 against finite differences and in f32
    /// against the f64 gradient.
    pub generic: bool,
    /// A method of its struct type: the first parameter is `self` (`&self` or `self`).
    pub method: bool,
    /// Has `#[differentiate(jvp)]` / `#[differentiate(hvp)]` (API v2 section 7): `NAME_jvp`
    /// and `NAME_hvp`, checked against finite differences of the function and of `NAME_grad`.
    pub jvp: bool,
    pub hvp: bool,
    /// The struct types it uses (`#[derive(Differentiable)]`), shown with its source.
    pub defs: String,
    /// Outside the shown source: the templates of its struct parameters (`NAME_PARAM_tpl`).
    pub support: String,
}

#[derive(Clone)]
pub(crate) struct Var {
    pub(crate) name: String,
    pub(crate) ty: Ty,
    pub(crate) mutable: bool,
    /// A scalar whose type is an unconstrained float literal (`let c = 0.5;`): never a
    /// method receiver (`c.sin()` does not compile).
    pub(crate) lit: bool,
    /// Holds `&Array` (a parameter, or `let a = x;`): used as an operand without `&`.
    pub(crate) is_ref: bool,
    pub(crate) param: bool,
    /// Holds an `ArrayView` (a bound slice or transpose).
    pub(crate) view: bool,
    /// Holds a call's result (see `E::maybe_data`).
    pub(crate) maybe_data: bool,
    /// A field read of a struct parameter (`m.w`, `self.layers[1].b`, `l.c` after
    /// `let l = &m.inner;`): never bound by `let` under its own name.
    pub(crate) path: bool,
}

/// A loop index or `while` counter with its range `lo..hi`, for indexing.
#[derive(Clone)]
pub(crate) struct Idx {
    pub(crate) name: String,
    pub(crate) lo: usize,
    pub(crate) hi: usize,
    /// Known to be `usize` early (not the variable of `for i in 0..3`, an integer of
    /// unknown type until inference ends): only typed ones go into `s![i, ..]`.
    pub(crate) typed: bool,
    /// `Some(through_alias)`: a skipped `usize` field (`m.steps`, `l.steps` after
    /// `let l = &m.inner;`), data of a fixed value.
    pub(crate) field: Option<bool>,
}

/// Where an index goes: `a[i]`, `w[[i, j]]`, or `s![i, ..]` / `s![i..]`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum IndexUse {
    One,
    Two,
    Slice,
}

/// A generated expression.
#[derive(Clone)]
pub(crate) struct E {
    pub(crate) code: String,
    pub(crate) ty: Ty,
    /// No parentheses needed as an operand or receiver.
    pub(crate) atom: bool,
    pub(crate) lit: bool,
    /// An owned array (not a bare variable, not a view).
    pub(crate) owned: bool,
    /// A view into a temporary or into a `let mut` array: copy it before binding it.
    pub(crate) unbindable_view: bool,
    /// A bare variable: `Some(is_ref)`.
    pub(crate) var: Option<bool>,
    /// An `ArrayView` (a slice, a transpose, or a variable holding one).
    pub(crate) view: bool,
    /// A call's result or a variable holding one: if all its arguments are constants the
    /// macro treats it as data (known bug 7).
    pub(crate) maybe_data: bool,
    /// A field read of a struct parameter (`m.w`).
    pub(crate) path: bool,
}

impl E {
    pub(crate) fn new(code: String, ty: Ty) -> E {
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
            path: false,
        }
    }

    pub(crate) fn atom(mut self) -> E {
        self.atom = true;
        self
    }

    /// As an operand of `+ - * /` or a call argument taking `&`: `x`, `&a`, `&(e)`.
    pub(crate) fn arg(&self) -> String {
        match (self.ty, self.var) {
            (Ty::S, _) => self.operand(),
            (_, Some(true)) => self.code.clone(),
            (_, _) if self.atom => format!("&{}", self.code),
            _ => format!("&({})", self.code),
        }
    }

    /// As a scalar operand or a method receiver.
    pub(crate) fn operand(&self) -> String {
        if self.atom {
            self.code.clone()
        } else {
            format!("({})", self.code)
        }
    }

    /// As a value to bind or return: an owned array.
    pub(crate) fn value(&self) -> String {
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

pub(crate) const LITERALS: &[&str] = &[
    "0.5", "1.5", "2.0", "0.3", "0.7", "1.2", "0.25", "3.0", "0.1", "0.9",
];

pub(crate) struct Gen<'a> {
    pub(crate) rng: &'a mut Rng,
    pub(crate) vars: Vec<Var>,
    pub(crate) idx: Vec<Idx>,
    pub(crate) helpers: &'a [Program],
    pub(crate) this_module: usize,
    pub(crate) m: usize,
    pub(crate) n: usize,
    pub(crate) avail: Vec<Ty>,
    pub(crate) out: String,
    pub(crate) indent: usize,
    pub(crate) fresh: usize,
    /// Loops around the current statement: `true` for `for`, `false` for `while`.
    pub(crate) loops: Vec<bool>,
    /// The label of each of those loops, if it has one (`'l3: for ..`).
    pub(crate) loop_labels: Vec<Option<String>>,
    /// Nesting of `if`/loops around the current statement.
    pub(crate) nesting: usize,
    pub(crate) has_k: bool,
    /// Has `lab: &[usize]` (labels for an `[m, n]` matrix).
    pub(crate) labels: bool,
    /// The float slice parameter `sl` and its length, if there is one.
    pub(crate) slice: Option<usize>,
    /// Everything read as `name[i]` and `name.len()`: `sl`, and `Vec<f64>` or `[f64; N]`
    /// fields of struct parameters (`m.v`).
    pub(crate) float_seqs: Vec<(String, usize)>,
    /// Data loop bounds of struct parameters: `m.steps` (a skipped `usize`), `m.v.len()`,
    /// `m.layers.len()`, with the bound's value.
    pub(crate) bounds: Vec<(String, usize)>,
    /// Skipped `bool` fields, for conditions.
    pub(crate) bools: Vec<String>,
    /// `Vec`s and arrays of structs (`m.layers`) a loop can walk, with their length.
    /// (`true`: reached through a path alias.)
    pub(crate) groups: Vec<(String, usize, std::rc::Rc<super::structs::StructDef>, bool)>,
    /// Generic over `T: Float`: literals mean `T`, no `f64` in the body, a scalar multiplies
    /// an array from the right.
    pub(crate) generic: bool,
    /// Has a struct parameter left out of `wrt(..)`: data.
    pub(crate) data_struct: bool,
    pub(crate) depth: usize,
    /// The function has `jvp` / `hvp`: it calls only functions with the same options.
    pub(crate) jvp: bool,
    pub(crate) hvp: bool,
    /// What the branches of the enclosing `if` statements may contain (known bug 5).
    pub(crate) branch: Branch,
}

/// Known bug 5: a `let` inside an `if` branch that also holds a `return`/`break`/`continue`
/// (at any depth) is visible after the `if` (now rejected at compile time). While it is open
/// the branches of an `if` statement either shadow no names or jump nowhere; a loop body
/// starts afresh.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Branch {
    Free,
    NoShadow,
    NoJump,
}
