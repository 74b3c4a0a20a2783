//! API v2 sections 1 and 3 through the macro: tuple `let`s, and control flow (`return`
//! anywhere, `loop`, labels, `match` on data), each against finite differences of the
//! original function.
use autodiff::check::{max_relative_error, numeric_derivative, numeric_gradient};
use autodiff::ndarray::{array, Array1};
use autodiff::prelude::*;

const H: f64 = 1e-6;

#[allow(dead_code)] // used by the control-flow tests below
fn check_scalar2(f: impl Fn(f64, f64) -> f64, grad: (f64, (f64, f64)), a: f64, b: f64) {
    let (v, (da, db)) = grad;
    assert!((v - f(a, b)).abs() < 1e-12, "value {v} vs {}", f(a, b));
    let na = numeric_derivative(|a| f(a, b), a, H);
    let nb = numeric_derivative(|b| f(a, b), b, H);
    assert!(
        (da - na).abs() < 1e-6 * (1.0 + na.abs()),
        "d/da {da} vs {na}"
    );
    assert!(
        (db - nb).abs() < 1e-6 * (1.0 + nb.abs()),
        "d/db {db} vs {nb}"
    );
}

#[differentiate]
fn tuples(x: &Array1<f64>, s: f64) -> f64 {
    let (n, t) = (x.len(), s * 2.0);
    let (mut acc, _, w): (f64, usize, f64) = (0.0, 3, s.sin());
    for i in 0..n {
        acc += x[i] * t + w;
    }
    // Every expression before any binding: a swap.
    let (a, b) = (acc, t);
    let (a, b) = (b, a);
    a * b.cos()
}

#[test]
fn tuple_lets_bind_every_expression_at_once() {
    let x = array![0.3, -0.2, 0.7];
    let s = 0.4;
    let (v, (dx, ds)) = tuples_grad(&x, s);
    assert!((v - tuples(&x, s)).abs() < 1e-12);
    let nx = numeric_gradient(|x: &Array1<f64>| tuples(x, s), &x, H);
    assert!(max_relative_error(&dx, &nx) < 1e-6);
    let ns = numeric_derivative(|s| tuples(&x, s), s, H);
    assert!((ds - ns).abs() < 1e-6);
}

#[differentiate]
fn by_case(a: f64, b: f64, k: i32) -> f64 {
    let scale = match k {
        0 => a * b,
        1 | 2 => a.sin() + b,
        3..=5 => (a * b).exp(),
        -1 => -a,
        n => b * (n as f64),
    };
    let mut acc = 0.0;
    for i in 0..4 {
        match i % 3 {
            0 => acc += a * scale,
            1 => {
                acc -= b;
            }
            _ => acc *= 1.5,
        }
    }
    let flag = k > 2;
    acc + match flag {
        true => a,
        false => b * b,
    }
}

#[test]
fn match_on_integers_and_bools() {
    for k in [-1, 0, 1, 2, 4, 7] {
        let (a, b) = (0.6, -0.8);
        check_scalar2(|a, b| by_case(a, b, k), by_case_grad(a, b, k), a, b);
    }
}

#[differentiate]
fn by_char(a: f64, c: char) -> f64 {
    match c {
        'x' => a * 2.0,
        'a'..='f' => a.cos(),
        _ => a,
    }
}

#[test]
fn match_on_chars() {
    assert_eq!(by_char_grad(1.5, 'x').1 .0, 2.0);
    assert!((by_char_grad(1.5, 'c').1 .0 + 1.5_f64.sin()).abs() < 1e-12);
    assert_eq!(by_char_grad(1.5, 'z').1 .0, 1.0);
}

#[differentiate]
fn newton_sqrt(a: f64, tol: f64) -> f64 {
    // `loop` with `break`, and a `return` from inside it.
    let mut y = a;
    let mut steps = 0;
    loop {
        let next = 0.5 * (y + a / y);
        steps += 1;
        if (next - y).abs() < tol {
            return next * 1.0;
        }
        y = next;
        if steps > 50 {
            break;
        }
    }
    y
}

