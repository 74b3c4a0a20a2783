#!/usr/bin/env bash
# Macro expansion time of `#[differentiate]` against function size. Results and their
# reading: BENCHMARKS.md. A 10,000-op run takes a few minutes with the default REPEAT
# (rustc type-checking the generated code dominates).
#
#   bash benches/expansion.sh [SIZES...]        (default: 10 100 1000 10000)
#
# Not a criterion bench (the macro crate is a proc macro: nothing in it can be called from a
# bench). For each size N it writes, in a scratch crate under $TMPDIR with a path dependency on
# this repository, a function of N `let` statements of one operation each (`* + sin -`,
# cycling), then times `cargo check` of that crate after a `touch` (CPU seconds, incremental
# compilation off), for two variants:
#   plain  the same function without the attribute (the baseline: parsing, type checking N lets)
#   diff   with `#[differentiate]` (adds the macro's run and checking the generated
#          `_vjp`, `_grad` and pullback functions)
# and prints the best of REPEAT runs for each (`extra` = diff - plain). `expand` is rustc's
# own `-Z time-passes` figure for macro expansion (the proc macro's run; wall time), read with
# RUSTC_BOOTSTRAP=1: a diagnostic only, used for nothing but this measurement, in a target
# folder of its own (cargo rebuilds every dependency when RUSTC_BOOTSTRAP changes).
#
# Environment: CARGO_TARGET_DIR (default: a folder inside the scratch crate), REPEAT (default
# 3), PARAMS (default 1; 0 makes every operation read only the previous value and a literal,
# `* 1.0001 + 0.5 sin - 0.25`, never the parameters `x`, `y` bound at the top).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10 100 1000 10000)
repeat=${REPEAT:-3}
params=${PARAMS:-1}
scratch=$(mktemp -d "${TMPDIR:-/tmp}/autodiff-expansion.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$scratch/target}
# No incremental cache: a re-check after `touch` would reuse the previous run's type checking.
export CARGO_INCREMENTAL=0

mkdir -p "$scratch/src"
cat >"$scratch/Cargo.toml" <<TOML
[package]
name = "expansion-scratch"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
autodiff = { path = "$repo" }

[workspace]
TOML

# gen N ATTR: a function of N one-operation lets, with ATTR (empty or #[differentiate]) on it.
gen() {
    local n=$1 attr=$2
    {
        echo "#![allow(dead_code, unused)]"
        echo "use autodiff::prelude::*;"
        echo "$attr"
        echo "pub fn big(x: f64, y: f64) -> f64 {"
        echo "    let v0 = x * y;"
        awk -v n="$n" -v params="$params" 'BEGIN {
            if (params == 1) split("* x|+ y|sin|- x", op, "|")
            else split("* 1.0001|+ 0.5|sin|- 0.25", op, "|")
            for (k = 1; k < n; k++) {
                o = op[(k % 4) + 1]
                if (o == "sin") printf "    let v%d = v%d.sin();\n", k, k - 1
                else printf "    let v%d = v%d %s;\n", k, k - 1, o
            }
        }'
        echo "    v$((n - 1))"
        echo "}"
    } >"$scratch/src/lib.rs"
}

# best_check: the least CPU time (user + system, cargo and rustc together, in seconds) of
# $repeat `cargo check` runs after a touch. CPU time rather than wall time: other work on
# the machine then barely moves it.
best_check() {
    local best="" t
    for _ in $(seq "$repeat"); do
        touch "$scratch/src/lib.rs"
        t=$( { TIMEFORMAT='%U %S'; time cargo check --quiet --manifest-path "$scratch/Cargo.toml" --lib; } 2>&1 |
            tail -n 1 | awk '{ printf "%.3f", $1 + $2 }')
        if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
    done
    printf '%.2f' "$best"
}

# expand_time: rustc's macro-expansion time (wall seconds, the least of $repeat runs) for the
# current lib.rs. (awk reads to the end: an early exit would kill cargo with SIGPIPE and,
# under pipefail, this script.)
expand_time() {
    local best="" t
    for _ in $(seq "$repeat"); do
        touch "$scratch/src/lib.rs"
        t=$(RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$CARGO_TARGET_DIR/time-passes" cargo rustc --quiet \
            --manifest-path "$scratch/Cargo.toml" --lib --profile check -- -Z time-passes 2>&1 |
            awk '!found && /macro_expand_crate/ {
                for (i = 1; i < NF; i++) if ($i == "time:") { gsub(";", "", $(i + 1)); print $(i + 1); found = 1 }
            }')
        if [ -z "$best" ] || awk -v t="$t" -v b="$best" 'BEGIN { exit !(t < b) }'; then best=$t; fi
    done
    echo "$best"
}

gen 10 ""
cargo check --quiet --manifest-path "$scratch/Cargo.toml" --lib # dependencies, once
repeat=1 expand_time >/dev/null # and once for the time-passes build

# The first size is the baseline: its expansion time (proc-macro loading, fixed costs) is
# subtracted from the others' in the last column.
printf '%8s %10s %10s %10s %10s %14s\n' ops plain_s diff_s extra_s expand_s expand-base_s
base=""
for n in "${sizes[@]}"; do
    gen "$n" ""
    plain=$(best_check)
    gen "$n" "#[differentiate]"
    diff=$(best_check)
    expand=$(expand_time)
    extra=$(awk -v d="$diff" -v p="$plain" 'BEGIN { printf "%.2f", d - p }')
    expand=${expand:-0}
    [ -n "$base" ] || base=$expand
    net=$(awk -v e="$expand" -v b="$base" 'BEGIN { printf "%.3f", e - b }')
    printf '%8d %10s %10s %10s %10s %14s\n' "$n" "$plain" "$diff" "$extra" "$expand" "$net"
done
