//! Classifies parameters from their syntax (scalar / array / data), resolves `wrt(..)`, and
//! spells the gradient types.
use crate::args::Args;
use crate::errors::Errors;
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::{FnArg, GenericArgument, Ident, ItemFn, Pat, PathArguments, ReturnType, Type};

/// What a parameter is, as far as syntax tells.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// `f32` / `f64`.
    Scalar,
    /// A float ndarray array, owned or borrowed; also a float sequence (`&[f64]`, `Vec<f64>`,
    /// `[f64; N]`), which the tape reads as a 1-D array (see [`sequence`]).
    Array,
    /// A struct of parameters (`m: &Mlp`, `&self`): a parameter of a type that is not a float,
    /// an array or an integer, whose fields the body reads (or that `wrt(..)` names). Its
    /// type implements `Differentiable`; its gradient is a value of the same type.
    Struct,
    /// Anything else: integers, labels, flags. Never differentiated.
    Data,
}

/// One parameter of the differentiated function.
pub struct Param {
    pub ident: Ident,
    pub ty: Type,
    pub kind: Kind,
    pub active: bool,
    /// A struct type (`Mlp`, `Self`): a `Struct` parameter, or, left out of `wrt(..)`, data
    /// whose fields the body reads as data.
    pub record: bool,
}

impl Param {
    /// A float sequence (`&[f64]`, `Vec<f32>`, `[f64; N]`): a 1-D array on the tape, its
    /// gradient a `Vec` or an array of the same length.
    pub fn sequence(&self) -> bool {
        self.kind == Kind::Array && sequence(&self.ty).is_some()
    }

    /// A parameter passed by reference (`&Mlp`, `&self`).
    pub fn by_reference(&self) -> bool {
        matches!(self.ty, Type::Reference(_))
    }

    /// An array whose tape value is a view of the caller's data (`&Array2<f64>`, `&[f64]`,
    /// `&Vec<f64>`, `ArrayView2<f64>`), not an owned array.
    pub fn view_value(&self) -> bool {
        self.kind == Kind::Array
            && (self.by_reference()
                || last_segment(&self.ty)
                    .is_some_and(|s| s.ident.to_string().starts_with("ArrayView")))
    }

    /// An array passed by value (owned, not a reference or a view): moved into the tape.
    pub fn owned_array(&self) -> bool {
        self.kind == Kind::Array
            && !matches!(self.ty, Type::Reference(_))
            && last_segment(&self.ty).is_some_and(|s| !s.ident.to_string().starts_with("ArrayView"))
    }
}

/// The function's signature as the macro needs it.
pub struct Signature {
    pub params: Vec<Param>,
    /// The declared return type (`f64` if it was missing; that is also reported).
    pub output: Type,
    /// Whether the output is syntactically an array (then no `NAME_grad` is generated).
    pub output_is_array: bool,
    /// A method (`&self` or `self`): the companions are methods too, called as `Self::..`.
    pub method: bool,
    /// The type parameters bounded by `Float` (`T` in `fn f<T: Float>`): float scalars.
    pub float_params: Vec<Ident>,
}

impl Signature {
    /// How the companions name each other: `Self::` in a method, nothing in a free function.
    pub fn path_prefix(&self) -> TokenStream {
        match self.method {
            true => quote!(Self::),
            false => TokenStream::new(),
        }
    }

