//! Emission: the companions' signatures, the forward sweep, the reverse sweep.
mod call;
mod capture;
mod consume;
mod forward;
pub mod heads;
pub mod jacobian;
pub mod names;
mod reduction;
mod release;
mod reverse;
mod share;
mod straight;
mod views;

pub use heads::Heads;

use crate::analyze::{Analysis, analyze, replays_range};
use crate::ir::{Block, Stmt, Tape};
use crate::signature::{Kind, Signature, classify};
use proc_macro2::TokenStream;
use quote::quote;
use syn::ItemFn;

/// Tapes up to this many values get their generated code in rustdoc.
const LISTING_LIMIT: usize = 400;

/// Tapes up to this many values get `NAME_vjp` sweeps of their own; larger ones call the
/// pullback companion (the gradients of every float parameter, the owned copies of array
/// parameters), which halves the code rustc expands and checks: a 10,000-operation function
/// is about 20,000 values.
const OWN_SWEEPS_LIMIT: usize = 4_000;

/// What the forward and reverse code generators read.
#[derive(Clone)]
pub struct Emitter<'a> {
    pub sig: &'a Signature,
    pub tape: &'a Tape,
    pub an: &'a Analysis,
    /// Borrowed array parameters become owned copies (the pullback's closure then borrows
    /// nothing from the caller's values, which it may hold on the caller's own tape).
    pub owned_params: bool,
    /// A view made by the body (`x.row(i)`, `x.slice(..)`) owns its data: a closure that
    /// owns the forward values then holds no borrow of another of them. (The pullback and
    /// `NAME_jacobian`; parameters may still be borrowed, as in the jacobian's local closure.)
    pub owned_views: bool,
    /// Per `if`/loop id: its branch flags or trip counts go on a stack (`__ad_ctl{id}`). Not
    /// for those of the function body itself, which run once (the reverse sweep reads the
    /// condition or the count directly), nor for replayed ranges (`replays_range`).
    pub stacked: Vec<bool>,
    /// The values of each region, in tape order (each region's adjoint slots are declared
    /// from its own list: linear in the tape, however many branches and loops it has).
    pub by_region: Vec<Vec<usize>>,
    /// Set while emitting the reverse code of a `reduction` loop's body inside its forward
    /// loop (`Emitter::unit_sweep`).
    pub unit: Option<Unit>,
    /// Per value: its shape has a binding of its own (`__ad_z{v}`), made after its forward
    /// code, which `Shape` VJPs read instead of the value (`NAME_vjp`'s straight-line code:
    /// the value may then die at its last other reader; see `release`).
    pub shape_bound: std::rc::Rc<Vec<bool>>,
    /// Per op: its forward takes its first argument by value (a write at the array's last
    /// reader, in branches and loops: `consume`).
    pub consumes: std::rc::Rc<Vec<bool>>,
    /// Per value: a write took it by value (its binding is gone after that).
    pub handed_over: std::rc::Rc<Vec<bool>>,
    /// Per value: a part read that is a view of a parameter's data (`views`), where the code
    /// borrows no parameter of its own (`owned_params`, `owned_views` unset).
    pub param_views: std::rc::Rc<Vec<bool>>,
    /// Per value: the loop it enters takes it by value rather than a copy (`consume`).
    pub moved_into_loop: std::rc::Rc<Vec<bool>>,
    /// Per value: the value whose adjoint slot it shares (itself unless a write shares its
    /// array's: `share`).
    pub slot_of: std::rc::Rc<Vec<usize>>,
    /// Per loop-carried value: its slot carries the adjoint across reverse iterations.
    pub carried_slot: std::rc::Rc<Vec<bool>>,
    /// Each value's binding and adjoint names, made once (`names::value_ident`,
    /// `names::adjoint_ident`): a large body names each many times.
    idents: std::rc::Rc<(Vec<syn::Ident>, Vec<syn::Ident>)>,
}

/// The reverse code of a `reduction` loop's body, run with the seed `1` in the forward loop:
/// what it adds to values outside the body goes to the loop's sums (`__ad_u{loop}_{value}`),
/// and nothing goes to the carried value.
#[derive(Clone, Copy)]
pub struct Unit {
    pub loop_id: usize,
    pub region: usize,
    pub phi: usize,
}

