//! ADBench's timing methodology (`docs/Methodology.md` in microsoft/ADBench): run the
//! computation 1, 2, 4, .. times in a row until a block takes at least `min_time`, giving
//! `repeats`; then time blocks of `repeats` runs until `max_runs` samples or `time_limit` in
//! all; the result is the minimum per-run time over the samples.
use std::hint::black_box;
use std::time::Instant;

/// The minimum time of one run of `f`, in seconds, measured as ADBench does.
pub fn min_time_per_call<T>(
    mut f: impl FnMut() -> T,
    min_time: f64,
    time_limit: f64,
    max_runs: usize,
) -> f64 {
    let mut repeats = 1usize;
    let mut block = |repeats: usize| {
        let start = Instant::now();
        for _ in 0..repeats {
            black_box(f());
        }
        start.elapsed().as_secs_f64()
    };
    let mut elapsed = block(repeats);
    while elapsed < min_time {
        repeats *= 2;
        elapsed = block(repeats);
    }
    let mut best = elapsed / repeats as f64;
    let mut total = elapsed;
    let mut samples = 1;
    while samples < max_runs && total < time_limit {
        let t = block(repeats);
        best = best.min(t / repeats as f64);
        total += t;
        samples += 1;
    }
    best
}