#[test]
fn loop_and_return_from_inside_it() {
    let (v, (da, _)) = newton_sqrt_grad(2.0, 1e-12);
    assert!((v - 2.0_f64.sqrt()).abs() < 1e-12);
    assert!((da - 0.5 / 2.0_f64.sqrt()).abs() < 1e-8, "{da}");
}

#[differentiate]
fn first_crossing(x: &Array1<f64>, level: f64) -> f64 {
    let mut acc = 0.0;
    'rows: for i in 0..3 {
        let mut j = 0;
        while j < x.len() {
            let v = x[j] * (i as f64 + 1.0);
            if v > level * 4.0 {
                return acc + v * level;
            }
            if v > level * 2.0 {
                continue 'rows;
            }
            if v < -level {
                break 'rows;
            }
            acc += v.sin();
            j += 1;
        }
        acc *= 1.1;
    }
    acc * level
}

#[test]
fn labeled_break_and_continue_and_return_in_nested_loops() {
    let cases = [
        array![0.1, 0.2, 0.3],  // no jump
        array![0.1, 0.9, 0.3],  // continue 'rows
        array![0.1, -0.9, 0.3], // break 'rows
        array![0.2, 0.5, 2.5],  // return from the inner loop
    ];
    let level = 0.4;
    for x in cases {
        let (v, (dx, dl)) = first_crossing_grad(&x, level);
        assert!((v - first_crossing(&x, level)).abs() < 1e-12, "{x}");
        let nx = numeric_gradient(|x: &Array1<f64>| first_crossing(x, level), &x, H);
        assert!(max_relative_error(&dx, &nx) < 1e-6, "{x}: {dx} vs {nx}");
        let nl = numeric_derivative(|l| first_crossing(&x, l), level, H);
        assert!(
            (dl - nl).abs() < 1e-6 * (1.0 + nl.abs()),
            "{x}: {dl} vs {nl}"
        );
    }
}

#[differentiate]
fn return_from_while(a: f64, n: usize) -> f64 {
    let mut k = 0;
    let mut p = a;
    while k < n {
        p *= a;
        if p > 10.0 {
            return p.ln();
        }
        k += 1;
    }
    p
}

#[test]
fn return_inside_a_while_loop() {
    for (a, n) in [(1.5, 3), (3.0, 5), (0.5, 4)] {
        let (v, (da,)) = return_from_while_grad(a, n);
        assert!((v - return_from_while(a, n)).abs() < 1e-12);
        let na = numeric_derivative(|a| return_from_while(a, n), a, H);
        assert!(
            (da - na).abs() < 1e-6 * (1.0 + na.abs()),
            "({a}, {n}): {da} vs {na}"
        );
    }
}

#[differentiate]
fn shadowed_in_a_jumping_branch(x: f64) -> f64 {
    let v = 2.0 * x;
    if x > 0.0 {
        if x > 5.0 {
            return x;
        }
        let v = 100.0 * x;
        let _ = v;
    }
    v * x
}

#[differentiate]
fn shadowed_in_a_breaking_loop(x: f64) -> f64 {
    let mut s = x;
    let a = x * 2.0;
    for _ in 0..3 {
        if s > 1.0 {
            let a = s * 3.0;
            if a > 10.0 {
                break;
            }
        }
        s *= a;
    }
    s
}

#[test]
fn a_let_in_a_block_that_jumps_is_scoped_as_rustc_scopes_it() {
    // Bug 5 of the random programs: the inner `v` must not be seen after the `if`.
    for x in [0.5, 3.0, 7.0, -1.0] {
        let (v, (dx,)) = shadowed_in_a_jumping_branch_grad(x);
        assert_eq!(v, shadowed_in_a_jumping_branch(x));
        let want = if x > 5.0 { 1.0 } else { 4.0 * x };
        assert!((dx - want).abs() < 1e-12, "{x}: {dx} vs {want}");
    }
    for x in [0.3, 0.9, 1.6] {
        let (v, (dx,)) = shadowed_in_a_breaking_loop_grad(x);
        assert!((v - shadowed_in_a_breaking_loop(x)).abs() < 1e-12);
        let nx = numeric_derivative(shadowed_in_a_breaking_loop, x, H);
        assert!(
            (dx - nx).abs() < 1e-6 * (1.0 + nx.abs()),
            "{x}: {dx} vs {nx}"
        );
    }
}
