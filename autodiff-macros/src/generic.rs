//! Generic functions over `T: Float`: an unsuffixed float literal means `T`. The lowering
//! writes each literal as `lit::<T>(2.0)`, and the original function is emitted with its
//! literals converted the same way (as written, `x * 2.0` would not type-check for a generic
//! `T`).
use proc_macro2::TokenStream;
use quote::quote_spanned;
use syn::visit_mut::VisitMut;
use syn::{Expr, Ident, ItemFn, Lit};

/// The literal as a value of the float type parameter `t` (or as written without one, or
/// with a suffix: `2.0f32` keeps its own type).
pub fn float_literal(lit: &syn::LitFloat, negative: bool, t: Option<&Ident>) -> TokenStream {
    let span = lit.span();
    let minus = negative.then(|| quote_spanned!(span=> -));
    match t {
        Some(t) if lit.suffix().is_empty() => {
            quote_spanned!(span=> ::autodiff::__private::lit::<#t>(#minus #lit))
        }
        _ => quote_spanned!(span=> #minus #lit),
    }
}

/// The function with every unsuffixed float literal of its body converted to `t`.
pub fn convert_literals(func: &ItemFn, t: &Ident) -> ItemFn {
    struct Converter<'a>(&'a Ident);
    impl VisitMut for Converter<'_> {
        fn visit_expr_mut(&mut self, e: &mut Expr) {
            if let Expr::Lit(l) = e
                && let Lit::Float(f) = &l.lit
                && f.suffix().is_empty()
            {
                *e = Expr::Verbatim(float_literal(f, false, Some(self.0)));
                return;
            }
            syn::visit_mut::visit_expr_mut(self, e);
        }
    }
    let mut func = func.clone();
    Converter(t).visit_block_mut(&mut func.block);
    func
}

/// Whether `tokens` are a float literal: `2.0`, `-0.5`, or a generic body's `lit::<T>(2.0)`.
pub fn is_float_literal(tokens: &TokenStream) -> bool {
    let float = |e: &Expr| match e {
        Expr::Lit(l) => matches!(l.lit, Lit::Float(_)),
        Expr::Unary(u) => matches!(&*u.expr, Expr::Lit(l) if matches!(l.lit, Lit::Float(_))),
        _ => false,
    };
    match syn::parse2::<Expr>(tokens.clone()) {
        Ok(Expr::Call(c)) => {
            matches!(&*c.func, Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "lit"))
                && c.args.len() == 1
                && c.args.first().is_some_and(float)
        }
        Ok(e) => float(&e),
        Err(_) => false,
    }
}
