//! `#[derive(Differentiable)]`: a struct with named fields walks its fields in order, each
//! through its own type's `Differentiable` impl; a field marked `#[differentiable(skip)]` is
//! data, cloned by `copy_skipped`.
//!
//! Two passes: [`parse`] checks the item and the attributes into a [`Struct`] (every error
//! collected, then combined), [`expand`] writes the impl. On an error the output is the
//! error and an impl of the trait with the real signatures and no where-clauses
//! ([`fallback`]), so that code using the type's `Differentiable` methods reports nothing
//! more.
use crate::errors::Errors;
use proc_macro2::TokenStream;
use quote::{ToTokens, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::spanned::Spanned;
use syn::{Attribute, Data, DeriveInput, Fields, Ident, Type};

/// The derive's entry point: the impl, or our errors (and the fallback impl).
pub fn derive(input: TokenStream) -> TokenStream {
    let input = match syn::parse2::<DeriveInput>(input) {
        Ok(input) => input,
        Err(error) => return error.into_compile_error(),
    };
    match parse(&input) {
        Ok(item) => expand(&item),
        Err(error) => {
            let mut out = error.into_compile_error();
            out.extend(fallback(&input));
            out
        }
    }
}

/// A struct the derive accepts, borrowing from the input (which keeps the spans).
struct Struct<'a> {
    input: &'a DeriveInput,
    fields: Vec<Field<'a>>,
}

/// One named field.
struct Field<'a> {
    name: &'a Ident,
    ty: &'a Type,
    /// `#[differentiable(skip)]`: data, not a leaf.
    skip: bool,
}

/// What `#[derive(Differentiable)]` accepts, quoted in errors.
const ACCEPTED: &str = "#[derive(Differentiable)] applies to a struct with named fields \
                        (`struct Layer { w: Array2<f64>, b: Array1<f64> }`)";

/// Checks the item and every `#[differentiable(..)]` attribute; all errors at once.
fn parse(input: &DeriveInput) -> syn::Result<Struct<'_>> {
    let mut errors = Errors::default();
    for attr in input.attrs.iter().filter(|a| is_ours(a)) {
        errors.at(
            attr,
            "#[differentiable(..)] goes on a field of the struct: `#[differentiable(skip)]` \
             marks that field as data",
        );
    }
    let named = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(named) => Some(named),
            Fields::Unnamed(fields) => {
                errors.at(
                    fields,
                    format!("{ACCEPTED}; give the fields of this tuple struct names"),
                );
                None
            }
            Fields::Unit => {
                let (keyword, name) = (data.struct_token, &input.ident);
                errors.at(
                    quote!(#keyword #name),
                    format!("{ACCEPTED}; this unit struct has no fields to differentiate"),
                );
                None
            }
        },
        Data::Enum(data) => {
            let keyword = data.enum_token;
            let name = &input.ident;
            errors.at(
                quote!(#keyword #name),
                format!("{ACCEPTED}, not to an enum; put the parameters in a struct"),
            );
            None
        }
        Data::Union(data) => {
            let keyword = data.union_token;
            let name = &input.ident;
            errors.at(
                quote!(#keyword #name),
                format!("{ACCEPTED}, not to a union"),
            );
            None
        }
    };
    let mut fields = Vec::new();
    for field in named.into_iter().flat_map(|named| &named.named) {
        let mut skip = false;
        for attr in field.attrs.iter().filter(|a| is_ours(a)) {
            match field_args(attr) {
                Ok(FieldArgs::Skip(keyword)) if skip => errors.at(
                    keyword,
                    "duplicate `skip`: one #[differentiable(skip)] per field",
                ),
                Ok(FieldArgs::Skip(_)) => skip = true,
                Err(error) => errors.push(error),
            }
        }
        // A named field always has a name; `Fields::Named` holds nothing else.
        if let Some(name) = &field.ident {
            fields.push(Field {
                name,
                ty: &field.ty,
                skip,
            });
        }
    }
    match errors.finish() {
        Some(error) => Err(error),
        None => Ok(Struct { input, fields }),
    }
}

/// `#[differentiable ..]`, whatever follows.
fn is_ours(attr: &Attribute) -> bool {
    attr.path().is_ident("differentiable")
}

mod kw {
    syn::custom_keyword!(skip);
}

/// The arguments of a field's `#[differentiable(..)]`.
enum FieldArgs {
    Skip(kw::skip),
}

