//! Field reads of struct parameters (`m.temperature`, `&self.layers[i].w`): a path of
//! fields and indices from the parameter. Read as a value, a path is the rule `.` applied to
//! the parameter and a `field_path` (two closures that find the field in the parameter and
//! in its gradient); read as data (a range bound, an index, a cast, `.len()`), it is the
//! expression itself. `let layer = &self.layers[i];` names a path (an alias), not a value:
//! `layer.w` extends it.
use super::Lowerer;
use super::expr::{rule, strip_parens};
use crate::ir::{Def, ValueId};
use crate::rules::Syntax;
use crate::signature::Kind;
use proc_macro2::{Span, TokenStream};
use quote::{ToTokens, quote, quote_spanned};
use syn::Expr;
use syn::spanned::Spanned;

/// One step of a path: a field or an index (data).
#[derive(Clone)]
pub(super) enum Step {
    Member(syn::Member),
    Index(ValueId),
}

/// A path from a struct parameter's value.
#[derive(Clone)]
pub(super) struct Chain {
    base: ValueId,
    steps: Vec<Step>,
    /// On a struct parameter left out of `wrt(..)`: every read is data.
    pub(super) data: bool,
}

/// What `Lowerer::chain` found.
pub(super) enum Found {
    /// A path on a struct parameter.
    Chain(Chain),
    /// Not a path on a struct parameter.
    No,
    /// An error was reported.
    Failed,
}

