//! parse -> validate -> lower -> analyze -> emit; on error, the fallback (with our errors,
//! or quiet where rustc will report the user's code: `widths`).
use crate::args::Args;
use crate::errors::Errors;
use crate::{emit, fallback, lower, signature, widths};
use proc_macro2::TokenStream;
use quote::quote;
use syn::ItemFn;

/// The whole expansion, as a function on token streams (testable without a compiler).
pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    expand_with(args, item, false)
}

/// The expansion of a `jvp`/`hvp` twin (`dual.rs`): its companions as usual, the twin itself
/// computing its value by its pullback's forward sweep (the generated code, generic by
/// construction: user syntax such as `-x` on a borrowed array need not type-check for a
/// generic element type).
pub fn expand_twin(args: TokenStream, item: TokenStream) -> TokenStream {
    expand_with(args, item, true)
}

fn expand_with(args: TokenStream, item: TokenStream, stub_original: bool) -> TokenStream {
    let func: ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(e) => {
            let msg = format!(
                "#[differentiate] applies to a free function (`fn f(x: f64) -> f64 {{ .. }}`) ({e})"
            );
            let error = syn::Error::new(e.span(), msg).into_compile_error();
            return quote!(#error #item);
        }
    };
    let mut errors = Errors::default();
    let args = syn::parse2::<Args>(args).unwrap_or_else(|e| {
        errors.push(e);
        Args::default()
    });
    let sig = signature::analyze(&func, &args, &mut errors);
    if args.jacobian
        && let Err(e) = emit::jacobian::check(&func, &sig)
    {
        errors.push(e);
    }
    if let Err(e) = crate::dual::check(&func, &sig, &args) {
        errors.push(e);
    }
    let tape = lower::lower(&func.block, &sig, &mut errors);
    // A generic body's float literals mean `T`, in the original too (the fallback emits it).
    let converted = sig
        .float_params
        .first()
        .map(|t| crate::generic::convert_literals(&func, t));
    let (emitted, item) = match &converted {
        Some(c) => (c, quote!(#c)),
        None => (&func, item),
    };
    let item = match stub_original {
        true => {
            // The twin's value is its pullback's forward sweep (callers on data call it).
            let mut forwarder = func.clone();
            let pullback = crate::lower::pullback_name(&func.sig.ident);
            let fish = crate::signature::Signature::turbofish(&func.sig.generics);
            let args = sig.params.iter().map(|p| &p.ident);
            let y = crate::emit::names::name(format_args!("y"));
            forwarder.block = syn::parse_quote!({
                let (#y, _) = #pullback #fish (#(#args),*);
                #y
            });
            quote!(#forwarder)
        }
        false => item,
    };
    let mut lowered = None;
    let mut out = match (errors.finish(), &tape) {
        (None, Some(tape)) if widths::certain_type_error(tape, &sig) => {
            fallback::quiet(emitted, &sig)
        }
        (None, Some(tape)) => {
            lowered = Some(tape);
            emit::companions(&func, &item, &sig, tape)
        }
        (Some(error), _) => fallback::emit(emitted, &sig, error),
        (None, None) => fallback::emit(
            emitted,
            &sig,
            syn::Error::new_spanned(
                &func.sig.ident,
                "#[differentiate] could not lower this function",
            ),
        ),
    };
    if args.jacobian {
        out.extend(emit::jacobian::jacobian(&func, &sig, lowered));
    }
    if args.jvp.is_some() || args.hvp.is_some() {
        out.extend(crate::dual::companions(
            &func,
            &sig,
            &args,
            lowered.is_some(),
        ));
    }
    dump(&func, &out);
    out
}

/// `AUTODIFF_DUMP=name` (or `*`) at build time prints the expansion of that function.
fn dump(func: &ItemFn, out: &TokenStream) {
    let Ok(want) = std::env::var("AUTODIFF_DUMP") else {
        return;
    };
    if want != "*" && func.sig.ident != want.as_str() {
        return;
    }
    let text = match syn::parse2::<syn::File>(out.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(_) => out.to_string(),
    };
    eprintln!(
        "// #[differentiate] expansion of `{}`\n{text}",
        func.sig.ident
    );
}
