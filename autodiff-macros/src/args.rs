//! `#[differentiate]` argument parsing: a comma-separated list of options, `wrt(a, b)`,
//! `jacobian`, `jvp` and `hvp`.
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, Token};

mod kw {
    syn::custom_keyword!(wrt);
    syn::custom_keyword!(jacobian);
    syn::custom_keyword!(jvp);
    syn::custom_keyword!(hvp);
}

const FORMS: &str = "the accepted options are `wrt(a, b, ..)`, `jacobian`, `jvp` and `hvp`, separated by commas: `#[differentiate(wrt(w), jvp, hvp)]`";

/// The parsed attribute arguments.
#[derive(Default)]
pub struct Args {
    /// The parameters named in `wrt(..)`, if given.
    pub wrt: Option<Vec<Ident>>,
    /// `jacobian`: also generate `NAME_jacobian`.
    pub jacobian: bool,
    /// `jvp`: also generate `NAME_jvp` (forward mode).
    pub jvp: Option<Ident>,
    /// `hvp`: also generate `NAME_hvp` (forward over reverse).
    pub hvp: Option<Ident>,
}

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut args = Args::default();
        while !input.is_empty() {
            let lookahead = input.lookahead1();
            if lookahead.peek(kw::wrt) {
                let keyword: kw::wrt = input.parse()?;
                if args.wrt.is_some() {
                    return Err(syn::Error::new(keyword.span, "`wrt(..)` is given twice"));
                }
                let content;
                syn::parenthesized!(content in input);
                // `Ident::parse_any`: `self` is a parameter name too (`wrt(self, x)`).
                let names = Punctuated::<Ident, Token![,]>::parse_terminated_with(
                    &content,
                    Ident::parse_any,
                )?;
                if names.is_empty() {
                    return Err(syn::Error::new(
                        keyword.span,
                        "`wrt()` names no parameter; list the parameters to differentiate, as in `wrt(w1, w2)`",
                    ));
                }
                args.wrt = Some(names.into_iter().collect());
            } else if lookahead.peek(kw::jacobian) {
                let keyword: kw::jacobian = input.parse()?;
                if args.jacobian {
                    return Err(syn::Error::new(keyword.span, "`jacobian` is given twice"));
                }
                args.jacobian = true;
            } else if lookahead.peek(kw::jvp) || lookahead.peek(kw::hvp) {
                let option: Ident = input.parse()?;
                let slot = match option == "jvp" {
                    true => &mut args.jvp,
                    false => &mut args.hvp,
                };
                if slot.is_some() {
                    return Err(syn::Error::new(
                        option.span(),
                        format!("`{option}` is given twice"),
                    ));
                }
                *slot = Some(option);
            } else {
                return Err(input.error(format!("unknown #[differentiate] argument; {FORMS}")));
            }
            if input.is_empty() {
                break;
            }
            if !input.peek(Token![,]) {
                return Err(input.error(format!("expected `,` between options; {FORMS}")));
            }
            input.parse::<Token![,]>()?;
        }
        Ok(args)
    }
}
