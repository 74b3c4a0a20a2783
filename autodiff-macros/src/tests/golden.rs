//! Golden tests of the expansion, run on token streams (no compiler needed).
use crate::expand::expand;
use quote::quote;

fn expansion(args: proc_macro2::TokenStream, item: proc_macro2::TokenStream) -> String {
    expand(args, item).to_string()
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn network_backward_pass_has_three_matrix_products_and_none_for_x() {
    let out = expansion(
        quote!(wrt(w1, w2)),
        quote! {
            fn loss(x: &Array2<f64>, w1: &Array2<f64>, w2: &Array2<f64>, y: &[usize]) -> f64 {
                let z = sigmoid(&x.dot(w1));
                cross_entropy(&z.dot(w2), y)
            }
        },
    );
    // Only `loss_vjp` (the pullback companion differentiates every float parameter).
    let start = out.find("fn loss_vjp").unwrap_or(0);
    let end = out
        .find("fn __ad_annotate_with_differentiate_loss")
        .unwrap_or(out.len());
    let out = &out[start..end];
    // forward: x·W1 and s·W2
    assert_eq!(count(out, ":: dot ("), 2, "{out}");
    // backward: dW2 = sᵀ g and ds = g W2ᵀ (for the second product), dW1 = xᵀ (..) for the
    // first; never dx = (..) W1ᵀ.
    assert_eq!(count(out, ":: dot_vjp_rhs ("), 2, "{out}");
    assert_eq!(count(out, ":: dot_vjp_lhs ("), 1, "{out}");
    let lhs_at = out.find(":: dot_vjp_lhs (").unwrap_or(0);
    assert!(
        out[lhs_at..].starts_with(":: dot_vjp_lhs (& __ad_v5"),
        "ds comes from the second product: {out}"
    );
    // the labels are data: passed through, never given an adjoint
    assert!(!out.contains("__ad_d3 "), "{out}");
    assert!(!out.contains("__ad_d0 "), "no adjoint for x: {out}");
    // the sigmoid's VJP reads only its output, and is the last reader of ds: it gets it by
    // value and writes into it
    assert!(
        out.contains(":: sigmoid_vjp (& __ad_v5 , __ad_d5)"),
        "{out}"
    );
    // nothing reads x·W1 after the sigmoid (the products' VJPs do not take their output):
    // the sigmoid maps it in place, as a hand-written gradient does
    assert!(out.contains(":: sigmoid (__ad_v4)"), "{out}");
    assert_eq!(count(out, "__ad_v4 "), 2, "{out}");
    // the logits die in the loss, which keeps its probabilities in their buffer
    assert!(
        out.contains(":: cross_entropy_saving (__ad_v6 , y)"),
        "{out}"
    );
    // the hidden layer is dropped right after its last reader, the output never
    let dropped = out.find(":: core :: mem :: drop (__ad_v5)");
    let read = out.find(":: sigmoid_vjp (");
    assert!(dropped.is_some() && read < dropped, "{out}");
    assert_eq!(
        count(out, "__ad_v5 "),
        count(&out[..dropped.unwrap_or(0)], "__ad_v5 "),
        "the hidden layer read after its drop: {out}"
    );
    assert_eq!(count(out, ":: core :: mem :: drop ("), 1, "{out}");
}

#[test]
fn default_activity_differentiates_every_float_parameter() {
    let out = expansion(
        quote!(),
        quote!(
            fn f(x: f64, n: usize, a: &Array1<f32>) -> f64 {
                x * (a.sum() as f64)
            }
        ),
    );
    // `a.sum() as f64` casts an active value: rejected rather than silently cut.
    assert!(out.contains("casts of differentiable values"), "{out}");
    let out = expansion(
        quote!(),
        quote!(
            fn f(x: f64, n: usize) -> f64 {
                x.powi(2) * (n as f64)
            }
        ),
    );
    assert!(
        out.contains("fn f_grad (x : f64 , n : usize) -> (f64 , (f64 ,))"),
        "{out}"
    );
}

#[test]
fn expansion_is_deterministic() {
    let item = quote! {
        fn f(a: f64, b: f64) -> f64 { let mut c = a * b; c += a.exp(); c / b }
    };
    assert_eq!(expansion(quote!(), item.clone()), expansion(quote!(), item));
}

#[test]
fn errors_keep_the_companions() {
    let out = expansion(
        quote!(),
        quote!(
            fn f(x: f64) -> f64 {
                match x {
                    _ => x,
                }
            }
        ),
    );
    assert!(out.contains("compile_error"), "{out}");
    assert!(out.contains("fn f_grad"), "{out}");
    assert!(out.contains("fn f_vjp"), "{out}");
}

#[test]
fn every_error_of_a_function_is_reported() {
    let out = expansion(
        quote!(),
        quote!(
            fn f(x: f64) -> f64 {
                let a = x.mapv(|v| v);
                let b = x % 2.0;
                a + b
            }
        ),
    );
    assert_eq!(count(&out, "compile_error"), 2, "{out}");
}

/// A loop with two sums (not a `reduction`): the reverse sweep counts the range down (no
/// index, no trip count kept), computes `x[i]`, `x[i + 1]` and the arithmetic again, and keeps
/// only the shapes the VJPs of `+` read (zero-sized for scalars: `push_shapes` stores
/// nothing); `x[i]` written four times is read once.
#[test]
fn a_range_loop_is_replayed_and_keeps_only_what_it_cannot_recompute() {
    let out = expansion(
        quote!(),
        quote! {
            fn rosen(x: &Array1<f64>) -> f64 {
                let mut total = 0.0;
                let mut s = 0.0;
                for i in 0..x.len() - 1 {
                    let a = x[i + 1] - x[i] * x[i];
                    let b = 1.0 - x[i];
                    total += 100.0 * a * a + b * b;
                    s += x[i];
                }
                total * s
            }
        },
    );
    let start = out.find("fn rosen_vjp").unwrap_or(0);
    let end = out.find("fn rosen_grad").unwrap_or(out.len());
    let out = &out[start..end];
    // One tape (the loop body's), holding shapes only; no trip count.
    assert_eq!(count(out, ". push ("), 0, "{out}");
    assert_eq!(count(out, ":: push_shapes ("), 1, "{out}");
    assert_eq!(count(out, ":: pop_shapes ("), 1, "{out}");
    assert_eq!(count(out, "__ad_ctl"), 0, "{out}");
    assert_eq!(count(out, ":: one_like ("), 0, "not a reduction: {out}");
    let push = out.find(":: push_shapes (").map_or("", |at| &out[at..]);
    let entry = push.split(';').next().unwrap_or("");
    assert_eq!(
        count(entry, "__ad_v"),
        count(entry, "shape_of"),
        "shapes only: {entry}"
    );
    assert!(out.contains(". rev ()"), "the range is counted down: {out}");
    // x[i + 1] and x[i], once each in the forward sweep and once each again in the reverse.
    assert_eq!(count(out, ":: index ("), 4, "{out}");
    assert_eq!(count(out, ":: index_vjp ("), 2, "{out}");
}

/// The looped Rosenbrock only adds into `total`: its VJPs run inside the forward loop with
/// the seed 1, and the reverse sweep scales their sum by the adjoint of `total`. One pass,
/// no tape, no second loop.
#[test]
fn a_loop_that_only_adds_into_a_scalar_is_differentiated_in_one_pass() {
    let out = expansion(
        quote!(),
        quote! {
            fn rosen(x: &Array1<f64>) -> f64 {
                let mut total = 0.0;
                for i in 0..x.len() - 1 {
                    let a = x[i + 1] - x[i] * x[i];
                    let b = 1.0 - x[i];
                    total += 100.0 * a * a + b * b;
                }
                total
            }
        },
    );
    let start = out.find("fn rosen_vjp (").unwrap_or(0);
    let end = out.find("fn rosen_grad").unwrap_or(out.len());
    let out = &out[start..end];
    assert_eq!(count(out, "for __ad_"), 1, "{out}");
    assert_eq!(count(out, "__ad_tape"), 0, "{out}");
    assert_eq!(count(out, ":: one_like ("), 1, "{out}");
    assert_eq!(count(out, ":: scaled ("), 1, "{out}");
    assert_eq!(count(out, ":: index ("), 2, "{out}");
    assert_eq!(count(out, ":: index_vjp ("), 2, "{out}");
    // The VJPs come before the loop ends, the scaling after it.
    let (vjp, scaled) = (out.find(":: index_vjp ("), out.find(":: scaled ("));
    assert!(vjp < scaled, "{out}");
}

/// A scalar function that is a sum of terms: each term gets `±seed` at once, so its VJP
/// follows its forward code instead of waiting for the whole forward sweep.
#[test]
fn the_terms_of_a_sum_at_the_output_are_differentiated_where_they_are_computed() {
    let out = expansion(
        quote!(),
        quote! {
            fn f(x1: f64, x2: f64) -> f64 {
                x1.ln() + x1 * x2 - x2.sin()
            }
        },
    );
    let start = out.find("fn f_vjp (").unwrap_or(0);
    let end = out.find("fn f_grad").unwrap_or(out.len());
    let out = &out[start..end];
    assert_eq!(
        count(out, "Neg :: neg (seed)"),
        1,
        "the subtracted term: {out}"
    );
    let at = |s: &str| out.find(s).unwrap_or(usize::MAX);
    assert!(at(":: ln_vjp (") < at(":: mul ("), "{out}");
    assert!(at(":: mul_vjp_rhs (") < at(":: sin_saving ("), "{out}");
    assert!(at(":: sin_saved_vjp (") < at(":: sub ("), "{out}");
    // No adjoint for the sum's own nodes.
    assert_eq!(count(out, ":: sum_to ("), 0, "{out}");
    // Scalars are never dropped early (only values that may be arrays are).
    assert_eq!(count(out, ":: drop ("), 0, "{out}");
}

/// `cross_entropy` where the loss needs a gradient: the fused forward keeps what the VJP
/// needs; where it does not, the plain forward.
#[test]
fn cross_entropy_uses_the_fused_pair_only_where_it_needs_a_gradient() {
    let out = expansion(
        quote!(wrt(w)),
        quote! {
            fn loss(z: &Array2<f64>, w: f64, y: &[usize]) -> f64 {
                cross_entropy(z, y) + w * cross_entropy(&(z * w), y)
            }
        },
    );
    let start = out.find("fn loss_vjp").unwrap_or(0);
    let end = out.find("fn loss_grad").unwrap_or(out.len());
    let out = &out[start..end];
    assert_eq!(count(out, ":: cross_entropy ("), 1, "{out}");
    assert_eq!(count(out, ":: cross_entropy_saving ("), 1, "{out}");
    assert_eq!(count(out, ":: cross_entropy_saved_vjp ("), 1, "{out}");
    assert_eq!(count(out, ":: cross_entropy_vjp ("), 0, "{out}");
}

/// The part of an expansion that is `NAME_vjp` (before `NAME_grad`).
fn vjp_of<'a>(out: &'a str, name: &str) -> &'a str {
    let start = out.find(&format!("fn {name}_vjp (")).unwrap_or(0);
    let end = out.find(&format!("fn {name}_grad")).unwrap_or(out.len());
    &out[start..end]
}

