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