impl Lowerer<'_> {
    /// Whether `v` is a struct parameter's value: `Some(false)` active, `Some(true)` data.
    fn struct_param(&self, v: ValueId) -> Option<bool> {
        match self.nodes[v].def {
            Def::Param { index } if self.sig.params[index].kind == Kind::Struct => Some(false),
            Def::DataParam { index } if self.sig.params[index].record => Some(true),
            _ => None,
        }
    }

    /// `e` as a path on a struct parameter (its index expressions lowered as data).
    pub(super) fn chain(&mut self, e: &Expr) -> Found {
        match e {
            Expr::Paren(p) => self.chain(&p.expr),
            Expr::Group(g) => self.chain(&g.expr),
            Expr::Path(p) if p.qself.is_none() => {
                let Some(name) = p.path.get_ident() else {
                    return Found::No;
                };
                if let Some(alias) = self.aliases.get(&name.to_string()) {
                    return Found::Chain(alias.clone());
                }
                match self.current(name) {
                    Some(v) => match self.struct_param(v) {
                        Some(data) => Found::Chain(Chain {
                            base: v,
                            steps: Vec::new(),
                            data,
                        }),
                        None => Found::No,
                    },
                    None => Found::No,
                }
            }
            Expr::Field(f) => match self.chain(&f.base) {
                Found::Chain(mut c) => {
                    c.steps.push(Step::Member(f.member.clone()));
                    Found::Chain(c)
                }
                other => other,
            },
            Expr::Index(i) => match self.chain(&i.expr) {
                Found::Chain(mut c) => {
                    let Some(idx) = self.index_arg(&i.index) else {
                        return Found::Failed;
                    };
                    if self.maybe_active[idx] {
                        self.fail(
                            &i.index,
                            "an index must be data (an integer), not a differentiable value",
                        );
                        return Found::Failed;
                    }
                    c.steps.push(Step::Index(idx));
                    Found::Chain(c)
                }
                other => other,
            },
            _ => Found::No,
        }
    }

    /// The tokens of a path after its base (`.layers[__ad_v3].w`) and the index values.
    fn path_tokens(&self, chain: &Chain) -> (TokenStream, Vec<ValueId>) {
        let mut tokens = TokenStream::new();
        let mut deps = vec![chain.base];
        for step in &chain.steps {
            match step {
                Step::Member(m) => tokens.extend(quote!(.#m)),
                Step::Index(i) => {
                    let t = self.tokens(*i);
                    tokens.extend(quote!([#t]));
                    deps.push(*i);
                }
            }
        }
        (tokens, deps)
    }

    /// A path read as a differentiable value: the rule `.` on the parameter and the path.
    pub(super) fn field_read(&mut self, chain: Chain, e: &Expr) -> Option<ValueId> {
        let span = e.span();
        if chain.data {
            // A field of a struct left out of `wrt(..)`: a float value of no gradient (like an
            // array built in the body), a copy of the field.
            let v = self.field_data(chain, TokenStream::new(), span);
            self.nodes[v].float = true;
            return Some(v);
        }
        if chain.steps.is_empty() {
            return self.struct_as_value(e);
        }
        let (path, deps) = self.path_tokens(&chain);
        let base = self.tokens(chain.base);
        let s = crate::emit::names::name(format_args!("s"));
        let make = match chain.steps.last() {
            Some(Step::Index(_)) => quote!(field_path_indexed),
            _ => quote!(field_path),
        };
        let tokens = quote_spanned! {span=>
            ::autodiff::__private::#make(&#base, move |#s| &#s #path, move |#s| &mut #s #path)
        };
        let acc = self.expr(tokens, deps, span, false);
        Some(self.op(rule(Syntax::Operator, "."), vec![chain.base, acc], span))
    }

    /// A path read as data (`self.layers.len()`, a skipped `usize` field as a range bound):
    /// the expression itself, computed from the parameter's value.
    pub(super) fn field_data(&mut self, chain: Chain, suffix: TokenStream, span: Span) -> ValueId {
        let (path, deps) = self.path_tokens(&chain);
        let base = self.tokens(chain.base);
        let tokens = match suffix.is_empty() {
            // A copy of the field (a borrowed parameter's field cannot be moved out).
            true => quote_spanned!(span=> ::core::clone::Clone::clone(&#base #path)),
            false => quote_spanned!(span=> #base #path #suffix),
        };
        self.expr(tokens, deps, span, false)
    }

    /// A value read as data where the body needs data (an index, a range bound, a cast): a
    /// path of a struct parameter is the field itself, anything else its value.
    pub(super) fn data_value(&mut self, e: &Expr) -> Option<ValueId> {
        match self.chain(strip_parens(e)) {
            Found::Chain(c) if !c.steps.is_empty() => {
                Some(self.field_data(c, TokenStream::new(), e.span()))
            }
            Found::Failed => None,
            _ => self.value(e),
        }
    }

    /// [`data_value`](Self::data_value), but a field is checked to be no float (the runtime's
    /// `DataField`): where the macro cannot tell (`m.n - OFFSET`), a float field read as
    /// data would get no gradient, so it is a compile error saying how to read it as a value.
    pub(super) fn checked_data_value(&mut self, e: &Expr) -> Option<ValueId> {
        match self.chain(strip_parens(e)) {
            // A struct left out of `wrt(..)` is data: nothing to check.
            Found::Chain(c) if !c.steps.is_empty() && c.data => {
                Some(self.field_data(c, TokenStream::new(), e.span()))
            }
            Found::Chain(c) if !c.steps.is_empty() => {
                let span = e.span();
                let (path, deps) = self.path_tokens(&c);
                let base = self.tokens(c.base);
                // The check's argument is a name at the field (rustc points there).
                let field = proc_macro2::Ident::new("__ad_field", span);
                let tokens = quote_spanned! {span=>
                    { let #field = &#base #path; ::autodiff::__private::DataField::copied(#field) }
                };
                Some(self.expr(tokens, deps, span, false))
            }
            Found::Failed => None,
            _ => self.value(e),
        }
    }

    /// Whether `e` is a path of fields of a struct parameter (without lowering anything).
    pub(super) fn is_path(&self, e: &Expr) -> bool {
        let mut base = strip_parens(e);
        let mut steps = 0;
        loop {
            match base {
                Expr::Field(f) => base = strip_parens(&f.base),
                Expr::Index(i) => base = strip_parens(&i.expr),
                _ => break,
            }
            steps += 1;
        }
        let Expr::Path(p) = base else {
            return false;
        };
        let Some(name) = p.path.get_ident() else {
            return false;
        };
        if self.aliases.contains_key(&name.to_string()) {
            return true;
        }
        steps > 0
            && self
                .lookup_value(name)
                .is_some_and(|v| self.struct_param(v).is_some())
    }

    /// The tokens of an alias as a place expression (`(__ad_v0.inner)`), and what they read,
    /// for data tokens that name it (`s![l.n..]`).
    pub(super) fn alias_tokens(&self, name: &str) -> Option<(TokenStream, Vec<ValueId>)> {
        let chain = self.aliases.get(name)?;
        let (path, deps) = self.path_tokens(chain);
        let base = self.tokens(chain.base);
        Some((quote!((#base #path)), deps))
    }

    /// `let layer = &self.layers[i];`: `layer` names the path.
    pub(super) fn alias(&mut self, name: &syn::Ident, init: &Expr) -> bool {
        let target = match strip_parens(init) {
            Expr::Reference(r) if r.mutability.is_none() => &*r.expr,
            other => other,
        };
        if !matches!(strip_parens(target), Expr::Field(_) | Expr::Index(_)) {
            return false;
        }
        match self.chain(target) {
            Found::Chain(c) if !c.steps.is_empty() => {
                self.aliases.insert(name.to_string(), c);
                true
            }
            Found::Failed => true,
            _ => false,
        }
    }

    /// A struct parameter used whole, where the body needs a value.
    pub(super) fn struct_as_value(&mut self, e: &Expr) -> Option<ValueId> {
        self.fail(
            e.to_token_stream(),
            "a struct parameter is read through its fields in #[differentiate] bodies (`m.w`, `&m.layers[i].b`), not used as a value",
        )
    }
}