/// An `in_place` forward consumes its operand exactly where that is the operand's last
/// reader: not where a later forward or VJP reads it, not for a parameter.
#[test]
fn elementwise_forwards_consume_dead_operands_only() {
    // exp's VJP reads its output, ln's its input: the product dies in `exp`, `exp`'s output
    // is kept for both VJPs.
    let out = expansion(
        quote!(),
        quote! {
            fn f(x: &Array2<f64>, w: &Array2<f64>) -> f64 {
                x.dot(w).exp().ln().sum()
            }
        },
    );
    let out = vjp_of(&out, "f");
    assert!(out.contains(":: exp (__ad_v2)"), "{out}");
    assert!(out.contains(":: ln (& __ad_v3)"), "{out}");
    assert!(out.contains(":: exp_vjp (& __ad_v3 ,"), "{out}");
    assert!(out.contains(":: ln_vjp (& __ad_v3 ,"), "{out}");
    // A value a later forward reads is borrowed; so is a parameter.
    let out = expansion(
        quote!(),
        quote! {
            fn g(x: &Array2<f64>, w: &Array2<f64>) -> f64 {
                let h = x.dot(w);
                (sigmoid(&h) * &h).sum() + sigmoid(x).sum()
            }
        },
    );
    let out = vjp_of(&out, "g");
    assert_eq!(count(out, ":: sigmoid (& "), 2, "{out}");
    assert_eq!(count(out, ":: sigmoid (__ad_"), 0, "{out}");
}

