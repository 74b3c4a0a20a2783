//! Page faults of a gradient's worth of arrays, read from `/proc/self/stat`: shared by the
//! runtime's `heap` test and the facade's `heap_models` test (`#[path]`).

/// This process's minor page faults so far (field 10 of `/proc/self/stat`).
pub fn minor_faults() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    let after = &stat[stat.rfind(')').expect("a command name") + 1..];
    after
        .split_whitespace()
        .nth(7)
        .and_then(|f| f.parse().ok())
        .expect("the minflt field")
}

/// `rounds` times: 40 arrays of 200 KiB alive at once (a tape), then all freed; the page
/// faults that took.
pub fn faults_of_rounds(rounds: usize) -> u64 {
    let before = minor_faults();
    for i in 0..rounds {
        let tape: Vec<_> = (0..40)
            .map(|k| ndarray::Array1::<f64>::from_elem(25_600, (i + k) as f64))
            .collect();
        assert_eq!(std::hint::black_box(&tape)[39][7], (i + 39) as f64);
    }
    minor_faults() - before
}
