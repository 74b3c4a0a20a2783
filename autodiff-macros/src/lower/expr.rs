//! Expressions: each operation becomes one node; data (integers, bools, shapes) stays native
//! Rust computed from earlier bindings.
use super::kinds::DataKind;
use super::{Flow, Lowerer};
use crate::ir::{Def, ValueId};
use crate::rules::{self, Rule, Syntax};
use crate::signature::Kind;
use proc_macro2::{Span, TokenStream, TokenTree};
use quote::{ToTokens, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{BinOp, Expr, Ident, Lit, UnOp};

const SUPPORTED: &str = "#[differentiate] bodies support `let` (also of a tuple of expressions), `let mut` with `=`/`+=`/`-=`/`*=`/`/=`, arithmetic, \
                         the listed methods and functions, `if`/`else`, `match` on data, `for i in a..b`, `while`, `loop`, `break`/`continue` (also labeled), indexing, \
                         calls to other #[differentiate] functions, and a final expression or `return` (anywhere)";

impl Lowerer<'_> {
    /// An inactive value computed by `tokens` from the bindings of `deps`, with no effect.
    pub(super) fn expr(
        &mut self,
        tokens: TokenStream,
        deps: Vec<ValueId>,
        span: Span,
        float: bool,
    ) -> ValueId {
        // From data (a constant, a call, a merge, an expression of them), not from what a float
        // value has besides its value (`x.len()`, `a > 0.5` are known data).
        let kind = DataKind::of(
            deps.iter()
                .filter(|&&d| !self.nodes[d].float)
                .map(|&d| self.data_kinds[d]),
        );
        let pure = true;
        let v = self.push(Def::Expr { tokens, deps, pure }, span, float, false);
        self.data_kinds[v] = kind;
        v
    }

    /// An inactive value from tokens that may do more than compute it (a call): never
    /// evaluated twice.
    pub(super) fn opaque_expr(
        &mut self,
        tokens: TokenStream,
        deps: Vec<ValueId>,
        span: Span,
    ) -> ValueId {
        let pure = false;
        let v = self.push(Def::Expr { tokens, deps, pure }, span, false, false);
        self.opaque[v] = true;
        self.data_kinds[v] = DataKind::Unknown;
        v
    }

    /// A literal index (typed `usize`, so one binding serves every read), bound once per region.
    fn literal_index(&mut self, tokens: TokenStream, span: Span) -> ValueId {
        let key = (tokens.to_string(), self.region);
        if let Some(&v) = self.indices.get(&key) {
            return v;
        }
        let v = self.expr(tokens, vec![], span, false);
        self.indices.insert(key, v);
        v
    }

    pub(super) fn op(&mut self, rule: &'static Rule, args: Vec<ValueId>, span: Span) -> ValueId {
        let key = (rule.forward, args.clone(), self.region);
        if let Some(&v) = self.applied.get(&key) {
            return v;
        }
        let v = self.new_op(rule, args, span);
        self.applied.insert(key, v);
        v
    }

    fn new_op(&mut self, rule: &'static Rule, args: Vec<ValueId>, span: Span) -> ValueId {
        // `x * &w` with `w` data: the operand is `w` (the op borrows it itself).
        let args: Vec<ValueId> = args
            .into_iter()
            .zip(rule.args)
            .map(|(a, arg)| match (arg.is_diff(), self.borrowed[a]) {
                (true, Some(data)) => data,
                _ => a,
            })
            .collect();
        let active = args
            .iter()
            .zip(rule.args)
            .any(|(&a, arg)| arg.is_diff() && self.maybe_active[a]);
        self.push(Def::Op { rule, args }, span, true, active)
    }

    /// An expression statement: an assignment to a `let mut` name, or a value that is dropped.
    pub(super) fn statement(&mut self, e: &Expr) -> Flow {
        match e {
            Expr::Assign(a) if matches!(strip_parens(&a.left), Expr::Index(_)) => {
                self.write_index(&a.left, &a.right, None)
            }
            Expr::Binary(b)
                if compound(&b.op).is_some() && matches!(strip_parens(&b.left), Expr::Index(_)) =>
            {
                self.write_index(&b.left, &b.right, Some(b))
            }
            Expr::MethodCall(m) if m.method == "assign" => self.write_slice(m),
            Expr::Assign(a) => {
                let Some(v) = self.value(&a.right) else {
                    return Flow::Failed;
                };
                self.assign(&a.left, v)
            }
            Expr::Binary(b) if compound(&b.op).is_some() => {
                let (Some(lhs), Some(rhs)) = (self.value(&b.left), self.value(&b.right)) else {
                    return Flow::Failed;
                };
                let Some(op) = compound(&b.op) else {
                    return Flow::Failed;
                };
                match self.binary(op, lhs, rhs, b) {
                    Some(v) => self.assign(&b.left, v),
                    None => Flow::Failed,
                }
            }
            Expr::If(i) => self.if_flow(i, &[]),
            Expr::ForLoop(f) => self.for_loop(f),
            Expr::While(w) => self.while_loop(w),
            other => match self.value(other) {
                Some(_) => Flow::Unit,
                None => Flow::Failed,
            },
        }
    }

    fn assign(&mut self, target: &Expr, value: ValueId) -> Flow {
        let Some(name) = plain_ident(target) else {
            self.errors.at(
                target,
                "#[differentiate] bodies can only assign to a local `let mut` name (no indexing, fields or `*` targets: values are never mutated in place)",
            );
            return Flow::Failed;
        };
        if self.current(name).is_none() {
            self.errors.at(
                target,
                format!("cannot assign to `{name}`: it is not a local variable or parameter"),
            );
            return Flow::Failed;
        }
        self.set(name, value);
        Flow::Unit
    }

    /// Lowers an expression to the value it computes.
    pub(super) fn value(&mut self, e: &Expr) -> Option<ValueId> {
        let span = e.span();
        match e {
            Expr::Paren(p) => self.value(&p.expr),
            Expr::Group(g) => self.value(&g.expr),
            Expr::Lit(l) => match &l.lit {
                Lit::Float(f) => {
                    let tokens = crate::generic::float_literal(f, false, self.sig.float_params.first());
                    Some(self.expr(tokens, vec![], span, true))
                }
                Lit::Int(_) | Lit::Bool(_) | Lit::Char(_) => {
                    Some(self.expr(l.to_token_stream(), vec![], span, false))
                }
                other => self.fail(
                    other,
                    "only numeric, `bool` and `char` literals are supported in #[differentiate] bodies",
                ),
            },
            Expr::Path(p) => {
                if let Some(name) = plain_ident(e) {
                    if let Some(alias) = self.aliases.get(&name.to_string()) {
                        let alias = alias.clone();
                        return self.field_read(alias, e);
                    }
                    if let Some(v) = self.current(name) {
                        if matches!(self.chain(e), super::fields::Found::Chain(c) if !c.data) {
                            return self.struct_as_value(e);
                        }
                        return Some(v);
                    }
                }
                // A constant (`PI`, `f64::EPSILON`): data, never differentiated, of unknown
                // kind; it looks like a float where its path says `f32`/`f64`. In the twin of
                // an `f64`/`f32` function, a `const` (named in upper case) is in the twin's
                // float type where it is a float (`twin_calls.rs`).
                // (A path through `f64`/`f32` is the twin's rewrite's already: `lit::<T>(..)`.)
                let float = p.path.segments.iter().any(|s| s.ident == "f64" || s.ident == "f32");
                let tokens = match self.twin_stands_for() {
                    Some((t, _)) if !float && names_const(&p.path) => {
                        quote!(::autodiff::__private::twin_data::<#t, _>(#p))
                    }
                    _ => p.to_token_stream(),
                };
                let v = self.expr(tokens, vec![], span, false);
                self.opaque[v] = true;
                self.data_kinds[v] = match float {
                    true => DataKind::Float,
                    false => DataKind::Unknown,
                };
                Some(v)
            }
            Expr::Reference(r) => {
                if let Some(m) = &r.mutability {
                    return self.fail(
                        m,
                        "`&mut` is not supported in #[differentiate] bodies: values are never mutated through references",
                    );
                }
                let v = self.value(&r.expr)?;
                if self.nodes[v].float {
                    Some(v)
                } else {
                    let t = self.tokens(v);
                    let r = self.expr(quote!(&#t), vec![v], span, false);
                    self.borrowed[r] = Some(v);
                    Some(r)
                }
            }
            Expr::Unary(u) => self.unary(u),
            Expr::Binary(b) => {
                if compound(&b.op).is_some() {
                    return self.fail(
                        b,
                        "compound assignment is a statement: write `x += ..;` on its own line",
                    );
                }
                // A comparison's operands are data where they are fields (`self.relu`,
                // `self.kind == Kind::A`): its result is data whatever they are.
                let compares = matches!(
                    b.op,
                    BinOp::Eq(_) | BinOp::Ne(_) | BinOp::Lt(_) | BinOp::Le(_) | BinOp::Gt(_)
                        | BinOp::Ge(_) | BinOp::And(_) | BinOp::Or(_)
                );
                let (lhs, rhs) = match compares {
                    true => (self.data_value(&b.left), self.data_value(&b.right)),
                    false => self.arithmetic_operands(&b.left, &b.right),
                };
                let op = b.op.to_token_stream().to_string();
                self.binary(&op, lhs?, rhs?, b)
            }
            Expr::Cast(c) => {
                let v = self.data_value(&c.expr)?;
                if self.maybe_active[v] {
                    return self.fail(c, "`as` casts of differentiable values are not supported; cast data (integers) only");
                }
                let t = self.tokens(v);
                let ty = &c.ty;
                let float = crate::signature::classify(ty) == Kind::Scalar;
                Some(self.expr(quote!(#t as #ty), vec![v], span, float))
            }
            Expr::MethodCall(m) => self.method(m),
            Expr::Call(c) => self.call(c),
            Expr::Field(_) | Expr::Index(_) => match self.chain(e) {
                super::fields::Found::Chain(c) => self.field_read(c, e),
                super::fields::Found::Failed => None,
                super::fields::Found::No => match e {
                    Expr::Index(i) => self.index(i),
                    other => self.fail(other, unsupported(other)),
                },
            },
            Expr::Array(a) => {
                let mut elems = Vec::new();
                let mut deps = Vec::new();
                for el in &a.elems {
                    let v = self.data_value(el)?;
                    if self.maybe_active[v] {
                        return self.fail(el, "array literals of differentiable values are not supported; use them for indices only");
                    }
                    elems.push(self.tokens(v));
                    deps.push(v);
                }
                Some(self.expr(quote!([#(#elems),*]), deps, span, false))
            }
            Expr::If(i) => match self.if_flow(i, &[]) {
                Flow::Value(v) => Some(v),
                Flow::Failed => None,
                _ => self.fail(
                    i,
                    "an `if` used as a value needs an `else` branch and a value in each branch",
                ),
            },
            Expr::Match(m) => {
                let chain = self.match_as_if(m)?;
                self.value(&chain)
            }
            // A tuple of data: a shape `(r, c)`.
            Expr::Tuple(t) => {
                let mut elems = Vec::new();
                let mut deps = Vec::new();
                for el in &t.elems {
                    let v = self.value(el)?;
                    if self.nodes[v].float {
                        return self.fail(el, "tuples of float values are not supported in #[differentiate] bodies; tuples of integers (shapes) are");
                    }
                    elems.push(self.tokens(v));
                    deps.push(v);
                }
                Some(self.expr(quote!((#(#elems,)*)), deps, span, false))
            }
            Expr::Block(b) if b.label.is_none() => {
                self.push_scope();
                let flow = self.seq(&[&b.block.stmts]);
                self.pop_scope();
                match flow {
                    Flow::Value(v) => Some(v),
                    Flow::Failed => None,
                    _ => self.fail(b, "this block must end with a value"),
                }
            }
            other => self.fail(other, unsupported(other)),
        }
    }

    fn unary(&mut self, u: &syn::ExprUnary) -> Option<ValueId> {
        let span = u.span();
        if let (UnOp::Neg(_), Expr::Lit(l)) = (&u.op, strip_parens(&u.expr)) {
            // `-0.5` stays a literal, so rustc infers its type from its use.
            if let Lit::Float(f) = &l.lit {
                let tokens = crate::generic::float_literal(f, true, self.sig.float_params.first());
                return Some(self.expr(tokens, vec![], span, true));
            }
            return Some(self.expr(quote!(-#l), vec![], span, false));
        }
        // `!m.on`: a field read as data.
        let v = match u.op {
            UnOp::Not(_) => self.data_value(&u.expr)?,
            _ => self.value(&u.expr)?,
        };
        let t = self.tokens(v);
        let float = self.nodes[v].float;
        match u.op {
            UnOp::Neg(_) if float => Some(self.op(rule(Syntax::Operator, "neg"), vec![v], span)),
            UnOp::Neg(_) => Some(self.expr(quote!(-#t), vec![v], span, false)),
            UnOp::Deref(_) if float => Some(v),
            UnOp::Deref(_) => Some(self.expr(quote!(*#t), vec![v], span, false)),
            UnOp::Not(_) if self.maybe_active[v] => {
                self.fail(u, "`!` cannot be applied to a differentiable value")
            }
            _ => Some(self.expr(quote!(!#t), vec![v], span, false)),
        }
    }

    /// `a OP b`: a rule if either side is a float value, native arithmetic on data otherwise.
    pub(super) fn binary(
        &mut self,
        op: &str,
        lhs: ValueId,
        rhs: ValueId,
        node: &syn::ExprBinary,
    ) -> Option<ValueId> {
        let span = node.span();
        let float = self.nodes[lhs].float || self.nodes[rhs].float;
        let active = self.maybe_active[lhs] || self.maybe_active[rhs];
        let comparison = matches!(op, "<" | "<=" | ">" | ">=" | "==" | "!=");
        match rules::find(Syntax::Operator, op) {
            // A value times itself: one rule, whose VJP makes one pass.
            Some(_) if float && op == "*" && lhs == rhs => {
                Some(self.op(rule(Syntax::Operator, "square"), vec![lhs], span))
            }
            Some(rule) if float => Some(self.op(rule, vec![lhs, rhs], span)),
            _ if active && !comparison => {
                self.errors.at(
                    node,
                    format!("`{op}` is not differentiable; the differentiable operators are `+`, `-`, `*`, `/` and unary `-`"),
                );
                None
            }
            _ => {
                let (a, b) = (self.tokens(lhs), self.tokens(rhs));
                let op: TokenStream = syn::parse_str::<BinOp>(op).ok()?.to_token_stream();
                // Comparisons give `bool` (never differentiated); arithmetic on data stays data.
                Some(self.expr(
                    quote_spanned!(span=> #a #op #b),
                    vec![lhs, rhs],
                    span,
                    false,
                ))
            }
        }
    }

    fn method(&mut self, m: &syn::ExprMethodCall) -> Option<ValueId> {
        let span = m.span();
        let name = m.method.to_string();
        if let Some(t) = &m.turbofish {
            return self.fail(
                t,
                "turbofish (`::<..>`) is not supported on methods in #[differentiate] bodies",
            );
        }
        if name == "unwrap" && m.args.is_empty() {
            if let Expr::MethodCall(inner) = strip_parens(&m.receiver)
                && inner.method == "mean"
                && inner.args.is_empty()
            {
                let x = self.value(&inner.receiver)?;
                return Some(self.op(rule(Syntax::Method, "mean"), vec![x], span));
            }
            return self.fail(
                &m.method,
                "`.unwrap()` is only accepted right after `.mean()` in #[differentiate] bodies",
            );
        }
        if name == "mean" {
            return self.fail(
                &m.method,
                "`.mean()` returns an `Option` as in ndarray: write `.mean().unwrap()`",
            );
        }
        if rules::SHAPE_METHODS.contains(&name.as_str()) && m.args.is_empty() {
            match self.chain(&m.receiver) {
                super::fields::Found::Chain(c) => {
                    let method = &m.method;
                    return Some(self.field_data(c, quote!(.#method()), span));
                }
                super::fields::Found::Failed => return None,
                super::fields::Found::No => {}
            }
        }
        let recv = self.value(&m.receiver)?;
        if name == "view" && m.args.is_empty() && self.nodes[recv].float {
            return Some(recv);
        }
        if rules::SHAPE_METHODS.contains(&name.as_str()) && m.args.is_empty() {
            let t = self.tokens(recv);
            let method = &m.method;
            return Some(self.expr(quote!(#t.#method()), vec![recv], span, false));
        }
        let Some(rule) = rules::find(Syntax::Method, &name) else {
            return self.fail(
                &m.method,
                format!(
                    "`.{name}()` is not supported in #[differentiate] bodies; the supported methods are {}, and the shape reads `.len()`, `.nrows()`, `.ncols()`, `.shape()`",
                    rules::names(Syntax::Method)
                ),
            );
        };
        if m.args.len() + 1 != rule.args.len() {
            return self.fail(
                m,
                format!("`.{name}()` takes {} argument(s)", rule.args.len() - 1),
            );
        }
        let mut args = vec![recv];
        for a in &m.args {
            let v = match a {
                Expr::Macro(mac) if name == "slice" => self.slice_info(mac)?,
                _ => self.value(a)?,
            };
            args.push(v);
        }
        // `n.max(1)`, `k.abs()` on integers: data, computed as written.
        if args.iter().all(|&a| !self.nodes[a].float) {
            let (recv, method) = (self.tokens(recv), &m.method);
            let rest: Vec<TokenStream> = args[1..].iter().map(|&a| self.tokens(a)).collect();
            return Some(self.expr(quote!(#recv.#method(#(#rest),*)), args, span, false));
        }
        Some(self.op(rule, args, span))
    }

    /// `s![a..b, k]` inside `.slice(..)`: data, with the names it mentions resolved.
    pub(super) fn slice_info(&mut self, mac: &syn::ExprMacro) -> Option<ValueId> {
        if !mac.mac.path.is_ident("s") {
            return self.fail(
                &mac.mac,
                "`.slice(..)` takes ndarray's `s![..]` in #[differentiate] bodies",
            );
        }
        let tokens = self.resolve_names(mac.mac.tokens.clone());
        let path = &mac.mac.path;
        Some(self.opaque_expr(quote!(#path![#tokens]), vec![], mac.span()))
    }

    /// Replaces the names of locals in `tokens` with their bindings.
    fn resolve_names(&mut self, tokens: TokenStream) -> TokenStream {
        tokens
            .into_iter()
            .map(|tt| match tt {
                TokenTree::Ident(ident) => match self.current(&ident) {
                    Some(v) => self.tokens(v),
                    None => match self.alias_tokens(&ident.to_string()) {
                        Some((tokens, _)) => tokens,
                        None => TokenTree::Ident(ident).into(),
                    },
                },
                TokenTree::Group(g) => {
                    let inner = self.resolve_names(g.stream());
                    let mut group = proc_macro2::Group::new(g.delimiter(), inner);
                    group.set_span(g.span());
                    TokenTree::Group(group).into()
                }
                other => other.into(),
            })
            .collect()
    }

    /// An index as data: a literal (typed `usize`), an array of literals, or a value.
    pub(super) fn index_arg(&mut self, index: &Expr) -> Option<ValueId> {
        Some(match strip_parens(index) {
            // Literal indices are `usize` (rustc may not know the array's type yet).
            Expr::Lit(syn::ExprLit {
                lit: Lit::Int(n), ..
            }) => self.literal_index(usize_literal(n), index.span()),
            Expr::Array(a)
                if a.elems.iter().all(|e| {
                    matches!(
                        e,
                        Expr::Lit(syn::ExprLit {
                            lit: Lit::Int(_),
                            ..
                        })
                    )
                }) =>
            {
                let elems = a.elems.iter().filter_map(|e| match e {
                    Expr::Lit(syn::ExprLit {
                        lit: Lit::Int(n), ..
                    }) => Some(usize_literal(n)),
                    _ => None,
                });
                self.literal_index(quote!([#(#elems),*]), index.span())
            }
            other => self.data_value(other)?,
        })
    }

    fn index(&mut self, i: &syn::ExprIndex) -> Option<ValueId> {
        let base = self.value(&i.expr)?;
        let idx = self.index_arg(&i.index)?;
        if self.maybe_active[idx] {
            return self.fail(
                &i.index,
                "an index must be data (an integer), not a differentiable value",
            );
        }
        if self.nodes[base].float {
            return Some(self.op(rule(Syntax::Operator, "[]"), vec![base, idx], i.span()));
        }
        let (b, x) = (self.tokens(base), self.tokens(idx));
        Some(self.expr(quote!(#b[#x]), vec![base, idx], i.span(), false))
    }
}

/// An integer literal with the `usize` suffix.
fn usize_literal(n: &syn::LitInt) -> TokenStream {
    let lit = syn::LitInt::new(&format!("{}usize", n.base10_digits()), n.span());
    quote!(#lit)
}

pub(super) fn rule(syntax: Syntax, name: &str) -> &'static Rule {
    match rules::find(syntax, name) {
        Some(r) => r,
        None => unreachable!("the rule table has no {name}"),
    }
}

pub(super) fn strip_parens(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => strip_parens(&p.expr),
        Expr::Group(g) => strip_parens(&g.expr),
        _ => e,
    }
}

/// `x` as a plain, unqualified name.
pub(super) fn plain_ident(e: &Expr) -> Option<&Ident> {
    match strip_parens(e) {
        Expr::Path(p) if p.qself.is_none() && p.attrs.is_empty() => p.path.get_ident(),
        _ => None,
    }
}

/// The operator of a compound assignment (`+=` -> `+`).
pub(super) fn compound(op: &BinOp) -> Option<&'static str> {
    match op {
        BinOp::AddAssign(_) => Some("+"),
        BinOp::SubAssign(_) => Some("-"),
        BinOp::MulAssign(_) => Some("*"),
        BinOp::DivAssign(_) => Some("/"),
        _ => None,
    }
}

/// The message for a construct outside the supported syntax.
fn unsupported(e: &Expr) -> String {
    let what = match e {
        Expr::Loop(_) => "a `loop` used as a value (`break` with a value) is not supported in #[differentiate] bodies; assign the value to a `let mut` before the loop and `break;`".to_string(),
        Expr::Closure(_) => "closures are not supported in #[differentiate] bodies".to_string(),
        Expr::Macro(_) => "macros are not supported in #[differentiate] bodies (only `s![..]` inside `.slice(..)`)".to_string(),
        Expr::Try(_) => "the `?` operator is not supported in #[differentiate] bodies".to_string(),
        Expr::Field(_) => "field access is supported on struct parameters only (`m.w` where `m: &Mlp` and `Mlp` derives `Differentiable`)".to_string(),
        Expr::Unsafe(_) => "`unsafe` blocks are not supported in #[differentiate] bodies".to_string(),
        Expr::Async(_) | Expr::Await(_) => "`async` code is not supported in #[differentiate] bodies".to_string(),
        Expr::Range(_) => "ranges are only supported as the iterator of a `for` loop".to_string(),
        Expr::Struct(_) => "struct literals are not supported in #[differentiate] bodies".to_string(),
        Expr::Assign(_) => "assignments inside expressions are not supported; assign in a statement".to_string(),
        Expr::Break(_) | Expr::Continue(_) | Expr::Return(_) => {
            "`break`, `continue` and `return` must be statements ending a block".to_string()
        }
        Expr::ForLoop(_) | Expr::While(_) => "loops are statements, not values".to_string(),
        Expr::Let(_) => "`let` expressions (`if let`, `while let`) are not supported".to_string(),
        Expr::Block(_) => "labeled blocks are not supported".to_string(),
        Expr::Repeat(_) => "array literals are not supported".to_string(),
        _ => "this expression is not supported in #[differentiate] bodies".to_string(),
    };
    format!("{what}; {SUPPORTED}")
}

/// Whether a path names a `const` by Rust's naming convention (`SCALE`, `consts::PI`): not an
/// enum's value or an associated item (`Norm::L2`, after a type's `UpperCamelCase` name).
fn names_const(path: &syn::Path) -> bool {
    let n = path.segments.len();
    let after_type = n > 1
        && path.segments[n - 2]
            .ident
            .to_string()
            .starts_with(|c: char| c.is_ascii_uppercase());
    !after_type
        && path.segments.last().is_some_and(|s| {
            let name = s.ident.to_string();
            name.chars().any(|c| c.is_ascii_uppercase())
                && name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        })
}