/// A value whose shape alone a later VJP reads (`+` with a broadcast bias) gets a shape
/// binding; the value itself dies at its last real reader, here the add, which then writes
/// into its buffer. A value read twice by one forward (`h * h`) or later is borrowed.
#[test]
fn a_shape_read_does_not_keep_its_array_alive() {
    let out = expansion(
        quote!(wrt(w, b)),
        quote! {
            fn f(x: &Array2<f64>, w: &Array2<f64>, b: &Array1<f64>) -> f64 {
                sigmoid(&(x.dot(w) + b)).sum()
            }
        },
    );
    let out = vjp_of(&out, "f");
    let bound = out.find("let __ad_z3 = :: autodiff :: __private :: shape_of (& __ad_v3)");
    let added = out.find(":: add (__ad_v3 , & __ad_v2)");
    assert!(bound.is_some() && bound < added, "{out}");
    assert!(out.contains(":: sum_to (& __ad_z3 ,"), "{out}");
    // the product is named by its forward, the shape binding and the add only
    assert_eq!(count(out, "__ad_v3"), 3, "{out}");
    // the sum of the bias broadcast is consumed by the sigmoid
    assert!(out.contains(":: sigmoid (__ad_v4)"), "{out}");
    let out = expansion(
        quote!(wrt(w)),
        quote! {
            fn g(x: &Array2<f64>, w: &Array2<f64>) -> f64 {
                let h = x.dot(w);
                let k = &h * &h;
                let u = k.ln();
                (u - &k).sum()
            }
        },
    );
    let out = vjp_of(&out, "g");
    assert!(out.contains(":: square (& __ad_v2)"), "{out}");
    assert!(out.contains(":: ln (& __ad_v3)"), "{out}");
    assert!(out.contains(":: sub (__ad_v4 , & __ad_v3)"), "{out}");
}