    /// The turbofish naming the function's own type and const parameters (`::<T, N>`), for a
    /// companion that names the original or another companion as a value.
    pub fn turbofish(generics: &syn::Generics) -> TokenStream {
        let params: Vec<TokenStream> = generics
            .params
            .iter()
            .filter_map(|g| match g {
                syn::GenericParam::Type(t) => Some(t.ident.to_token_stream()),
                syn::GenericParam::Const(c) => Some(c.ident.to_token_stream()),
                syn::GenericParam::Lifetime(_) => None,
            })
            .collect();
        match params.is_empty() {
            true => TokenStream::new(),
            false => quote!(::<#(#params),*>),
        }
    }
}

impl Signature {
    /// The active parameters, in parameter-list order.
    pub fn active(&self) -> impl Iterator<Item = &Param> {
        self.params.iter().filter(|p| p.active)
    }
}

const ARRAY_TYPES: &[&str] = &[
    "Array",
    "Array0",
    "Array1",
    "Array2",
    "Array3",
    "Array4",
    "Array5",
    "Array6",
    "ArrayD",
    "ArrayView",
    "ArrayView0",
    "ArrayView1",
    "ArrayView2",
    "ArrayView3",
    "ArrayView4",
    "ArrayView5",
    "ArrayView6",
    "ArrayViewD",
    "ArrayBase",
    "ArcArray",
    "ArcArray1",
    "ArcArray2",
    "CowArray",
];

const DATA_ELEMS: &[&str] = &[
    "usize", "isize", "u8", "u16", "u32", "u64", "u128", "i8", "i16", "i32", "i64", "i128", "bool",
];

/// Strips references and parentheses: `&'a Array2<f64>` -> `Array2<f64>`.
pub fn strip(ty: &Type) -> &Type {
    match ty {
        Type::Reference(r) => strip(&r.elem),
        Type::Paren(p) => strip(&p.elem),
        Type::Group(g) => strip(&g.elem),
        _ => ty,
    }
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match strip(ty) {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        _ => None,
    }
}

/// The element type argument of an ndarray type (`f64` in `ArrayView2<'a, f64>`).
fn element(seg: &syn::PathSegment) -> Option<&Type> {
    match &seg.arguments {
        PathArguments::AngleBracketed(a) if seg.ident != "ArrayBase" => {
            a.args.iter().find_map(|g| match g {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
        }
        _ => None,
    }
}

/// The gradient type of a float sequence (`Vec<f64>` for `&[f64]`, `Vec<f64>` and
/// `&Vec<f64>`; `[f64; N]` for `[f64; N]` and `&[f64; N]`), or `None` for any other type.
pub fn sequence(ty: &Type) -> Option<TokenStream> {
    let float = |elem: &Type| last_segment(elem).is_some_and(|s| is_float_name(&s.ident));
    match strip(ty) {
        Type::Slice(s) if float(&s.elem) => {
            let elem = &s.elem;
            Some(quote!(::std::vec::Vec<#elem>))
        }
        Type::Array(a) if float(&a.elem) => {
            let (elem, len) = (&a.elem, &a.len);
            Some(quote!([#elem; #len]))
        }
        Type::Path(p) if p.qself.is_none() => {
            let seg = p.path.segments.last()?;
            let elem = element(seg)?;
            (seg.ident == "Vec" && float(elem)).then(|| quote!(::std::vec::Vec<#elem>))
        }
        _ => None,
    }
}

/// For an ndarray type of one axis (`Array1<T>`, `ArrayView1<T>`, `Array<T, Ix1>`) or a float
/// sequence: its element type `T`.
pub fn one_axis_element(ty: &Type) -> Option<Type> {
    let ty = strip(ty);
    match ty {
        Type::Slice(s) => return Some((*s.elem).clone()),
        Type::Array(a) => return Some((*a.elem).clone()),
        _ => {}
    }
    let seg = last_segment(ty)?;
    let name = seg.ident.to_string();
    let one_axis = match name.as_str() {
        "Array1" | "ArrayView1" | "Vec" => true,
        "Array" | "ArrayView" => match &seg.arguments {
            PathArguments::AngleBracketed(a) => a.args.iter().any(|g| {
                matches!(g, GenericArgument::Type(t) if last_segment(t).is_some_and(|s| s.ident == "Ix1"))
            }),
            _ => false,
        },
        _ => false,
    };
    one_axis.then(|| element(seg).cloned()).flatten()
}

thread_local! {
    /// The float type parameters of the function being expanded (set by `analyze`, read by
    /// the classification of types: `T`, `Array1<T>` and `&[T]` are a scalar and arrays).
    static FLOAT_PARAMS: std::cell::RefCell<Vec<String>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// `f32`, `f64` or a float type parameter of the function being expanded.
fn is_float_name(ident: &Ident) -> bool {
    ident == "f32"
        || ident == "f64"
        || FLOAT_PARAMS.with(|names| names.borrow().iter().any(|n| ident == n))
}

/// The type parameters, each of which must be bounded by `Float` alone (in its list or a
/// `where` clause); const parameters and lifetimes are accepted as they are.
fn float_type_params(generics: &syn::Generics, errors: &mut Errors) -> Vec<Ident> {
    const BOUND: &str = "#[differentiate] supports type parameters bounded by `Float` alone (`fn f<T: Float>(x: T) -> T`, with `autodiff::Float` from the prelude): `T` is then `f32` or `f64`";
    let is_float = |b: &syn::TypeParamBound| {
        matches!(b, syn::TypeParamBound::Trait(t)
            if matches!(t.modifier, syn::TraitBoundModifier::None)
                && t.lifetimes.is_none()
                && t.path.segments.last().is_some_and(|s| s.ident == "Float" && s.arguments.is_none()))
    };
    let mut found = Vec::new();
    for g in &generics.params {
        let syn::GenericParam::Type(t) = g else {
            continue;
        };
        let mut bounds: Vec<&syn::TypeParamBound> = t.bounds.iter().collect();
        if let Some(w) = &generics.where_clause {
            for pred in &w.predicates {
                if let syn::WherePredicate::Type(pt) = pred
                    && matches!(&pt.bounded_ty, Type::Path(p) if p.path.is_ident(&t.ident))
                {
                    bounds.extend(pt.bounds.iter());
                }
            }
        }
        match bounds.iter().find(|b| !is_float(b)) {
            Some(other) => errors.at(other, BOUND),
            None if bounds.is_empty() => errors.at(t, BOUND),
            None => {}
        }
        if t.default.is_some() {
            errors.at(t, BOUND);
        }
        found.push(t.ident.clone());
    }
    found
}

/// In a method, the float type parameters of the `impl` block (`impl<T: Float> Affine<T>`),
/// which the attribute does not see: the element type of a float array parameter or output
/// (`Array2<T>`) or the output itself (`-> T`), when it is a bare name other than `f32`/`f64`.
fn impl_float_params(sig: &syn::Signature, found: &mut Vec<Ident>) {
    let bare = |ty: &Type| match strip(ty) {
        Type::Path(p) if p.qself.is_none() => p.path.get_ident().cloned(),
        _ => None,
    };
    let mut candidates: Vec<Ident> = Vec::new();
    let mut consider = |ty: &Type| {
        if let Some(seg) = last_segment(ty)
            && ARRAY_TYPES.contains(&seg.ident.to_string().as_str())
            && let Some(elem) = element(seg).and_then(bare)
        {
            candidates.push(elem);
        }
    };
    for input in &sig.inputs {
        if let FnArg::Typed(pt) = input {
            consider(&pt.ty);
        }
    }
    if let ReturnType::Type(_, ty) = &sig.output {
        consider(ty);
        candidates.extend(bare(ty));
    }
    for c in candidates {
        let name = c.to_string();
        let known = name == "f32"
            || name == "f64"
            || name == "Self"
            || DATA_ELEMS.contains(&name.as_str())
            || !name.starts_with(|ch: char| ch.is_ascii_uppercase());
        if !known && !found.contains(&c) {
            found.push(c);
        }
    }
}

/// A parameter of a struct type: active (`Struct`) unless `wrt(..)` leaves it out, then
/// data whose fields the body reads as data.
fn record(ident: Ident, ty: Type, args: &Args) -> Param {
    let active = args.wrt.as_ref().is_none_or(|w| w.contains(&ident));
    Param {
        ident,
        ty,
        kind: if active { Kind::Struct } else { Kind::Data },
        active,
        record: true,
    }
}

/// A type that may be a struct of parameters: a path (after references) that is not a
/// primitive, a `String`, an `Option` or a `Vec`/array of data.
fn struct_like(ty: &Type) -> bool {
    let Some(seg) = last_segment(ty) else {
        return false;
    };
    let name = seg.ident.to_string();
    !(DATA_ELEMS.contains(&name.as_str())
        || ARRAY_TYPES.contains(&name.as_str())
        || matches!(
            name.as_str(),
            "String"
                | "str"
                | "Option"
                | "Vec"
                | "HashMap"
                | "BTreeMap"
                | "char"
                | "Box"
                | "Rc"
                | "Arc"
        ))
}

/// Classifies a type by its spelling.
pub fn classify(ty: &Type) -> Kind {
    if sequence(ty).is_some() {
        return Kind::Array;
    }
    let Some(seg) = last_segment(ty) else {
        return Kind::Data;
    };
    let name = seg.ident.to_string();
    if is_float_name(&seg.ident) && matches!(seg.arguments, PathArguments::None) {
        return Kind::Scalar;
    }
    if ARRAY_TYPES.contains(&name.as_str()) {
        let data_elem = element(seg)
            .and_then(last_segment)
            .is_some_and(|e| DATA_ELEMS.contains(&e.ident.to_string().as_str()));
        return if data_elem { Kind::Data } else { Kind::Array };
    }
    Kind::Data
}

/// The gradient type of a parameter: the scalar, an owned array of its shape, or for a
/// float sequence a `Vec` (an array `[T; N]`) of its length.
pub fn grad_type(param: &Param) -> TokenStream {
    let ty = strip(&param.ty);
    if matches!(param.kind, Kind::Scalar | Kind::Struct) {
        return ty.to_token_stream();
    }
    if let Some(grad) = sequence(ty) {
        return grad;
    }
    let Some(seg) = last_segment(ty) else {
        return private_grad(&param.ty);
    };
    let name = seg.ident.to_string();
    let owned = match name.strip_prefix("ArrayView") {
        Some(rest) if !rest.starts_with("Mut") => format!("Array{rest}"),
        _ if name.starts_with("Array") && name != "ArrayBase" => return ty.to_token_stream(),
        _ => return private_grad(&param.ty),
    };
    let owned = Ident::new(&owned, seg.ident.span());
    let args = match &seg.arguments {
        PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter(|g| !matches!(g, GenericArgument::Lifetime(_)))
            .collect::<Vec<_>>(),
        _ => Vec::new(),
    };
    quote!(::autodiff::ndarray::#owned<#(#args),*>)
}

fn private_grad(ty: &Type) -> TokenStream {
    quote!(<#ty as ::autodiff::__private::Param>::Grad)
}

/// Reads the signature, reporting everything the macro cannot handle.
pub fn analyze(func: &ItemFn, args: &Args, errors: &mut Errors) -> Signature {
    let sig = &func.sig;
    if let Some(t) = &sig.asyncness {
        errors.at(t, "#[differentiate] does not support `async fn`");
    }
    if let Some(t) = &sig.unsafety {
        errors.at(t, "#[differentiate] does not support `unsafe fn`");
    }
    if let Some(v) = &sig.variadic {
        errors.at(v, "#[differentiate] does not support variadic functions");
    }
    let mut float_params = float_type_params(&sig.generics, errors);
    if sig.receiver().is_some() {
        impl_float_params(sig, &mut float_params);
    }
    FLOAT_PARAMS.with(|names| {
        *names.borrow_mut() = float_params.iter().map(ToString::to_string).collect();
    });
    let mut params = Vec::new();
    for input in &sig.inputs {
        match input {
            FnArg::Receiver(r) => {
                if r.reference.is_some() && r.mutability.is_some() {
                    errors.at(
                        r,
                        "#[differentiate] does not support `&mut self`: a differentiated method reads its receiver; take `&self` (or `self`)",
                    );
                } else if r.colon_token.is_some() {
                    errors.at(
                        r,
                        "#[differentiate] supports the receivers `&self` and `self`, not a typed `self: ..`",
                    );
                }
                let ident = Ident::new("self", r.self_token.span);
                params.push(record(ident, (*r.ty).clone(), args));
            }
            FnArg::Typed(pt) => match &*pt.pat {
                Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => {
                    let kind = classify(&pt.ty);
                    if kind == Kind::Data && struct_like(&pt.ty) {
                        params.push(record(pi.ident.clone(), (*pt.ty).clone(), args));
                        continue;
                    }
                    params.push(Param {
                        ident: pi.ident.clone(),
                        ty: (*pt.ty).clone(),
                        kind,
                        active: kind != Kind::Data,
                        record: false,
                    });
                }
                other => errors.at(
                    other,
                    "#[differentiate] parameters must be plain names (`x: f64`), not patterns",
                ),
            },
        }
    }
    if let Some(wrt) = &args.wrt {
        resolve_wrt(&sig.ident, wrt, &mut params, errors);
    }
    let output = match &sig.output {
        ReturnType::Type(_, ty) => (**ty).clone(),
        ReturnType::Default => {
            errors.at(
                &sig.ident,
                "a #[differentiate] function must return its value: add `-> f64` (or `f32`, or a float array)",
            );
            syn::parse_quote!(f64)
        }
    };
    let output_is_array = classify(&output) == Kind::Array;
    if classify(&output) == Kind::Data && last_segment(&output).is_none() {
        errors.at(
            &output,
            "a #[differentiate] function must return `f32`, `f64` or a float array",
        );
    }
    Signature {
        params,
        output,
        output_is_array,
        method: sig.receiver().is_some(),
        float_params,
    }
}

/// `wrt(..)`: every name must be a distinct float parameter; the others become inactive.
fn resolve_wrt(func: &Ident, wrt: &[Ident], params: &mut [Param], errors: &mut Errors) {
    for (i, name) in wrt.iter().enumerate() {
        if wrt[..i].contains(name) {
            errors.at(name, format!("`{name}` is named twice in `wrt(..)`"));
            continue;
        }
        match params.iter().find(|p| p.ident == *name) {
            None => errors.at(name, format!("`{name}` in `wrt(..)` is not a parameter of `{func}`")),
            Some(p) if p.kind == Kind::Data => errors.at(
                name,
                format!(
                    "`{name}` cannot be differentiated: its type `{}` is not `f32`, `f64`, a float array or a float slice, `Vec` or `[T; N]`",
                    p.ty.to_token_stream()
                ),
            ),
            Some(_) => {}
        }
    }
    for p in params.iter_mut() {
        p.active = p.kind != Kind::Data && wrt.contains(&p.ident);
    }
}
