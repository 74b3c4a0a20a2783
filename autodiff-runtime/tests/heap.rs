//! `retain_freed_heap`, as every array parameter of a generated function calls it
//! (`Param::into_value`): after it, a gradient's worth of arrays (many of a few hundred KiB, all
//! freed at the end) allocated call after call is served from glibc's heap without faulting
//! its pages in again (read from the process's minor page faults in `/proc/self/stat`). Linux
//! with glibc only, where it does something.
#![cfg(all(target_os = "linux", target_env = "gnu", target_pointer_width = "64"))]

mod faults;
use faults::faults_of_rounds;

#[test]
fn freed_arrays_stay_mapped() {
    // Without it, glibc's thresholds follow the largest block freed so far (200 KiB: its heap
    // is trimmed above 400 KiB free), so each round hands its 8 MiB back and faults its 2,000
    // pages in again: about 40,000 faults for 20 rounds.
    let x = ndarray::Array1::<f64>::zeros(3);
    let _value = autodiff_runtime::Param::into_value(&x);
    let _warm = faults_of_rounds(1);
    let faults = faults_of_rounds(20);
    assert!(faults < 2_000, "{faults} page faults for 20 rounds");
}