/// A loop that fills an array element by element keeps the array's adjoint in one slot
/// (`emit/share.rs`): the write's VJP zeroes the element in place, no transfer per iteration.
/// A write in another region than its array's keeps a slot of its own.
#[test]
fn a_fill_loop_shares_one_adjoint_slot() {
    let out = expansion(
        quote!(),
        quote! {
            fn fill(x: &Array1<f64>) -> f64 {
                let n = x.len();
                let mut a = Array1::<f64>::zeros(n - 1);
                for i in 0..n - 1 {
                    a[i] = x[i] * x[i + 1];
                }
                a.sum()
            }
        },
    );
    let out = vjp_of(&out, "fill");
    assert_eq!(count(out, ":: index_set_vjp_array_in_place ("), 1, "{out}");
    assert_eq!(count(out, ":: index_set_vjp_array ("), 0, "{out}");
    assert_eq!(count(out, ". as_mut ()"), 1, "{out}");
    // No per-iteration carrier (`__ad_c{loop}_{k}`).
    assert!(!out.contains("__ad_c0_0"), "{out}");
    // A write in a branch of its own (the array lives outside it): a slot of its own.
    let out = expansion(
        quote!(),
        quote! {
            fn g(x: &Array1<f64>, w: f64) -> f64 {
                let mut a = x.to_owned();
                if w > 0.0 {
                    a[0] = w;
                }
                a.sum()
            }
        },
    );
    let out = vjp_of(&out, "g");
    assert_eq!(count(out, ":: index_set_vjp_array_in_place ("), 0, "{out}");
    assert_eq!(count(out, ":: index_set_vjp_array ("), 1, "{out}");
}

