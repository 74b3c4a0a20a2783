//! syn body -> SSA tape: nested expressions flattened into one node per operation, names
//! resolved with shadowing and `let mut` reassignment (each assignment is a new value).
use crate::emit::names::value_ident;
use crate::errors::Errors;
use crate::ir::{Def, Node, Tape, ValueId};
use crate::rules::{self, Arg, Rule, Syntax};
use crate::signature::{Kind, Signature};
use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned, ToTokens};
use syn::spanned::Spanned;
use syn::{BinOp, Block, Expr, Ident, Lit, Local, Pat, Stmt, UnOp};

/// A name in scope and the value it currently holds.
struct Binding {
    name: Ident,
    value: ValueId,
}

struct Lowerer<'a> {
    sig: &'a Signature,
    nodes: Vec<Node>,
    scopes: Vec<Vec<Binding>>,
    errors: &'a mut Errors,
}

const SUPPORTED: &str = "#[differentiate] bodies support `let`, `let mut` with `=`/`+=`/`-=`/`*=`/`/=`, \
                         arithmetic, the listed methods and functions, and a final expression or `return`";

/// Lowers a function body. Returns `None` if an error was reported.
pub fn lower(block: &Block, sig: &Signature, errors: &mut Errors) -> Option<Tape> {
    let mut l = Lowerer {
        sig,
        nodes: Vec::new(),
        scopes: vec![Vec::new()],
        errors,
    };
    let params = l.bind_params();
    let output = l.block_value(&block.stmts, block.brace_token.span.close());
    output.map(|output| Tape {
        nodes: l.nodes,
        output,
        params,
    })
}