impl<'a> Emitter<'a> {
    pub fn new(sig: &'a Signature, tape: &'a Tape, an: &'a Analysis) -> Self {
        let mut stacked = an.live.clone();
        for stmt in &tape.body.stmts {
            match stmt {
                Stmt::If(i) => stacked[i.id] = false,
                Stmt::Loop(l) => stacked[l.id] = false,
                Stmt::Value(_) | Stmt::Break { .. } => {}
            }
        }
        unstack_replayed(&tape.body, &mut stacked);
        let regions = tape.nodes.iter().map(|n| n.region + 1).max().unwrap_or(0);
        let mut by_region = vec![Vec::new(); regions.max(an.residuals.len())];
        for (id, node) in tape.nodes.iter().enumerate() {
            by_region[node.region].push(id);
        }
        // Only the general sweep hands arrays over this way; straight-line code has its own
        // last-use analysis (`release`) and shape bindings.
        let straight = tape.body.stmts.iter().all(|s| matches!(s, Stmt::Value(_)));
        let param_views = views::param_views(sig, tape);
        let consumed = match straight {
            true => consume::Consumed::default(),
            false => consume::consumed(tape, an, &param_views),
        };
        let shared = match straight {
            true => share::Shared::none(tape.nodes.len()),
            false => share::shared(tape, an, &consumed),
        };
        Emitter {
            sig,
            tape,
            an,
            owned_params: false,
            owned_views: false,
            stacked,
            by_region,
            unit: None,
            shape_bound: std::rc::Rc::new(consumed.shape_bound),
            consumes: std::rc::Rc::new(consumed.consumes),
            handed_over: std::rc::Rc::new(consumed.handed_over),
            moved_into_loop: std::rc::Rc::new(consumed.moved_into_loop),
            param_views: std::rc::Rc::new(param_views),
            idents: std::rc::Rc::new((
                (0..tape.nodes.len()).map(names::value_ident).collect(),
                shared
                    .slot_of
                    .iter()
                    .map(|&s| names::adjoint_ident(s))
                    .collect(),
            )),
            slot_of: std::rc::Rc::new(shared.slot_of),
            carried_slot: std::rc::Rc::new(shared.carried),
        }
    }
}