/// A transcendental array result (`sigmoid`) is kept on its region's tape instead of computed
/// again in the reverse sweep, in a branch and in a loop body; a cheap one (`relu`) and a
/// number (`x.exp()`) are computed again.
#[test]
fn a_transcendental_array_result_is_kept() {
    let out = expansion(
        quote!(),
        quote! {
            fn f(z: &Array2<f64>, relu_on: bool) -> f64 {
                let h = if relu_on { relu(z) } else { sigmoid(z) };
                h.sum()
            }
        },
    );
    let out = vjp_of(&out, "f");
    assert_eq!(count(out, ":: sigmoid ("), 1, "{out}");
    // relu is cheap: computed again rather than kept.
    assert_eq!(count(out, ":: relu ("), 2, "{out}");
    let out = expansion(
        quote!(),
        quote! {
            fn g(z: &Array2<f64>, relu_on: bool) -> f64 {
                let mut s = 0.0;
                for _ in 0..3 {
                    let h = if relu_on { relu(z) } else { sigmoid(z) };
                    s += h.sum() * s;
                }
                s
            }
        },
    );
    let out = vjp_of(&out, "g");
    assert_eq!(count(out, ":: sigmoid ("), 1, "{out}");
    assert_eq!(count(out, ":: relu ("), 2, "{out}");
    // A number outside loops is kept too: its branch's tape is one entry in place.
    let out = expansion(
        quote!(),
        quote! {
            fn h(x: f64, c: f64) -> f64 {
                let y = if c > 0.0 { x.exp() } else { x.sin() };
                y * x
            }
        },
    );
    let out = vjp_of(&out, "h");
    assert_eq!(count(out, ":: exp ("), 1, "{out}");
    assert_eq!(count(out, "OnceTape :: new ()"), 2, "{out}");
    assert!(!out.contains("Vec :: new ()"), "{out}");
    // In a loop a number is computed again: keeping it would give the branch a tape of its
    // own, an entry per iteration.
    let out = expansion(
        quote!(),
        quote! {
            fn k(x: f64, c: f64) -> f64 {
                let mut s = 1.0;
                for _ in 0..3 {
                    let y = if c > 0.0 { x.exp() } else { x.ln() };
                    s = y * s;
                }
                s
            }
        },
    );
    let out = vjp_of(&out, "k");
    assert_eq!(count(out, ":: exp ("), 2, "{out}");
    assert!(!out.contains("OnceTape"), "{out}");
    // What a fused rule saved is kept in a loop too: `sin`'s `cos` on the branch's tape, no
    // trigonometric function in the reverse sweep.
    let out = expansion(
        quote!(),
        quote! {
            fn l(x: f64, c: f64) -> f64 {
                let mut s = 1.0;
                for _ in 0..3 {
                    let y = if c > 0.0 { x.sin() } else { x.ln() };
                    s = y * s;
                }
                s
            }
        },
    );
    let out = vjp_of(&out, "l");
    assert_eq!(count(out, ":: sin_saving ("), 1, "{out}");
    assert_eq!(count(out, ":: sin_saved_vjp ("), 1, "{out}");
    assert_eq!(count(out, ":: sin_vjp ("), 0, "{out}");
}

/// A recurrence (`a[i] = a[i - 1] * 0.5 + x[i]`) keeps no array per iteration: the element
/// read is kept (a number), not computed again from the array, and its VJP reads only the
/// array's shape, so the write takes the array by value and its adjoint is shared.
#[test]
fn a_recurrence_keeps_no_array_per_iteration() {
    let out = expansion(
        quote!(),
        quote! {
            fn recur(x: &Array1<f64>) -> f64 {
                let n = x.len();
                let mut a = Array1::<f64>::zeros(n);
                for i in 1..n {
                    a[i] = a[i - 1] * 0.5 + x[i];
                }
                a.sum()
            }
        },
    );
    let out = vjp_of(&out, "recur");
    // The write takes the loop's array by value (no copy per element)...
    assert_eq!(count(out, ":: index_set (__ad_v5 ,"), 1, "{out}");
    // ...the tape keeps the element read and shapes, not the array...
    assert!(out.contains(". push ((__ad_v8 , __ad_z5 ,"), "{out}");
    // ...and the reverse sweep reads the element's array only through its kept shape.
    assert_eq!(count(out, ":: index_vjp (& __ad_z5 ,"), 1, "{out}");
    assert_eq!(count(out, ":: index_set_vjp_array_in_place ("), 1, "{out}");
}

