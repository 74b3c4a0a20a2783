//! A gradient whose only float parameter is a struct keeps glibc's freed heap mapped too
//! (`Model::new` calls `retain_freed_heap`, as every array parameter does): after one call,
//! a gradient's worth of arrays allocated and freed again and again faults no pages in. A
//! test binary of its own, so that nothing else has raised glibc's thresholds first.
#![cfg(all(target_os = "linux", target_env = "gnu", target_pointer_width = "64"))]
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

#[path = "../autodiff-runtime/tests/faults/mod.rs"]
mod faults;
use faults::faults_of_rounds;

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
