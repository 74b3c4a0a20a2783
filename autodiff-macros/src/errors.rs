//! One collector for every error of an expansion, so the user sees all of them in one compile.
use proc_macro2::Span;
use std::fmt::Display;

/// Errors gathered by all stages.
#[derive(Default)]
pub struct Errors {
    list: Vec<syn::Error>,
}

impl Errors {
    /// Records an error spanning `tokens`.
    pub fn at<T: quote::ToTokens, M: Display>(&mut self, tokens: T, message: M) {
        self.list.push(syn::Error::new_spanned(tokens, message));
    }

    /// Records an error at `span`.
    pub fn at_span<M: Display>(&mut self, span: Span, message: M) {
        self.list.push(syn::Error::new(span, message));
    }

    /// Records a parse error.
    pub fn push(&mut self, error: syn::Error) {
        self.list.push(error);
    }

    /// All errors combined into one, or `None` if there were none.
    pub fn finish(self) -> Option<syn::Error> {
        self.list.into_iter().reduce(|mut all, e| {
            all.combine(e);
            all
        })
    }
}