/// A number carried by a loop is a number (the phi is decided with its next value): its
/// `exp` is computed again in the reverse sweep, not kept per iteration.
#[test]
fn a_number_carried_by_a_loop_is_a_number() {
    let out = expansion(
        quote!(),
        quote! {
            fn f(x: f64) -> f64 {
                let mut s = x;
                for _ in 0..3 {
                    s = (s * 0.5).exp() * s;
                }
                s
            }
        },
    );
    let out = vjp_of(&out, "f");
    assert_eq!(count(out, ":: exp ("), 2, "{out}");
}

/// A slice's VJP reads only its array's shape (`Shape`: a sparse contribution added into the
/// part, O(part) per read): the reverse sweep keeps the shape of a local array that a later
/// write takes by value, not the array (a dense VJP would read the array itself).
#[test]
fn a_slice_read_keeps_only_its_arrays_shape() {
    let out = expansion(
        quote!(),
        quote! {
            fn f(x: &Array1<f64>) -> f64 {
                let mut a = x * 2.0;
                let w = a.slice(s![0..2]);
                let t = (&w * &w).sum();
                a[0] = t;
                a.sum()
            }
        },
    );
    let out = vjp_of(&out, "f");
    assert_eq!(count(out, ":: slice_vjp (& __ad_z"), 1, "{out}");
    assert_eq!(count(out, ":: index_set (__ad_v"), 1, "{out}");
}

/// An array built in a straight-line body (`Array1::zeros(n)`) is written in place by its
/// first write, in `NAME_vjp` and in the forward code of a closure (`NAME_jacobian`, the
/// pullback), not copied: the closure reads neither the array nor its written versions.
#[test]
fn a_local_array_is_written_in_place_before_a_closure() {
    let out = expansion(
        quote!(jacobian),
        quote! {
            fn f(x: &[f64]) -> Array1<f64> {
                let mut y = Array1::<f64>::zeros(2);
                y[0] = x[0] * x[1];
                y[1] = x[1].sin();
                y
            }
        },
    );
    let jac = &out[out.find("fn f_jacobian").unwrap_or(0)..];
    assert_eq!(count(jac, ":: index_set (__ad_v"), 2, "{jac}");
    assert_eq!(count(jac, ":: index_set (&"), 0, "{jac}");
    let vjp =
        &out[out.find("fn f_vjp (").unwrap_or(0)..out.find("fn f_jacobian").unwrap_or(out.len())];
    assert_eq!(count(vjp, ":: index_set (&"), 0, "{vjp}");
}

/// `NAME_jacobian` runs the forward sweep once (no `NAME_vjp` per row), unless its body calls
/// another differentiated function.
#[test]
fn a_jacobian_runs_one_forward_sweep() {
    let out = expansion(
        quote!(jacobian),
        quote! {
            fn f(x: &Array1<f64>, k: f64) -> Array1<f64> {
                let mut y = Array1::<f64>::zeros(2);
                if k > 0.0 {
                    y[0] = x[0] * k;
                }
                y[1] = x[1].sin();
                y
            }
        },
    );
    let jac = &out[out.find("fn f_jacobian").unwrap_or(0)..];
    assert_eq!(count(jac, "f_vjp ("), 0, "{jac}");
    assert_eq!(count(jac, ":: sin_saving ("), 1, "{jac}");
    assert_eq!(count(jac, "Clone :: clone (& __ad_pb)"), 1, "{jac}");
    let out = expansion(
        quote!(jacobian),
        quote! {
            fn g(x: &Array1<f64>) -> Array1<f64> {
                let mut y = Array1::<f64>::zeros(1);
                y[0] = helper(x[0]);
                y
            }
        },
    );
    let jac = &out[out.find("fn g_jacobian").unwrap_or(0)..];
    assert_eq!(count(jac, "g_vjp ("), 1, "{jac}");
}

