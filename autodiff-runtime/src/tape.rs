//! The tapes of the generated code's regions: what the forward sweep keeps per run of a
//! branch or a loop body, popped by the reverse sweep in reverse order. A loop body runs many
//! times: its tape is a `Vec`, an entry per iteration. A branch outside every loop runs at
//! most once per call: its tape is a [`OnceTape`], one entry in place, no heap.

/// A tape the reverse sweep pops ([`pop`]): a `Vec` or a [`OnceTape`].
pub trait RegionTape {
    /// What one run of the region keeps.
    type Entry;
    /// Keeps the entry of one run.
    fn push_entry(&mut self, entry: Self::Entry);
    /// The last entry kept, if any.
    fn pop_entry(&mut self) -> Option<Self::Entry>;
}

impl<T> RegionTape for Vec<T> {
    type Entry = T;
    #[inline]
    fn push_entry(&mut self, entry: T) {
        self.push(entry);
    }
    #[inline]
    fn pop_entry(&mut self) -> Option<T> {
        self.pop()
    }
}

/// The tape of a region that runs at most once per call (a branch outside every loop): its
/// one entry held in place, so that keeping a branch's values costs no allocation.
///
/// ```
/// use autodiff_runtime::{pop, OnceTape};
/// let mut tape = OnceTape::new();
/// tape.push((1.0_f64, 2.0_f64));
/// assert_eq!(pop(&mut tape), (1.0, 2.0));
/// ```
#[derive(Clone, Debug)]
pub struct OnceTape<T>(Option<T>);

impl<T> OnceTape<T> {
    /// An empty tape.
    #[inline]
    pub fn new() -> Self {
        OnceTape(None)
    }

    /// Keeps the entry of the region's one run.
    ///
    /// **Panics** if the tape already holds one, which would be a bug in the generated code
    /// (a region that runs more than once has a `Vec`).
    #[track_caller]
    #[inline]
    pub fn push(&mut self, entry: T) {
        if self.0.replace(entry).is_some() {
            panic!("autodiff: internal error: a region outside loops ran twice");
        }
    }
}

impl<T> Default for OnceTape<T> {
    fn default() -> Self {
        OnceTape::new()
    }
}

impl<T> RegionTape for OnceTape<T> {
    type Entry = T;
    #[track_caller]
    #[inline]
    fn push_entry(&mut self, entry: T) {
        self.push(entry);
    }
    #[inline]
    fn pop_entry(&mut self) -> Option<T> {
        self.0.take()
    }
}

/// Takes the next entry off a loop or branch tape (the reverse sweep pops exactly what the
/// forward sweep pushed).
///
/// **Panics** on an empty tape, which would be a bug in the generated code.
///
/// ```
/// let mut tape = vec![1, 2];
/// assert_eq!(autodiff_runtime::pop(&mut tape), 2);
/// ```
#[track_caller]
#[inline]
pub fn pop<S: RegionTape>(tape: &mut S) -> S::Entry {
    match tape.pop_entry() {
        Some(entry) => entry,
        None => panic!("autodiff: internal error: the reverse sweep popped an empty tape"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `Vec` pops its entries last in first out; a `OnceTape` gives its one entry once.
    #[test]
    fn tapes_pop_what_was_pushed() {
        let mut v = Vec::new();
        v.push_entry(1);
        v.push_entry(2);
        assert_eq!((pop(&mut v), pop(&mut v)), (2, 1));
        let mut once = OnceTape::default();
        once.push_entry([1.0, 2.0]);
        assert_eq!(pop(&mut once), [1.0, 2.0]);
        assert_eq!(once.pop_entry(), None);
    }

    /// A second entry on a `OnceTape` is a bug in the generated code: it panics.
    #[test]
    #[should_panic(expected = "ran twice")]
    fn a_once_tape_takes_one_entry() {
        let mut once = OnceTape::new();
        once.push(1);
        once.push(2);
    }

    /// Popping an empty tape is a bug in the generated code: it panics.
    #[test]
    #[should_panic(expected = "popped an empty tape")]
    fn popping_an_empty_tape_panics() {
        let mut once = OnceTape::<f64>::new();
        let _ = pop(&mut once);
    }
}
