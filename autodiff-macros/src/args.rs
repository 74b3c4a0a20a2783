//! `#[differentiate]` / `#[differentiate(wrt(a, b))]` argument parsing.
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Ident, Token};

mod kw {
    syn::custom_keyword!(wrt);
}

const FORMS: &str =
    "the accepted forms are `#[differentiate]` and `#[differentiate(wrt(a, b, ..))]`";

/// The parsed attribute arguments.
#[derive(Default)]
pub struct Args {
    /// The parameters named in `wrt(..)`, if given.
    pub wrt: Option<Vec<Ident>>,
}

impl Parse for Args {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            return Ok(Args::default());
        }
        let lookahead = input.lookahead1();
        if !lookahead.peek(kw::wrt) {
            return Err(input.error(format!("unknown #[differentiate] argument; {FORMS}")));
        }
        let keyword: kw::wrt = input.parse()?;
        let content;
        syn::parenthesized!(content in input);
        let names = Punctuated::<Ident, Token![,]>::parse_terminated(&content)?;
        if names.is_empty() {
            return Err(syn::Error::new(
                keyword.span,
                "`wrt()` names no parameter; list the parameters to differentiate, as in `wrt(w1, w2)`",
            ));
        }
        if input.peek(Token![,]) {
            input.parse::<Token![,]>()?;
        }
        if !input.is_empty() {
            return Err(input.error(format!("unexpected tokens after `wrt(..)`; {FORMS}")));
        }
        Ok(Args {
            wrt: Some(names.into_iter().collect()),
        })
    }
}