/// The one accepted form, for errors.
const FIELD_FORM: &str = "the accepted form is `#[differentiable(skip)]`, which marks a field as data (not \
     differentiated, cloned into the gradient)";

fn field_args(attr: &Attribute) -> syn::Result<FieldArgs> {
    match &attr.meta {
        syn::Meta::List(list) => {
            if list.tokens.is_empty() {
                return Err(syn::Error::new_spanned(
                    attr,
                    format!("empty #[differentiable()]: {FIELD_FORM}"),
                ));
            }
            list.parse_args()
        }
        syn::Meta::Path(_) | syn::Meta::NameValue(_) => Err(syn::Error::new_spanned(
            attr,
            format!("unsupported form of #[differentiable]: {FIELD_FORM}"),
        )),
    }
}

impl Parse for FieldArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let skip = if input.peek(kw::skip) {
            Some(input.parse::<kw::skip>()?)
        } else {
            None
        };
        if let (Some(keyword), true) = (skip, input.is_empty()) {
            return Ok(FieldArgs::Skip(keyword));
        }
        let rest: TokenStream = input.parse()?;
        let text = rest.to_string();
        let message = match skip {
            Some(_) => format!("unexpected `{text}` after `skip`: {FIELD_FORM}"),
            None => format!("unknown argument `{text}` in #[differentiable(..)]: {FIELD_FORM}"),
        };
        Err(syn::Error::new_spanned(rest, message))
    }
}

/// `::autodiff::Differentiable`, spanned at `span` (a field's type: rustc's error for a type
/// that does not implement it then points there, with the trait's own message).
fn trait_path(span: proc_macro2::Span) -> TokenStream {
    quote_spanned!(span=> ::autodiff::Differentiable)
}

