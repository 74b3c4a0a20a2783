//! The interleaved timing loop shared by `benches/interleaved.rs` and
//! `peers/benches/interleaved.rs` (included with `#[path]`, not a bench target of its own):
//! every round times each variant of a workload in turn, so that a burst of load on a shared
//! machine lands on all of them alike.
use std::hint::black_box;
use std::time::Instant;

/// Minor page faults of this process so far (Linux; `None` elsewhere).
fn minor_faults() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses: minflt is the 8th.
    let after = stat.get(stat.rfind(')')? + 2..)?;
    after.split_whitespace().nth(7)?.parse().ok()
}

/// One variant: a name and a function running one call (returning something to keep).
pub type Variant<'a> = (&'a str, Box<dyn FnMut() -> f64 + 'a>);

/// Times `calls` calls of each variant per round, `rounds` times, and prints per variant its
/// best round and its median round (per call), each with its ratio to variant `reference`,
/// and its page faults per call.
pub fn interleave(
    title: &str,
    calls: usize,
    rounds: usize,
    reference: usize,
    variants: &mut [Variant],
) {
    if !selected(title) {
        return;
    }
    let mut times = vec![Vec::with_capacity(rounds); variants.len()];
    let mut faults = vec![Some(0u64); variants.len()];
    let mut keep = 0.0;
    for _ in 0..rounds {
        for (k, (_, run)) in variants.iter_mut().enumerate() {
            let before = minor_faults();
            let start = Instant::now();
            for _ in 0..calls {
                keep += run();
            }
            times[k].push(start.elapsed().as_secs_f64() / calls as f64);
            faults[k] = match (faults[k], before, minor_faults()) {
                (Some(total), Some(b), Some(a)) => Some(total + a.saturating_sub(b)),
                _ => None,
            };
        }
    }
    let (best, median): (Vec<f64>, Vec<f64>) = times
        .iter_mut()
        .map(|t| {
            t.sort_by(f64::total_cmp);
            (t[0], t[t.len() / 2])
        })
        .unzip();
    println!("\n{title} ({calls} calls x {rounds} rounds; best round, median round)");
    for (k, (name, _)) in variants.iter().enumerate() {
        let mark = if k == reference { '=' } else { ' ' };
        let faults = faults[k].map_or("-".to_string(), |f| {
            format!("{:.1}", f as f64 / (calls * rounds) as f64)
        });
        println!(
            "  {name:26} best {:>10.3} us {mark}{:>6.3}   median {:>10.3} us {mark}{:>6.3}   faults/call {faults}",
            best[k] * 1e6,
            best[k] / best[reference],
            median[k] * 1e6,
            median[k] / median[reference],
        );
    }
    black_box(keep);
}

/// Whether a workload runs: every one does, unless the program's arguments hold a word (not
/// a number, not a `--flag`), which its title must then contain (`-- network`).
pub fn selected(title: &str) -> bool {
    std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-') && a.parse::<usize>().is_err())
        .all(|word| title.contains(&word))
}

/// The round count: a number among the program's arguments (`cargo bench` passes `--bench`
/// too), 30 if there is none.
pub fn rounds_from_args() -> usize {
    std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(30)
        .max(1)
}
