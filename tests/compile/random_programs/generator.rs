//! The program generator of `tests/compile/random_programs.rs` (run by `build.rs`): seeded, deterministic, and writing
//! only the syntax `docs/API.md` promises. Every expression is generated with its type
//! (scalar, vector of a fixed length, matrix of a fixed shape), so the original function
//! always type-checks; inputs are kept away from domain edges by construction (`ln`, `sqrt`
//! and `powf` only of positive expressions, `exp` and `tan` only of bounded ones).
//!
//! This file only declares the parts: `types` (the RNG, the types and the generator state),
//! `program` (one function), `scope` (variables in scope and leaves), `expr` (typed
//! expressions), `functions` (methods and runtime functions), `calls` (calls between the
//! generated functions), `statements` (bindings and updates), `control` (`if`, loops, jumps),
//! `writes` (writes into local arrays, `match`), `structs` (struct parameters, field reads,
//! aliases, loops over a `Vec` of structs) and `writer` (the source the test compiles, with the harness `harness.rs`).
#[path = "calls.rs"]
mod calls;
#[path = "control.rs"]
mod control;
#[path = "expr.rs"]
mod expr;
#[path = "functions.rs"]
mod functions;
#[path = "program.rs"]
mod program;
#[path = "scope.rs"]
mod scope;
#[path = "statements.rs"]
mod statements;
#[path = "structs.rs"]
mod structs;
#[path = "types.rs"]
mod types;
#[path = "writer.rs"]
mod writer;
#[path = "writes.rs"]
mod writes;

pub use writer::source;