/// The impl of a checked struct.
fn expand(item: &Struct<'_>) -> TokenStream {
    let input = item.input;
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let mut predicates: Vec<TokenStream> = where_clause
        .map(|w| w.predicates.iter().map(ToTokens::to_token_stream).collect())
        .unwrap_or_default();
    let mut leaves = Vec::new();
    let mut pairs = Vec::new();
    let mut copies = Vec::new();
    let mut hollow = Vec::new();
    let mut fills = Vec::new();
    for Field { name, ty, skip } in &item.fields {
        let span = ty.span();
        if *skip {
            predicates.push(quote_spanned!(span=> #ty: ::core::clone::Clone));
            copies.push(quote_spanned!(span=>
                ::core::clone::Clone::clone_from(&mut self.#name, &source.#name);
            ));
            hollow.push(quote_spanned!(span=> #name: ::core::clone::Clone::clone(&self.#name)));
            continue;
        }
        let tr = trait_path(span);
        let label = name.unraw().to_string();
        predicates.push(quote_spanned!(span=> #ty: #tr));
        leaves.push(quote_spanned!(span=>
            <#ty as #tr>::visit_leaves(&mut self.#name, visitor);
        ));
        pairs.push(quote_spanned!(span=>
            <#ty as #tr>::visit_leaf_pairs_at(&mut self.#name, &other.#name, visitor, &at.field(#label));
        ));
        copies.push(quote_spanned!(span=>
            <#ty as #tr>::copy_skipped(&mut self.#name, &source.#name);
        ));
        hollow.push(quote_spanned!(span=> #name: <#ty as #tr>::hollow_like(&self.#name)));
        fills.push(quote_spanned!(span=>
            <#ty as #tr>::fill_hollow(&mut self.#name, &like.#name);
        ));
    }
    let path = quote!(::autodiff::__private::LeafPath);
    quote! {
        #[automatically_derived]
        impl #impl_generics ::autodiff::Differentiable for #name #ty_generics
        where
            #(#predicates,)*
        {
            fn visit_leaves<__AutodiffV: ::autodiff::LeafVisitor>(
                &mut self,
                visitor: &mut __AutodiffV,
            ) {
                #(#leaves)*
            }

            #[track_caller]
            fn visit_leaf_pairs<__AutodiffV: ::autodiff::LeafPairVisitor>(
                &mut self,
                other: &Self,
                visitor: &mut __AutodiffV,
            ) {
                <Self as ::autodiff::Differentiable>::visit_leaf_pairs_at(
                    self,
                    other,
                    visitor,
                    &#path::VISIT_PAIRS,
                );
            }

            #[track_caller]
            fn visit_leaf_pairs_at<__AutodiffV: ::autodiff::LeafPairVisitor>(
                &mut self,
                other: &Self,
                visitor: &mut __AutodiffV,
                at: &#path<'_>,
            ) {
                #(#pairs)*
            }

            #[track_caller]
            fn copy_skipped(&mut self, source: &Self) {
                #(#copies)*
            }

            fn hollow_like(&self) -> Self {
                Self { #(#hollow,)* }
            }

            fn fill_hollow(&mut self, like: &Self) {
                #(#fills)*
            }
        }
    }
}

/// After an error: the impl with the real signatures, no bounds and bodies that never run
/// (the crate does not compile), so that uses of the trait's methods report nothing more.
fn fallback(input: &DeriveInput) -> TokenStream {
    let name = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::autodiff::Differentiable for #name #ty_generics #where_clause {
            fn visit_leaves<__AutodiffV: ::autodiff::LeafVisitor>(
                &mut self,
                _: &mut __AutodiffV,
            ) {
                ::core::unreachable!()
            }

            fn visit_leaf_pairs<__AutodiffV: ::autodiff::LeafPairVisitor>(
                &mut self,
                _: &Self,
                _: &mut __AutodiffV,
            ) {
                ::core::unreachable!()
            }

            fn copy_skipped(&mut self, _: &Self) {
                ::core::unreachable!()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::derive;
    use quote::quote;

    /// The messages of the `compile_error!`s in an expansion.
    fn errors(out: &proc_macro2::TokenStream) -> Vec<String> {
        let text = out.to_string();
        text.split("compile_error !")
            .skip(1)
            .filter_map(|rest| rest.split('"').nth(1).map(str::to_owned))
            .collect()
    }

    #[test]
    fn a_struct_gets_one_impl_with_a_bound_per_field() {
        let out = derive(quote! {
            struct Layer<T: Float> where T: Copy {
                w: Array2<T>,
                #[differentiable(skip)]
                name: String,
                b: T,
            }
        });
        let text = out.to_string();
        assert!(errors(&out).is_empty(), "{text}");
        assert!(text.contains("impl < T : Float > :: autodiff :: Differentiable for Layer < T >"));
        assert!(text.contains("T : Copy"));
        assert!(text.contains("Array2 < T > : :: autodiff :: Differentiable"));
        assert!(text.contains("T : :: autodiff :: Differentiable"));
        assert!(text.contains("String : :: core :: clone :: Clone"));
        assert!(!text.contains("String : :: autodiff"));
        assert!(text.contains("clone_from (& mut self . name , & source . name)"));
        assert!(text.contains("at . field (\"w\")"));
    }

    #[test]
    fn every_error_of_an_item_is_reported_with_a_fallback_impl() {
        let out = derive(quote! {
            #[differentiable(skip)]
            struct Model {
                #[differentiable(frozen)]
                a: f64,
                #[differentiable(skip, skip)]
                b: f64,
                #[differentiable]
                c: f64,
                #[differentiable(skip)]
                #[differentiable(skip)]
                d: String,
                #[differentiable()]
                e: f64,
            }
        });
        let found = errors(&out);
        assert_eq!(found.len(), 6, "{found:#?}");
        assert!(found[0].starts_with("#[differentiable(..)] goes on a field"));
        assert!(found[1].starts_with("unknown argument `frozen`"));
        assert!(found[2].starts_with("unexpected `, skip` after `skip`"));
        assert!(found[3].starts_with("unsupported form of #[differentiable]"));
        assert!(found[4].starts_with("duplicate `skip`"));
        assert!(found[5].starts_with("empty #[differentiable()]"));
        assert!(out.to_string().contains("unreachable"));
    }

    #[test]
    fn enums_unions_tuple_and_unit_structs_are_errors_not_panics() {
        for item in [
            quote!(
                enum E {
                    A(f64),
                }
            ),
            quote!(union U { a: f64 }),
            quote!(
                struct T(f64);
            ),
            quote!(
                struct Unit;
            ),
        ] {
            let found = errors(&derive(item));
            assert_eq!(found.len(), 1);
            assert!(
                found[0]
                    .starts_with("#[derive(Differentiable)] applies to a struct with named fields")
            );
        }
        let found = errors(&derive(quote!(
            fn not_an_item() {}
        )));
        assert_eq!(found.len(), 1, "a parse error, not a panic");
    }
}
