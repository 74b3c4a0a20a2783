//! placeholder
pub use ndarray;
