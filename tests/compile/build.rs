//! Writes the random programs of `random_programs.rs` into `$OUT_DIR/random_programs.rs`, so
//! that they are compiled with the test itself: one crate, one build and one link, on the
//! dependencies the rest of the test command has already built.
//!
//! The environment chooses the programs (cargo runs this script again when it changes):
//! `AUTODIFF_RANDOM_PROGRAMS` (300), `AUTODIFF_RANDOM_SEED` (decimal or `0x..`) and
//! `AUTODIFF_RANDOM_KNOWN_BUGS=1` (also the constructs of the open bugs).
#[path = "random_programs/generator.rs"]
mod generator;

use std::path::PathBuf;

const DEFAULT_PROGRAMS: usize = 300;
const DEFAULT_SEED: u64 = 0x00AD_5EED;
/// Inputs checked per program (more are drawn where one is not a smooth point).
const TRIALS: usize = 6;
/// Programs per part, at most: each part is a module of its own, checked on a thread of its own.
const PER_PART: usize = 300;

fn env_number(name: &str) -> Result<Option<u64>, String> {
    println!("cargo:rerun-if-env-changed={name}");
    let Ok(text) = std::env::var(name) else {
        return Ok(None);
    };
    let text = text.trim();
    let parsed = match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => text.parse(),
    };
    parsed
        .map(Some)
        .map_err(|_| format!("{name}={text:?} is not a number"))
}

fn main() -> Result<(), String> {
    println!("cargo:rerun-if-changed=random_programs");
    let count = env_number("AUTODIFF_RANDOM_PROGRAMS")?.map_or(DEFAULT_PROGRAMS, |n| n as usize);
    let seed = env_number("AUTODIFF_RANDOM_SEED")?.unwrap_or(DEFAULT_SEED);
    println!("cargo:rerun-if-env-changed=AUTODIFF_RANDOM_KNOWN_BUGS");
    let known_bugs = std::env::var("AUTODIFF_RANDOM_KNOWN_BUGS").is_ok_and(|v| v == "1");
    let parts = count.div_ceil(PER_PART).max(1);
    let source = generator::source(seed, count, parts, TRIALS, known_bugs);
    let out = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| format!("OUT_DIR: {e}"))?);
    let path = out.join("random_programs.rs");
    std::fs::write(&path, source).map_err(|e| format!("writing {}: {e}", path.display()))
}
