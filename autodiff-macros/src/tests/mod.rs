//! Tests of the expansion as a function on token streams (no compiler needed).
mod golden;
mod hostile;
mod property;
