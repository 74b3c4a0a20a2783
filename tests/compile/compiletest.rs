//! Compile-fail tests for `#[differentiate]`: every unsupported construct must be rejected
//! with our own message, spanned on the offending construct, and without a cascade of rustc
//! errors (the macro still emits the original function and stub `NAME_grad`/`NAME_vjp`).
//!
//! Each `tests/compile/ui/*.rs` holds one bad input; the expected compiler output is the
//! `.stderr` file beside it. After an intended change of a message, regenerate the
//! expectations with `TRYBUILD=overwrite cargo test -p autodiff-compile-tests --test compiletest`
//! and review the diff of every `.stderr`.
//!
//! File names are grouped by kind: `syntax-*` (unsupported body syntax), `attr-*` (misuse of
//! the attribute or an unsupported signature) and `type-*` (type errors inside the body that
//! rustc reports on the user's expression).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("ui/*.rs");
}

/// No expected error text shows the user our machinery: generated names (`__ad_`), the
/// hidden module (`__private`) or the runtime's internal traits. An error about a type
/// mistake is rustc's, on the user's code, or ours in the user's terms.
#[test]
fn errors_name_only_the_users_code() {
    const INTERNAL: &[&str] = &[
        "__ad_",
        "__private",
        "LeftOperand",
        "Binary",
        "Cotangent",
        "Operand",
        "Logits",
        "Contribution",
        "Adjoint",
        "SumTo",
        "Shaped",
        "Scaled",
        "Param::",
        "Value::",
    ];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    let mut checked = 0;
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("the ui directory") {
        let path = entry.expect("a ui entry").path();
        if path.extension().is_none_or(|e| e != "stderr") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("a .stderr file");
        checked += 1;
        for name in INTERNAL {
            if text.contains(name) {
                found.push(format!("{}: {name}", path.display()));
            }
        }
    }
    assert!(
        checked > 40,
        "only {checked} .stderr files found in {}",
        dir.display()
    );
    assert!(
        found.is_empty(),
        "internal names in expected errors:\n{}",
        found.join("\n")
    );
}
