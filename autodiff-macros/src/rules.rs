//! THE table: the syntax the macro differentiates, and the runtime functions behind it.
//! This is the only place that knows op names. Each line: how it is written, the runtime
//! forward function (`in_place`: it also takes its operand by value, to write into its
//! buffer; `sparse`: its VJP gives a part of its first argument's adjoint, the runtime's
//! `Contribution`, not a whole array; `overwrites`: a write, in place in loops too), and per argument either the VJP function with what it
//! reads, or `Data` (not differentiated); `borrows`: its result is a view of its first
//! argument's data; `views`: a part read with a `{forward}_view` twin for parameters' data.
//! Calling convention (see autodiff-runtime): `forward(args..)` with differentiable arguments
//! by reference and data arguments by value; a VJP takes what it reads, then the cotangent:
//! `vjp(args.., g)` (`Diff`, `Reuse`), `vjp(&y, g)` (`Output`) or `vjp(&shape, g)` (`Shape`).

/// How a rule is written in a body.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Syntax {
    /// `a + b`, `-a`: the name is the operator.
    Operator,
    /// `x.ln()`: the receiver is the first argument.
    Method,
    /// `sigmoid(&z)`.
    Function,
}

/// One argument of a rule: how its VJP is called, which says what the reverse sweep keeps.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Arg {
    /// A differentiable argument whose VJP reads the arguments: `vjp(args.., &g)`.
    Diff(&'static str),
    /// Like `Diff`, but the VJP computes its result in the cotangent's shape (elementwise
    /// functions and arithmetic): called with the cotangent by value where its adjoint is read
    /// for the last time, so that the VJP writes into its buffer (the runtime's `Cotangent`).
    Reuse(&'static str),
    /// A differentiable argument whose VJP reads only the rule's output (`exp`, `sigmoid`,
    /// `softmax`, transpose): `vjp(&y, g)`, the cotangent by value as for `Reuse`. The
    /// arguments are then not kept for the reverse sweep (an `in_place` forward may consume
    /// its operand).
    Output(&'static str),
    /// A differentiable argument whose VJP reads only its shape (`+`, `-`): called as
    /// `vjp(&shape_of(&arg), g)`, so the reverse sweep keeps the shape, not the value (or
    /// as `vjp(&arg, g)` where the operand is in scope: a value gives its own shape); the
    /// cotangent by value as for `Reuse`.
    Shape(&'static str),
    /// A differentiable argument whose VJP reads nothing of it, only the rule's data
    /// arguments and the cotangent (a write's array: `da` is `g` with the written positions
    /// zeroed): `vjp(data.., g)`, the cotangent by value as for `Reuse`. Nothing of the
    /// argument is kept for the reverse sweep, not even its shape. A write's array has a
    /// `{vjp}_in_place(data.., &mut g)` twin too, for when its adjoint shares the result's
    /// slot (`emit/share.rs`).
    Place(&'static str),
    /// A data argument (an exponent `n`, an `Axis`, labels): passed through, never differentiated.
    Data,
}

impl Arg {
    /// Whether the argument is differentiated.
    pub fn is_diff(self) -> bool {
        !matches!(self, Data)
    }

    /// Whether the VJP is called with the rule's arguments (`Diff` and `Reuse`).
    pub fn reads_args(self) -> bool {
        matches!(self, Diff(_) | Reuse(_))
    }

    /// Whether the VJP is called with the rule's output `y` (`Output`).
    pub fn reads_output(self) -> bool {
        matches!(self, Output(_))
    }

    /// Whether the VJP may take the cotangent by value (and reuse its buffer).
    pub fn reuses_cotangent(self) -> bool {
        matches!(self, Reuse(_) | Output(_) | Shape(_) | Place(_))
    }

    /// Whether the VJP is called with the rule's data arguments (`Shape`, `Place`).
    pub fn reads_data(self) -> bool {
        matches!(self, Shape(_) | Place(_))
    }
}

/// A derivative rule.
#[derive(Debug)]
pub struct Rule {
    pub syntax: Syntax,
    pub name: &'static str,
    pub forward: &'static str,
    /// The forward (for a fused rule, its saving forward) also takes its first argument, a
    /// differentiable one, by value (the runtime's `Operand`, `LeftOperand`, `Logits`) and
    /// then writes its result into that argument's buffer (where it has the result's shape).
    pub in_place: bool,
    /// The VJP of the first argument returns a part of its adjoint (an element, a row) that
    /// is added into it in place; the first one makes the zeros (`adjoint_from`).
    pub sparse: bool,
    /// A write: its first argument is the array written into, which the general sweep
    /// hands over by value at its last reader (`emit/consume.rs`).
    pub overwrites: bool,
    /// Its result borrows its first argument's data (a view of a struct parameter's field):
    /// never taken by value; a pullback, which keeps its values, calls `{forward}_owned`, and
    /// a differentiated callee receives `{forward}_ref(args..)`, the borrowed data itself.
    pub borrows: bool,
    /// A part read (`row`, `column`, `slice`) that has a `{forward}_view` twin: applied to a
    /// parameter's view (or to such a part), it returns a view with the parameter's lifetime
    /// instead of a copy, where `emit/views.rs` finds the part stays one value of the body.
    pub views: bool,
    pub args: &'static [Arg],
    /// A fused pair, used where the value needs a gradient: a forward that also returns what
    /// the VJP needs (computed in the same pass), and the VJP of the one differentiable
    /// argument from that alone: `saving(args..) -> (y, saved)`, `saved_vjp(saved, &g)`.
    pub saving: Option<(&'static str, &'static str)>,
}

use Arg::{Data, Diff, Output, Place, Reuse, Shape};
use Syntax::{Function, Method, Operator};

macro_rules! rules {
    ($($syntax:ident $name:literal => $forward:literal $($flag:ident)* ($($arg:expr),*)
        $(saving $saving:literal => $saved_vjp:literal)?;)*) => {
        /// Every rule, in one table.
        pub const RULES: &[Rule] = &[$(Rule {
            syntax: $syntax,
            name: $name,
            forward: $forward,
            in_place: rules!(@has in_place $($flag)*),
            sparse: rules!(@has sparse $($flag)*),
            overwrites: rules!(@has overwrites $($flag)*),
            borrows: rules!(@has borrows $($flag)*),
            views: rules!(@has views $($flag)*),
            args: &[$($arg),*],
            saving: rules!(@saving $($saving => $saved_vjp)?),
        }),*];
    };
    (@has $want:ident) => { false };
    (@has in_place in_place $($rest:ident)*) => { true };
    (@has sparse sparse $($rest:ident)*) => { true };
    (@has overwrites overwrites $($rest:ident)*) => { true };
    (@has borrows borrows $($rest:ident)*) => { true };
    (@has views views $($rest:ident)*) => { true };
    (@has $want:ident $other:ident $($rest:ident)*) => { rules!(@has $want $($rest)*) };
    (@saving) => { None };
    (@saving $saving:literal => $saved_vjp:literal) => { Some(($saving, $saved_vjp)) };
}

rules! {
    // y = a ± b: da += g, db += ±g, each summed to its operand's shape.
    Operator "+" => "add" in_place (Shape("sum_to"), Shape("sum_to"));
    Operator "-" => "sub" in_place (Shape("sum_to"), Shape("neg_sum_to"));
    Operator "*" => "mul" in_place (Reuse("mul_vjp_lhs"), Reuse("mul_vjp_rhs"));
    Operator "/" => "div" in_place (Reuse("div_vjp_lhs"), Reuse("div_vjp_rhs"));
    Operator "neg" => "neg" in_place (Output("neg_vjp"));
    // y = a * a (one value times itself, `&d * &d`): da += 2 g a, one pass instead of the two
    // products of `*` and their sum.
    Operator "square" => "square" in_place (Reuse("square_vjp"));
    // y = x[i]; dx[i] += g. Reads only x's shape: a write after the read may still take x.
    Operator "[]" => "index" sparse (Shape("index_vjp"), Data);
    // y = m.path (a field of a struct parameter, `field_path` the data argument); the
    // gradient struct's field at the path += g, the struct made of zeros on first use.
    Operator "." => "field" sparse borrows (Reuse("field_vjp"), Data);
    // y = a with y[i] = v (a[i] = v): da += g with g[i] = 0, dv += g[i]; the old array's
    // buffer holds y where the generated code is done with it.
    Operator "[]=" => "index_set" in_place overwrites (Place("index_set_vjp_array"), Data, Place("index_set_vjp_value"));
    // y = a with y[s] = e broadcast (a.slice_mut(s).assign(&e)): da += g with g[s] = 0,
    // de += g[s] summed to e's shape.
    Operator "[..]=" => "slice_set" in_place overwrites (Place("slice_set_vjp_array"), Data, Shape("slice_set_vjp_value"));
    Method "ln" => "ln" in_place (Reuse("ln_vjp"));
    Method "exp" => "exp" in_place (Output("exp_vjp"));
    // Fused: the forward evaluates sin and cos together (one `sincos`), and the VJP reads
    // the other one: no trigonometric function in the reverse sweep.
    Method "sin" => "sin" in_place (Reuse("sin_vjp")) saving "sin_saving" => "sin_saved_vjp";
    Method "cos" => "cos" in_place (Reuse("cos_vjp")) saving "cos_saving" => "cos_saved_vjp";
    Method "tan" => "tan" in_place (Output("tan_vjp"));
    Method "tanh" => "tanh" in_place (Output("tanh_vjp"));
    Method "sqrt" => "sqrt" in_place (Output("sqrt_vjp"));
    Method "abs" => "abs" in_place (Reuse("abs_vjp"));
    Method "ln_1p" => "ln_1p" in_place (Reuse("ln_1p_vjp"));
    Method "exp_m1" => "exp_m1" in_place (Output("exp_m1_vjp"));
    Method "log2" => "log2" in_place (Reuse("log2_vjp"));
    Method "log10" => "log10" in_place (Reuse("log10_vjp"));
    Method "recip" => "recip" in_place (Output("recip_vjp"));
    Method "sinh" => "sinh" in_place (Reuse("sinh_vjp"));
    Method "cosh" => "cosh" in_place (Reuse("cosh_vjp"));
    Method "asin" => "asin" in_place (Reuse("asin_vjp"));
    Method "acos" => "acos" in_place (Reuse("acos_vjp"));
    Method "atan" => "atan" in_place (Reuse("atan_vjp"));
    Method "cbrt" => "cbrt" in_place (Output("cbrt_vjp"));
    Method "powi" => "powi" in_place (Reuse("powi_vjp"), Data);
    Method "powf" => "powf" in_place (Reuse("powf_vjp_base"), Reuse("powf_vjp_exp"));
    // Scalars only; the returned operand of max/min gets g (`a` at a tie).
    Method "max" => "max" (Diff("max_vjp_lhs"), Diff("max_vjp_rhs"));
    Method "min" => "min" (Diff("min_vjp_lhs"), Diff("min_vjp_rhs"));
    Method "atan2" => "atan2" (Diff("atan2_vjp_lhs"), Diff("atan2_vjp_rhs"));
    Method "hypot" => "hypot" (Diff("hypot_vjp_lhs"), Diff("hypot_vjp_rhs"));
    Method "dot" => "dot" (Diff("dot_vjp_lhs"), Diff("dot_vjp_rhs"));
    Method "t" => "t" (Output("t_vjp"));
    Method "to_owned" => "to_owned" in_place (Output("to_owned_vjp"));
    Method "clone" => "to_owned" in_place (Output("to_owned_vjp"));
    Method "sum" => "sum" (Shape("sum_vjp"));
    Method "mean" => "mean" (Shape("mean_vjp"));
    Method "sum_axis" => "sum_axis" (Shape("sum_axis_vjp"), Data);
    // y = x.slice(s); dx[s] += g, added into the adjoint in place. Reads only x's shape.
    Method "slice" => "slice" sparse views (Shape("slice_vjp"), Data);
    // y = x.row(i) (x.column(j)); dx.row(i) += g, added into the adjoint in place. Reads
    // only x's shape.
    Method "row" => "row" sparse views (Shape("row_vjp"), Data);
    Method "column" => "column" sparse views (Shape("column_vjp"), Data);
    Function "sigmoid" => "sigmoid" in_place (Output("sigmoid_vjp"));
    Function "relu" => "relu" in_place (Output("relu_vjp"));
    Function "softmax" => "softmax" (Output("softmax_vjp"));
    Function "log_softmax" => "log_softmax" (Output("log_softmax_vjp"));
    // Fused: softmax(z) - e_y comes from the forward pass's own `exp`s (in the logits' buffer
    // where they die there).
    Function "cross_entropy" => "cross_entropy" in_place (Diff("cross_entropy_vjp"), Data)
        saving "cross_entropy_saving" => "cross_entropy_saved_vjp";
    Function "matmul" => "matmul" (Diff("matmul_vjp_lhs"), Diff("matmul_vjp_rhs"));
    // y = v everywhere (Array1::from_elem(n, v)); dv += Σ g.
    Function "from_elem" => "from_elem" (Data, Diff("from_elem_vjp"));
    // y = ln Σ exp(x), max-shifted; dx += g softmax(x) over all elements. Fused: the softmax
    // comes from the forward pass's own `exp`s.
    Function "logsumexp" => "logsumexp" (Diff("logsumexp_vjp"))
        saving "logsumexp_saving" => "logsumexp_saved_vjp";
    // y_l = ln Σ_k exp(x_lk) per lane along an axis; dx_lk += g_l softmax(x_l)_k. Fused: the
    // softmaxes come from the forward pass's own `exp`s.
    Function "logsumexp_axis" => "logsumexp_axis" (Diff("logsumexp_axis_vjp"), Data)
        saving "logsumexp_axis_saving" => "logsumexp_axis_saved_vjp";
}

/// Methods that read a shape: allowed on any value, their results are data.
pub const SHAPE_METHODS: &[&str] = &["len", "nrows", "ncols", "shape", "dim", "ndim", "is_empty"];

/// Whether a call's path makes a new float array from data: `Array1::zeros(n)`,
/// `Array2::<f64>::ones((r, c))` (data until a write puts a differentiable value into it).
pub fn is_array_constructor(path: &syn::Path) -> bool {
    let mut segments = path.segments.iter().rev();
    let name = segments.next().map(|s| s.ident.to_string());
    let owner = segments.next();
    matches!(name.as_deref(), Some("zeros" | "ones"))
        && owner.is_some_and(|o| o.ident.to_string().starts_with("Array"))
}

/// The rule written as `name` with this syntax.
pub fn find(syntax: Syntax, name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.syntax == syntax && r.name == name)
}

/// The names written with `syntax`, for error messages.
pub fn names(syntax: Syntax) -> String {
    let names: Vec<String> = RULES
        .iter()
        .filter(|r| r.syntax == syntax)
        .map(|r| match syntax {
            Syntax::Method if r.name == "mean" => "`.mean().unwrap()`".to_string(),
            Syntax::Method => format!("`.{}()`", r.name),
            _ => format!("`{}`", r.name),
        })
        .collect();
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A saved value is moved into the VJP: a fused rule has one differentiable argument.
    #[test]
    fn fused_rules_have_one_differentiable_argument() {
        for rule in RULES.iter().filter(|r| r.saving.is_some()) {
            let diff = rule.args.iter().filter(|a| a.is_diff()).count();
            assert_eq!(diff, 1, "{}", rule.name);
        }
    }

    /// An `in_place` forward consumes its first argument, a differentiable one.
    #[test]
    fn in_place_rules_consume_a_differentiable_first_argument() {
        for rule in RULES.iter().filter(|r| r.in_place) {
            assert!(rule.args[0].is_diff(), "{}", rule.name);
        }
    }
}