impl Lowerer<'_> {
    fn bind_params(&mut self) -> Vec<ValueId> {
        let sig = self.sig;
        sig.params
            .iter()
            .enumerate()
            .map(|(index, p)| {
                let (def, float) = match p.kind {
                    Kind::Data => (Def::DataParam { index }, false),
                    _ => (Def::Param { index }, true),
                };
                let id = self.push(def, p.ident.span(), float, p.active);
                self.bind(p.ident.clone(), id);
                id
            })
            .collect()
    }

    fn push(&mut self, def: Def, span: Span, float: bool, active: bool) -> ValueId {
        self.nodes.push(Node {
            def,
            span,
            float,
            active,
        });
        self.nodes.len() - 1
    }

    fn bind(&mut self, name: Ident, value: ValueId) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.push(Binding { name, value });
        }
    }

    fn lookup(&mut self, name: &Ident) -> Option<&mut Binding> {
        self.scopes
            .iter_mut()
            .rev()
            .flat_map(|s| s.iter_mut().rev())
            .find(|b| b.name == *name)
    }

    /// The tokens that name a value in generated code.
    fn tokens(&self, id: ValueId) -> TokenStream {
        match self.nodes[id].def {
            Def::DataParam { index } => self.sig.params[index].ident.to_token_stream(),
            _ => value_ident(id).to_token_stream(),
        }
    }

    /// An inactive value computed by `tokens` from earlier bindings.
    fn expr(&mut self, tokens: TokenStream, span: Span, float: bool) -> ValueId {
        self.push(Def::Expr(tokens), span, float, false)
    }

    fn op(&mut self, rule: &'static Rule, args: Vec<ValueId>, span: Span) -> ValueId {
        let active = args
            .iter()
            .zip(rule.args)
            .any(|(&a, arg)| matches!(arg, Arg::Diff(_)) && self.nodes[a].active);
        self.push(Def::Op { rule, args }, span, true, active)
    }

    /// Statements of a block; the value of its final expression or trailing `return`.
    fn block_value(&mut self, stmts: &[Stmt], close: Span) -> Option<ValueId> {
        let mut result = None;
        for (i, stmt) in stmts.iter().enumerate() {
            let last = i + 1 == stmts.len();
            match stmt {
                Stmt::Local(local) => self.local(local),
                Stmt::Item(item) => self.errors.at(
                    item,
                    "items (`fn`, `use`, `struct`, ..) inside #[differentiate] bodies are not supported; move them outside the function",
                ),
                Stmt::Macro(m) => self.errors.at(
                    &m.mac,
                    "macros are not supported in #[differentiate] bodies; write the computation out",
                ),
                Stmt::Expr(Expr::Return(ret), _) => {
                    if !last {
                        self.errors.at(
                            ret,
                            "`return` must be the last statement of a #[differentiate] body (early return is not supported)",
                        );
                    }
                    match &ret.expr {
                        Some(e) => result = self.value(e),
                        None => self.errors.at(ret, "`return` needs a value in a #[differentiate] function"),
                    }
                }
                Stmt::Expr(e, None) if last => result = self.value(e),
                Stmt::Expr(e, _) => self.statement(e),
            }
        }
        if result.is_none()
            && !stmts
                .iter()
                .any(|s| matches!(s, Stmt::Expr(Expr::Return(_), _)))
        {
            self.errors
                .at_span(close, "a #[differentiate] body must end with the value to return (a final expression or `return e;`)");
        }
        result
    }

    fn local(&mut self, local: &Local) {
        let Some(init) = &local.init else {
            return self.errors.at(local, "`let` without a value is not supported in #[differentiate] bodies; write `let x = ..;`");
        };
        if let Some((_, diverge)) = &init.diverge {
            return self.errors.at(
                diverge,
                "`let .. else` is not supported in #[differentiate] bodies",
            );
        }
        let pat = match &local.pat {
            Pat::Type(t) => &*t.pat,
            p => p,
        };
        match pat {
            Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => {
                if let Some(v) = self.value(&init.expr) {
                    self.bind(pi.ident.clone(), v);
                }
            }
            Pat::Wild(_) => {
                self.value(&init.expr);
            }
            other => self.errors.at(
                other,
                "destructuring `let` patterns are not supported in #[differentiate] bodies; bind one name per `let`",
            ),
        }
    }

    /// An expression statement: an assignment to a `let mut` name, or a value that is dropped.
    fn statement(&mut self, e: &Expr) {
        match e {
            Expr::Assign(a) => {
                if let Some(v) = self.value(&a.right) {
                    self.assign(&a.left, v);
                }
            }
            Expr::Binary(b) if compound(&b.op).is_some() => {
                let (Some(lhs), Some(rhs)) = (self.value(&b.left), self.value(&b.right)) else {
                    return;
                };
                let Some(op) = compound(&b.op) else { return };
                if let Some(v) = self.binary(op, lhs, rhs, b.span()) {
                    self.assign(&b.left, v);
                }
            }
            other => {
                self.value(other);
            }
        }
    }

    fn assign(&mut self, target: &Expr, value: ValueId) {
        let Some(name) = plain_ident(target) else {
            return self.errors.at(
                target,
                "#[differentiate] bodies can only assign to a local `let mut` name (no indexing, fields or `*` targets)",
            );
        };
        match self.lookup(name) {
            Some(binding) => binding.value = value,
            None => self.errors.at(
                target,
                format!("cannot assign to `{name}`: it is not a local variable or parameter"),
            ),
        }
    }

    /// Lowers an expression to the value it computes.
    fn value(&mut self, e: &Expr) -> Option<ValueId> {
        let span = e.span();
        match e {
            Expr::Paren(p) => self.value(&p.expr),
            Expr::Group(g) => self.value(&g.expr),
            Expr::Lit(l) => match &l.lit {
                Lit::Float(_) => Some(self.expr(l.to_token_stream(), span, true)),
                Lit::Int(_) | Lit::Bool(_) => Some(self.expr(l.to_token_stream(), span, false)),
                other => self.fail(
                    other,
                    "only numeric and `bool` literals are supported in #[differentiate] bodies",
                ),
            },
            Expr::Path(p) => {
                if let Some(name) = plain_ident(e) {
                    if let Some(b) = self.lookup(name) {
                        return Some(b.value);
                    }
                }
                // A constant (`PI`, `f64::EPSILON`): data, never differentiated.
                Some(self.expr(p.to_token_stream(), span, false))
            }
            Expr::Reference(r) => {
                if let Some(m) = &r.mutability {
                    return self.fail(m, "`&mut` is not supported in #[differentiate] bodies: values are never mutated through references");
                }
                let v = self.value(&r.expr)?;
                if self.nodes[v].float {
                    Some(v)
                } else {
                    let t = self.tokens(v);
                    Some(self.expr(quote!(&#t), span, false))
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
                let lhs = self.value(&b.left);
                let rhs = self.value(&b.right);
                let op = b.op.to_token_stream().to_string();
                self.binary(&op, lhs?, rhs?, span)
            }
            Expr::Cast(c) => {
                let v = self.value(&c.expr)?;
                if self.nodes[v].active {
                    return self.fail(c, "`as` casts of differentiable values are not supported; cast data (integers) only");
                }
                let t = self.tokens(v);
                let ty = &c.ty;
                let float = crate::signature::classify(ty) == Kind::Scalar;
                Some(self.expr(quote!((#t as #ty)), span, float))
            }
            Expr::MethodCall(m) => self.method(m),
            Expr::Call(c) => self.call(c),
            Expr::Block(b) if b.label.is_none() => {
                self.scopes.push(Vec::new());
                let v = self.block_value(&b.block.stmts, b.block.brace_token.span.close());
                self.scopes.pop();
                v
            }
            other => self.fail(other, unsupported(other)),
        }
    }

    fn fail<T: ToTokens>(&mut self, tokens: T, message: impl std::fmt::Display) -> Option<ValueId> {
        self.errors.at(tokens, message);
        None
    }

    fn unary(&mut self, u: &syn::ExprUnary) -> Option<ValueId> {
        let span = u.span();
        let v = self.value(&u.expr)?;
        let t = self.tokens(v);
        let float = self.nodes[v].float;
        match u.op {
            UnOp::Neg(_) if float => Some(self.op(rule(Syntax::Operator, "neg"), vec![v], span)),
            UnOp::Neg(_) => Some(self.expr(quote!((-#t)), span, false)),
            UnOp::Deref(_) if float => Some(v),
            UnOp::Deref(_) => Some(self.expr(quote!((*#t)), span, false)),
            UnOp::Not(_) if self.nodes[v].active => {
                self.fail(u, "`!` cannot be applied to a differentiable value")
            }
            _ => Some(self.expr(quote!((!#t)), span, false)),
        }
    }

    /// `a OP b`: a rule if either side is a float value, native arithmetic on data otherwise.
    fn binary(&mut self, op: &str, lhs: ValueId, rhs: ValueId, span: Span) -> Option<ValueId> {
        let float = self.nodes[lhs].float || self.nodes[rhs].float;
        let active = self.nodes[lhs].active || self.nodes[rhs].active;
        match rules::find(Syntax::Operator, op) {
            Some(rule) if float => Some(self.op(rule, vec![lhs, rhs], span)),
            _ if active => {
                self.errors.at_span(
                    span,
                    format!("`{op}` is not differentiable; the differentiable operators are `+`, `-`, `*`, `/` and unary `-`"),
                );
                None
            }
            _ => {
                let (a, b) = (self.tokens(lhs), self.tokens(rhs));
                let op: TokenStream = syn::parse_str::<BinOp>(op).ok()?.to_token_stream();
                // Comparisons give `bool`; arithmetic on data stays data.
                Some(self.expr(quote_spanned!(span=> (#a #op #b)), span, false))
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
            if let Expr::MethodCall(inner) = strip_parens(&m.receiver) {
                if inner.method == "mean" && inner.args.is_empty() {
                    let x = self.value(&inner.receiver)?;
                    return Some(self.op(rule(Syntax::Method, "mean"), vec![x], span));
                }
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
        let recv = self.value(&m.receiver)?;
        if matches!(name.as_str(), "clone" | "to_owned" | "view")
            && m.args.is_empty()
            && self.nodes[recv].float
        {
            return Some(recv);
        }
        if rules::SHAPE_METHODS.contains(&name.as_str()) && m.args.is_empty() {
            let t = self.tokens(recv);
            let method = &m.method;
            return Some(self.expr(quote!(#t.#method()), span, false));
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
            args.push(self.value(a)?);
        }
        Some(self.op(rule, args, span))
    }

    fn call(&mut self, c: &syn::ExprCall) -> Option<ValueId> {
        let span = c.span();
        let Expr::Path(path) = strip_parens(&c.func) else {
            return self.fail(
                &c.func,
                "only calls to named functions are supported in #[differentiate] bodies",
            );
        };
        let Some(last) = path.path.segments.last() else {
            return self.fail(path, "empty path");
        };
        let name = last.ident.to_string();
        let mut args = Vec::new();
        for a in &c.args {
            args.push(self.value(a));
        }
        let args: Vec<ValueId> = args.into_iter().collect::<Option<_>>()?;
        if let Some(rule) = rules::find(Syntax::Function, &name) {
            if args.len() != rule.args.len() {
                return self.fail(c, format!("`{name}` takes {} argument(s)", rule.args.len()));
            }
            return Some(self.op(rule, args, span));
        }
        if args.iter().any(|&a| self.nodes[a].active) {
            return self.fail(
                &c.func,
                format!(
                    "`{name}` cannot be differentiated: calls on values that carry a gradient must be one of {}",
                    rules::names(Syntax::Function)
                ),
            );
        }
        // A call on data only (`Axis(1)`, `usize::min(a, b)`): data.
        let arg_tokens: Vec<TokenStream> = args.iter().map(|&a| self.tokens(a)).collect();
        Some(self.expr(quote!(#path(#(#arg_tokens),*)), span, false))
    }
}

fn rule(syntax: Syntax, name: &str) -> &'static Rule {
    match rules::find(syntax, name) {
        Some(r) => r,
        None => unreachable!("the rule table has no {name}"),
    }
}

fn strip_parens(e: &Expr) -> &Expr {
    match e {
        Expr::Paren(p) => strip_parens(&p.expr),
        Expr::Group(g) => strip_parens(&g.expr),
        _ => e,
    }
}

/// `x` as a plain, unqualified name.
fn plain_ident(e: &Expr) -> Option<&Ident> {
    match strip_parens(e) {
        Expr::Path(p) if p.qself.is_none() && p.attrs.is_empty() => p.path.get_ident(),
        _ => None,
    }
}

/// The operator of a compound assignment (`+=` -> `+`).
fn compound(op: &BinOp) -> Option<&'static str> {
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
        Expr::If(_) => "`if` expressions are",
        Expr::ForLoop(_) => "`for` loops are",
        Expr::While(_) => "`while` loops are",
        Expr::Loop(_) => "`loop` is",
        Expr::Match(_) => "`match` is",
        Expr::Closure(_) => "closures are",
        Expr::Macro(_) => "macros are",
        Expr::Try(_) => "the `?` operator is",
        Expr::Index(_) => "indexing is",
        Expr::Field(_) => "field access is",
        Expr::Tuple(_) => "tuples are",
        Expr::Array(_) | Expr::Repeat(_) => "array literals are",
        Expr::Unsafe(_) => "`unsafe` blocks are",
        Expr::Async(_) | Expr::Await(_) => "`async` code is",
        Expr::Range(_) => "ranges are",
        Expr::Struct(_) => "struct literals are",
        Expr::Assign(_) => "assignments inside expressions are",
        Expr::Break(_) | Expr::Continue(_) => "`break` and `continue` are",
        Expr::Let(_) => "`let` expressions are",
        Expr::Block(_) => "labeled blocks are",
        _ => "this expression is",
    };
    format!("{what} not supported in #[differentiate] bodies; {SUPPORTED}")
}