/// Parts of a parameter are views in `NAME_vjp` (`row_view`, `slice_view`, `column_view`: no
/// copy), parts merged by a branch stay copies, and the pullback (which owns its values)
/// copies every part.
#[test]
fn parts_of_parameters_are_views_unless_merged() {
    let out = expansion(
        quote!(),
        quote! {
            fn f(w: &Array2<f64>, k: f64) -> f64 {
                let row = w.row(0);
                let gate = row.slice(s![0..2]);
                let picked = if k > 0.0 { w.row(1) } else { w.row(2) };
                (&gate * &picked.slice(s![0..2])).sum() * w.column(1).sum() * k
            }
        },
    );
    let vjp = vjp_of(&out, "f");
    assert_eq!(count(vjp, ":: row_view (& __ad_v0 ,"), 1, "{vjp}");
    assert_eq!(count(vjp, ":: slice_view (&"), 1, "{vjp}");
    assert_eq!(count(vjp, ":: column_view (& __ad_v0 ,"), 1, "{vjp}");
    // The branch's two rows are copies, and so is the slice of the merged row.
    assert_eq!(count(vjp, ":: row (& __ad_v0 ,"), 2, "{vjp}");
    assert_eq!(count(vjp, ":: slice (&"), 1, "{vjp}");
    let pullback = &out[out
        .find("fn __ad_annotate_with_differentiate_f")
        .unwrap_or(0)..];
    assert_eq!(count(pullback, "_view ("), 0, "{pullback}");
}

/// A value times itself (`&d * &d`, `r * r`) is one `square`, whose VJP is one pass
/// (`2 g d`), not two products and their sum.
#[test]
fn a_value_times_itself_is_a_square() {
    let out = expansion(
        quote!(),
        quote! {
            fn f(x: &Array1<f64>, r: f64) -> f64 {
                let d = x * r;
                (&d * &d).sum() + r * r + &d.sum() * &x.sum()
            }
        },
    );
    let vjp = vjp_of(&out, "f");
    assert_eq!(count(vjp, ":: square (&"), 2, "{vjp}");
    assert_eq!(count(vjp, ":: square_vjp ("), 2, "{vjp}");
    // The product of two different values stays a product.
    assert_eq!(count(vjp, ":: mul_vjp_lhs ("), 2, "{vjp}");
}

/// The pullback and `NAME_jacobian` hand their output out by moving it where their closure
/// does not read it (`x * 2.0`), and copy it where it does (`exp`'s VJP reads its output).
#[test]
fn a_closure_that_does_not_read_the_output_lets_it_move_out() {
    let moved = expansion(
        quote!(jacobian),
        quote! {
            fn f(x: &Array1<f64>) -> Array1<f64> {
                x * 2.0
            }
        },
    );
    let read = expansion(
        quote!(jacobian),
        quote! {
            fn g(x: &Array1<f64>) -> Array1<f64> {
                x.exp()
            }
        },
    );
    for (out, copies) in [(&moved, 0), (&read, 2)] {
        assert_eq!(count(out, "Clone :: clone (& __ad_v"), copies, "{out}");
    }
}

/// A cheap array result that would be computed again from a product kept for it alone is kept
/// itself (`x.dot(&w) - &b`, both in the loop body: one subtraction, not one per sweep); but
/// where it broadcasts against an array from outside the body (`&x.dot(&h) - m`, `m` a
/// parameter), the small product is kept and the subtraction computed again.
#[test]
fn a_cheap_result_is_kept_instead_of_its_product_only_inside_its_body() {
    let out = expansion(
        quote!(),
        quote! {
            fn f(x: &Array2<f64>, w: &Array2<f64>) -> f64 {
                let mut s = 0.0;
                for i in 0..3 {
                    let b = w.row(i).dot(w);
                    let d = x.dot(w) - &b;
                    s += (&d * &d).sum() * s;
                }
                s
            }
        },
    );
    let out = vjp_of(&out, "f");
    assert_eq!(count(out, ":: sub ("), 1, "{out}");
    let out = expansion(
        quote!(),
        quote! {
            fn g(x: &Array2<f64>, h: &Array1<f64>, m: &Array2<f64>) -> f64 {
                let mut s = 0.0;
                for _ in 0..3 {
                    let d = &x.dot(h) - m;
                    s += (&d * &d).sum() * s;
                }
                s
            }
        },
    );
    let out = vjp_of(&out, "g");
    assert_eq!(count(out, ":: sub ("), 2, "{out}");
}
