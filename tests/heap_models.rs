//! A gradient whose only float parameter is a struct keeps glibc's freed heap mapped too
//! (`Model::new` calls `retain_freed_heap`, as every array parameter does): after one call,
//! a gradient's worth of arrays allocated and freed again and again faults no pages in. A
//! test binary of its own, so that nothing else has raised glibc's thresholds first.
#![cfg(all(target_os = "linux", target_env = "gnu", target_pointer_width = "64"))]
use autodiff::ndarray::Array1;
use autodiff::prelude::*;
use autodiff::Differentiable;

#[derive(Differentiable, Clone, Debug)]
struct Scale {
    w: f64,
}

impl Scale {
    #[differentiate]
    fn loss(&self, k: usize) -> f64 {
        self.w * self.w * k as f64
    }
}

/// This process's minor page faults so far (field 10 of `/proc/self/stat`).
fn minor_faults() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat");
    let after = &stat[stat.rfind(')').expect("a command name") + 1..];
    after
        .split_whitespace()
        .nth(7)
        .and_then(|f| f.parse().ok())
        .expect("the minflt field")
}

/// `rounds` times: 40 arrays of 200 KiB alive at once (a tape), then all freed; the faults.
fn faults_of_rounds(rounds: usize) -> u64 {
    let before = minor_faults();
    for i in 0..rounds {
        let tape: Vec<Array1<f64>> = (0..40)
            .map(|k| Array1::from_elem(25_600, (i + k) as f64))
            .collect();
        assert_eq!(std::hint::black_box(&tape)[39][7], (i + 39) as f64);
    }
    minor_faults() - before
}

#[test]
fn a_struct_only_gradient_keeps_the_heap() {
    let m = Scale { w: 1.5 };
    let (value, grad) = m.loss_grad(2);
    assert_eq!((value, grad.0.w), (4.5, 6.0));
    let _warm = faults_of_rounds(1);
    let faults = faults_of_rounds(20);
    // Without the call: about 40,000 (glibc hands the 8 MiB back after every round).
    assert!(faults < 2_000, "{faults} page faults for 20 rounds");
}
