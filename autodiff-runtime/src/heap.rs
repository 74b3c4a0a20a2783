//! glibc's malloc and the arrays of a differentiated body.
//!
//! A gradient allocates an array per operation (and its tape per loop iteration) and frees
//! them before it returns. glibc's malloc serves a request above its *mmap threshold* (128 KiB
//! at start) with a fresh mapping, and gives the top of its heap back to the OS whenever more
//! than its *trim threshold* (twice the mmap threshold) is free there. Both rise only when a
//! mapped block is freed, to that block's size. So a process whose largest freed block is a
//! few hundred KiB hands its heap back after every gradient and faults it in again, page by
//! page, on the next call: ADBench's GMM d20 K50 gradient took 7.0 ms with 305,000 page faults
//! per run of the example, and 3.8 ms with 2,800 once the thresholds were raised; the
//! network's `hvp` 1.4 ms against 0.7 ms.
//!
//! [`retain_freed_heap`] raises both, once per process, by allocating and freeing one block
//! of 30 MiB (mapped and unmapped; only the page of glibc's header is touched). glibc then
//! serves arrays up to 30 MiB from its heap and keeps up to 60 MiB of freed heap mapped
//! between calls (per arena: each thread that allocates may keep as much), as a caching
//! allocator (PyTorch's, XLA's) keeps its pool. Every array or sequence parameter of a
//! generated function ([`Param`](crate::Param)) and every struct parameter
//! ([`Model`](crate::Model)) calls it on the way in, so users need not. With another
//! allocator it costs one untouched allocation; off 64-bit Linux with glibc (where glibc caps
//! the threshold it raises far lower) it does nothing.

/// The block whose freeing sets glibc's thresholds: below glibc's cap on the dynamic mmap
/// threshold (32 MiB on 64-bit targets), with room for its header.
#[cfg(all(target_os = "linux", target_env = "gnu", target_pointer_width = "64"))]
const BLOCK: usize = 30 << 20;

/// Raises glibc's mmap and trim thresholds once per process (see the module docs): arrays up
/// to 30 MiB come from the heap, and up to 60 MiB of freed heap stays mapped. A no-op after
/// the first call and off 64-bit Linux with glibc; with another global allocator, one
/// untouched allocation.
///
/// ```
/// autodiff_runtime::retain_freed_heap();
/// autodiff_runtime::retain_freed_heap(); // the second call does nothing
/// ```
#[inline]
pub fn retain_freed_heap() {
    #[cfg(all(target_os = "linux", target_env = "gnu", target_pointer_width = "64"))]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        // `black_box`: an allocation nothing reads is otherwise removed by the optimiser.
        ONCE.call_once(|| drop(std::hint::black_box(Vec::<u8>::with_capacity(BLOCK))));
    }
}

/// The largest array [`zeros`] allocates with `malloc`: glibc's per-thread cache holds chunks
/// up to 1,032 bytes.
const SMALL: usize = 1024;

/// An array of zeros of shape `dim`. Small ones (at most 1 KiB) are allocated with `malloc`
/// and filled, not with `calloc` (ndarray's `zeros`): glibc's `calloc` never takes a chunk
/// from its per-thread cache, so small arrays made by `calloc` and freed right after fill
/// that cache, and every further free goes the slow way, merging into the heap's top and
/// consolidating the fast bins. That was 16% of ADBench BA's Jacobian, whose blocks, seeds
/// and scattered adjoints are arrays of 2 to 30 numbers made per observation. Larger arrays
/// keep `calloc` (which clears reused heap memory as `memset` would, and hands out fresh
/// pages without writing them).
pub(crate) fn zeros<A: crate::Scalar, D: ndarray::Dimension>(dim: D) -> ndarray::Array<A, D> {
    if dim.size().saturating_mul(std::mem::size_of::<A>()) <= SMALL {
        ndarray::Array::from_shape_simple_fn(dim, A::zero)
    } else {
        ndarray::Array::zeros(dim)
    }
}

#[cfg(test)]
mod tests {
    /// Small and large, every element zero and the shape as asked.
    #[test]
    fn zeros_of_every_size() {
        for n in [0, 1, 15, 128, 129, 10_000] {
            let z = super::zeros::<f64, _>(ndarray::Ix2(n, 3));
            assert_eq!(z.shape(), &[n, 3]);
            assert!(z.iter().all(|&v| v == 0.0));
        }
    }
}