impl Emitter<'_> {
    /// The binding of value `id` (`names::value_ident`).
    pub fn val(&self, id: usize) -> syn::Ident {
        self.idents.0[id].clone()
    }

    /// The adjoint of value `id` (`names::adjoint_ident` of the value whose slot it shares).
    pub fn adj(&self, id: usize) -> syn::Ident {
        self.idents.1[id].clone()
    }

    /// Whether argument `a` of op `id` (a write's array) has the op's own adjoint slot
    /// (`share`): its VJP then works in place.
    pub fn shares_slot(&self, a: usize, id: usize) -> bool {
        self.slot_of[a] == self.slot_of[id]
    }

    /// The forward sweep, and the reverse sweep with the gradients it ends with (one per
    /// parameter position: `()` where `active` is false), for a closure that owns the forward
    /// values and runs the reverse sweep later: the pullback's, `NAME_jacobian`'s.
    pub(super) fn closure_sweeps(
        &self,
        seed: &syn::Ident,
        scalar_output: bool,
        active: impl Fn(usize) -> bool,
    ) -> (TokenStream, TokenStream, Vec<TokenStream>) {
        match self.straight_line() {
            true => self.straight_pullback(seed, scalar_output, active),
            false => {
                let (tapes, forward) = (self.tapes(), self.forward(&self.tape.body));
                (
                    quote!(#tapes #forward),
                    self.reverse(seed),
                    self.grads(true, active),
                )
            }
        }
    }

    /// The output handed out beside a closure that runs `reverse` and ends with `grads`:
    /// moved where the closure does not read it, else a copy.
    pub(super) fn handed_out(&self, reverse: &TokenStream, grads: &[TokenStream]) -> TokenStream {
        let out = names::value_ident(self.tape.output);
        match release::names_value([reverse].into_iter().chain(grads), self.tape.output) {
            true => quote!(::core::clone::Clone::clone(&#out)),
            false => quote!(#out),
        }
    }

    /// Whether part reads of parameters may be views here: the code keeps no value past the
    /// call (the pullback's and the jacobian's closures own theirs).
    pub(super) fn part_views(&self) -> bool {
        !self.owned_params && !self.owned_views
    }

    /// Whether `id`'s forward returns a view of a parameter's data (`views`).
    pub(super) fn part_view(&self, id: usize) -> bool {
        self.part_views() && self.param_views[id]
    }
}

fn unstack_replayed(block: &Block, stacked: &mut [bool]) {
    for stmt in &block.stmts {
        match stmt {
            Stmt::If(i) => {
                unstack_replayed(&i.then, stacked);
                unstack_replayed(&i.els, stacked);
            }
            Stmt::Loop(l) => {
                if replays_range(l) {
                    stacked[l.id] = false;
                }
                unstack_replayed(&l.body, stacked);
            }
            Stmt::Value(_) | Stmt::Break { .. } => {}
        }
    }
}

/// The original function, `NAME_vjp`, `NAME_grad` (for a scalar output) and the hidden
/// pullback companion that differentiated callers use.
/// `item` is the function as written (emitted as is: no second serialisation of `func`).
pub fn companions(func: &ItemFn, item: &TokenStream, sig: &Signature, tape: &Tape) -> TokenStream {
    let heads = Heads::new(func, sig);
    let seed = &heads.seed;
    let out = names::value_ident(tape.output);
    let original = &func.sig.ident;
    let prefix = sig.path_prefix();
    let fish = Signature::turbofish(&func.sig.generics);

    let scalar_output = classify(&sig.output) == Kind::Scalar;
    let runtime = names::runtime_alias();

    // The pullback: every float parameter is active (a caller decides what it uses).
    let float = |i: usize| sig.params[i].kind != Kind::Data;
    let all = analyze(tape, float);
    let e = Emitter {
        owned_params: true,
        owned_views: true,
        ..Emitter::new(sig, tape, &all)
    };
    let (forward, reverse, grads) = e.closure_sweeps(seed, scalar_output, float);
    let ret = names::name(format_args!("ret"));
    let keep = e.handed_out(&reverse, &grads);
    let pullback_body = quote! {
        #runtime
        #forward
        let #ret = #keep;
        (#ret, move |#seed| {
            #reverse
            (#(#grads,)*)
        })
    };

    // NAME_vjp: only the parameters of `wrt(..)` are active; the reverse sweep is inline (no
    // closure holding the forward values), so it runs as fast as hand-written code. Past
    // `OWN_SWEEPS_LIMIT` values it calls the pullback instead: half the generated code.
    let vjp_body = match tape.nodes.len() <= OWN_SWEEPS_LIMIT {
        true => {
            let wrt = analyze(tape, |i| sig.params[i].active);
            let e = Emitter::new(sig, tape, &wrt);
            let active = |i: usize| sig.params[i].active;
            let (sweeps, grads) = match e.straight_line() {
                true => e.interleaved(seed, scalar_output, active),
                false => {
                    let (tapes, forward) = (e.tapes(), e.forward(&tape.body));
                    let reverse = e.reverse(seed);
                    (quote!(#tapes #forward #reverse), e.grads(false, active))
                }
            };
            quote! {
                // The original stays the reference implementation (and counts as used).
                let _ = #prefix #original #fish;
                #runtime
                #sweeps
                (#out, (#(#grads,)*))
            }
        }
        false => {
            let pullback = crate::lower::pullback_name(original);
            let args = sig.params.iter().map(|p| &p.ident);
            let (value, pb, gs) = (
                names::name(format_args!("value")),
                names::name(format_args!("pb")),
                names::name(format_args!("gs")),
            );
            let grads = (0..sig.params.len())
                .filter(|&i| sig.params[i].active)
                .map(syn::Index::from);
            quote! {
                let _ = #prefix #original #fish;
                let (#value, #pb) = #prefix #pullback #fish (#(#args),*);
                let #gs = #pb(#seed);
                (#value, (#(#gs.#grads,)*))
            }
        }
    };
    // The generated code is shown in rustdoc for functions of readable size.
    let listing = match tape.nodes.len() <= LISTING_LIMIT {
        true => heads::listing(&heads.vjp, &vjp_body),
        false => format!(
            "\n\n(The generated code of this {}-value tape is not shown; `AUTODIFF_DUMP` prints it.)",
            tape.nodes.len()
        ),
    };
    heads.emit(item, &vjp_body, &listing, Some(&pullback_body))
}

/// A parameter's gradient from its adjoint: for a float sequence, the adjoint (a 1-D array)
/// as the sequence's gradient type (`Vec<T>`, `[T; N]`); anything else as it is.
fn sequence_grad(param: &crate::signature::Param, adjoint: TokenStream) -> TokenStream {
    match param.sequence() {
        true => {
            let ty = &param.ty;
            quote!(<#ty as ::autodiff::__private::Param>::grad_from(#adjoint))
        }
        false => adjoint,
    }
}
