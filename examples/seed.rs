//! The worked example of reverse-mode AD, by hand and by `#[differentiate]`.
//!
//! ```text
//! cargo run --example seed
//! ```
//!
//! `y = f(x1, x2) = ln(x1) + x1·x2 - sin(x2)` at `(x1, x2) = (2, 5)` is the graph
//!
//! ```text
//! v1 = ln x1     v2 = x1 · x2     v3 = sin x2     v4 = v1 + v2     y = v4 - v3
//! ```
//!
//! Reverse mode runs it forward once, keeping every intermediate, then sweeps backward from
//! `dy/dy = 1`, visiting the nodes in reverse topological order and giving each its
//! *adjoint* `dy/dv`: the sum, over the nodes that use `v`, of their adjoint times their
//! local derivative with respect to `v`. The adjoints of the inputs are the gradient. This
//! program prints both sweeps, written out by hand, then checks that `f_grad`, the code
//! `#[differentiate]` generates, gives the same numbers.
use autodiff::prelude::*;

#[differentiate]
fn f(x1: f64, x2: f64) -> f64 {
    x1.ln() + x1 * x2 - x2.sin()
}

/// One line of a sweep: `name = rule = the numbers = value`, in aligned columns.
fn row(name: &str, rule: &str, numbers: &str, value: f64) {
    println!("  {name:<6} = {rule:<35} = {numbers:<28} = {value:>10.6}");
}

fn main() {
    let (x1, x2) = (2.0_f64, 5.0_f64);
    println!("y = ln(x1) + x1*x2 - sin(x2) at x1 = {x1}, x2 = {x2}");

    println!("\nforward sweep: every intermediate, from its inputs");
    let v1 = x1.ln();
    row("v1", "ln x1", &format!("ln {x1}"), v1);
    let v2 = x1 * x2;
    row("v2", "x1 * x2", &format!("{x1} * {x2}"), v2);
    let v3 = x2.sin();
    row("v3", "sin x2", &format!("sin {x2}"), v3);
    let v4 = v1 + v2;
    row("v4", "v1 + v2", &format!("{v1:.6} + {v2}"), v4);
    let y = v4 - v3;
    row("y", "v4 - v3", &format!("{v4:.6} - ({v3:.6})"), y);

    println!("\nreverse sweep: the adjoints dy/dv, in reverse topological order");
    let dy = 1.0;
    row("dy/dy", "1 (the seed of the sweep)", "1", dy);
    // y = v4 - v3: dy/dv4 = 1, dy/dv3 = -1
    let dv4 = dy * 1.0;
    row(
        "dy/dv4",
        "dy/dy * d(v4 - v3)/dv4",
        &format!("{dy} * 1"),
        dv4,
    );
    let dv3 = -dy;
    row(
        "dy/dv3",
        "dy/dy * d(v4 - v3)/dv3",
        &format!("{dy} * (-1)"),
        dv3,
    );
    // v4 = v1 + v2: both local derivatives are 1
    let dv2 = dv4 * 1.0;
    row(
        "dy/dv2",
        "dy/dv4 * d(v1 + v2)/dv2",
        &format!("{dv4} * 1"),
        dv2,
    );
    let dv1 = dv4 * 1.0;
    row(
        "dy/dv1",
        "dy/dv4 * d(v1 + v2)/dv1",
        &format!("{dv4} * 1"),
        dv1,
    );
    // x2 feeds v3 = sin x2 and v2 = x1 * x2: the two contributions are summed
    let dx2 = dv3 * x2.cos() + dv2 * x1;
    row(
        "dy/dx2",
        "dy/dv3 * cos x2 + dy/dv2 * x1",
        &format!("({dv3}) * {:.6} + {dv2} * {x1}", x2.cos()),
        dx2,
    );
    // x1 feeds v2 = x1 * x2 and v1 = ln x1
    let dx1 = dv2 * x2 + dv1 / x1;
    row(
        "dy/dx1",
        "dy/dv2 * x2 + dy/dv1 * (1 / x1)",
        &format!("{dv2} * {x2} + {dv1} * (1 / {x1})"),
        dx1,
    );

    let (y_gen, (dx1_gen, dx2_gen)) = f_grad(x1, x2);
    println!("\nthe code #[differentiate] generated: f_grad({x1}, {x2})");
    println!("  y      = {y_gen:>16.12}   (by hand {y:>16.12})");
    println!("  dy/dx1 = {dx1_gen:>16.12}   (by hand {dx1:>16.12})");
    println!("  dy/dx2 = {dx2_gen:>16.12}   (by hand {dx2:>16.12})");

    let agree = |a: f64, b: f64| (a - b).abs() < 1e-12;
    assert_eq!(y_gen, f(x1, x2), "f_grad's value is f's");
    assert!(agree(y_gen, y), "y: generated {y_gen}, by hand {y}");
    assert!(
        agree(dx1_gen, dx1),
        "dy/dx1: generated {dx1_gen}, by hand {dx1}"
    );
    assert!(
        agree(dx2_gen, dx2),
        "dy/dx2: generated {dx2_gen}, by hand {dx2}"
    );
    assert!((y_gen - 11.652).abs() < 1e-3, "y = {y_gen}");
    assert!((dx1_gen - 5.5).abs() < 1e-12, "dy/dx1 = {dx1_gen}");
    assert!((dx2_gen - 1.7163).abs() < 1e-4, "dy/dx2 = {dx2_gen}");
    println!("\nok: the generated gradient agrees with the hand-written sweep to 1e-12");
    println!("    (y = 11.652, dy/dx1 = 1/x1 + x2 = 5.5, dy/dx2 = x1 - cos x2 = 1.7163)");
}
