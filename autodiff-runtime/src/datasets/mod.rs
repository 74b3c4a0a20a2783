//! Labelled image data sets: loaders for gzip CSV and MNIST IDX files, and the shuffling,
//! splitting and batching a training loop needs.
//!
//! Every loader returns a [`Dataset`]: one row of `f32` pixels per example, **scaled to
//! `[0, 1]` by dividing every value by the format's maximum pixel value** (a `max_value`
//! argument for CSV, 255 for IDX), and one class label per example. Malformed input is
//! reported as a [`DataError`] whose message names the file (and the line, for CSV).
//!
//! ```
//! use autodiff_runtime::datasets::{self, DataError};
//!
//! let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/digits.csv.gz");
//! let mut data = datasets::load_csv_gz(path, 16.0)?; // 8×8 digits, pixels 0..=16
//! data.shuffle(42);
//! let (train, test) = data.split(1500);
//! assert_eq!((train.len(), test.len()), (1500, 297));
//! for (x, y) in train.batches(100) {
//!     assert_eq!(x.nrows(), y.len()); // x: [batch, 64] pixels, y: labels
//! }
//! # Ok::<(), DataError>(())
//! ```
mod csv;
mod error;
mod idx;
mod text;

pub use csv::{load_csv, load_csv_gz};
pub use error::DataError;
pub use idx::load_idx;
pub use text::read_text;

use ndarray::{Array2, ArrayView2, Axis, Slice};

/// Examples and their class labels: row `i` of `images` is labelled `labels[i]`.
///
/// Pixels are `f32` in `[0, 1]` (the loaders divide by the format's maximum value). The
/// fields are public for direct use in a training loop; if you edit them, keep
/// `images.nrows() == labels.len()`: the methods that reorder or slice the examples panic
/// otherwise.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// One example per row, one pixel per column.
    pub images: Array2<f32>,
    /// The class of each row of `images`.
    pub labels: Vec<usize>,
}

impl Dataset {
    /// A data set from its parts.
    ///
    /// # Panics
    ///
    /// If `images` has a different number of rows than there are labels.
    ///
    /// ```
    /// let d = autodiff_runtime::datasets::Dataset::new(ndarray::Array2::zeros((3, 4)), vec![0, 1, 0]);
    /// assert_eq!((d.len(), d.n_features(), d.n_classes()), (3, 4, 2));
    /// ```
    #[track_caller]
    pub fn new(images: Array2<f32>, labels: Vec<usize>) -> Self {
        let data = Dataset { images, labels };
        data.check("Dataset::new");
        data
    }

    /// The number of examples.
    ///
    /// ```
    /// let d = autodiff_runtime::datasets::Dataset::new(ndarray::Array2::zeros((3, 4)), vec![0, 1, 0]);
    /// assert_eq!(d.len(), 3);
    /// ```
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    /// Whether there are no examples.
    ///
    /// ```
    /// let d = autodiff_runtime::datasets::Dataset::new(ndarray::Array2::zeros((0, 4)), vec![]);
    /// assert!(d.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The number of pixels per example (the number of columns of `images`).
    ///
    /// ```
    /// let d = autodiff_runtime::datasets::Dataset::new(ndarray::Array2::zeros((2, 784)), vec![3, 5]);
    /// assert_eq!(d.n_features(), 784);
    /// ```
    pub fn n_features(&self) -> usize {
        self.images.ncols()
    }

    /// The number of classes, taken as the largest label plus one (0 when empty): the width
    /// of the logits a classifier for these labels needs.
    ///
    /// ```
    /// let d = autodiff_runtime::datasets::Dataset::new(ndarray::Array2::zeros((2, 1)), vec![3, 7]);
    /// assert_eq!(d.n_classes(), 8);
    /// ```
    pub fn n_classes(&self) -> usize {
        self.labels.iter().max().map_or(0, |&m| m + 1)
    }

    /// Reorders the examples by a random permutation determined only by `seed` (the same seed
    /// gives the same order on every platform). Use `seed + epoch` for a new order per epoch.
    ///
    /// # Panics
    ///
    /// If the public fields were edited so that the row and label counts differ.
    ///
    /// ```
    /// use autodiff_runtime::datasets::Dataset;
    /// let images = ndarray::Array2::from_shape_fn((5, 1), |(i, _)| i as f32);
    /// let mut a = Dataset::new(images, vec![0, 1, 2, 3, 4]);
    /// let mut b = a.clone();
    /// a.shuffle(7);
    /// b.shuffle(7);
    /// assert_eq!(a, b);
    /// // images and labels move together
    /// assert!(a.labels.iter().zip(a.images.column(0)).all(|(&l, &x)| l as f32 == x));
    /// ```
    #[track_caller]
    pub fn shuffle(&mut self, seed: u64) {
        self.check("Dataset::shuffle");
        let mut rng = SplitMix64(seed);
        let mut order: Vec<usize> = (0..self.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.below(i + 1));
        }
        self.images = self.images.select(Axis(0), &order);
        self.labels = order.iter().map(|&i| self.labels[i]).collect();
    }

    /// Splits into the first `n_first` examples and the rest (shuffle first for a random
    /// split).
    ///
    /// # Panics
    ///
    /// If `n_first > self.len()`, or if the public fields were edited so that the row and
    /// label counts differ.
    ///
    /// ```
    /// use autodiff_runtime::datasets::Dataset;
    /// let d = Dataset::new(ndarray::Array2::zeros((10, 2)), vec![1; 10]);
    /// let (train, test) = d.split(8);
    /// assert_eq!((train.len(), test.len()), (8, 2));
    /// assert_eq!(test.images.shape(), &[2, 2]);
    /// ```
    #[track_caller]
    pub fn split(self, n_first: usize) -> (Dataset, Dataset) {
        self.check("Dataset::split");
        assert!(
            n_first <= self.len(),
            "Dataset::split: cannot take the first {n_first} of {} examples",
            self.len()
        );
        let mut first_labels = self.labels;
        let rest_labels = first_labels.split_off(n_first);
        let (first_images, rest_images) = self.images.view().split_at(Axis(0), n_first);
        let first = Dataset {
            images: copy(first_images),
            labels: first_labels,
        };
        let rest = Dataset {
            images: copy(rest_images),
            labels: rest_labels,
        };
        (first, rest)
    }

    /// Consecutive mini-batches of `batch_size` examples as `(images, labels)`, an
    /// `[n, features]` view and `n` labels; the last batch holds the remainder and may be
    /// smaller. Nothing is copied.
    ///
    /// # Panics
    ///
    /// If `batch_size` is 0, or if the public fields were edited so that the row and label
    /// counts differ.
    ///
    /// ```
    /// use autodiff_runtime::datasets::Dataset;
    /// let d = Dataset::new(ndarray::Array2::zeros((10, 3)), vec![0; 10]);
    /// let sizes: Vec<usize> = d.batches(4).map(|(x, y)| { assert_eq!(x.nrows(), y.len()); y.len() }).collect();
    /// assert_eq!(sizes, [4, 4, 2]);
    /// ```
    #[track_caller]
    pub fn batches(
        &self,
        batch_size: usize,
    ) -> impl ExactSizeIterator<Item = (ArrayView2<'_, f32>, &[usize])> + '_ {
        self.check("Dataset::batches");
        assert!(
            batch_size > 0,
            "Dataset::batches: batch_size must be at least 1"
        );
        let n = self.len();
        (0..n).step_by(batch_size).map(move |start| {
            let end = n.min(start + batch_size);
            (
                self.images.slice_axis(Axis(0), Slice::from(start..end)),
                &self.labels[start..end],
            )
        })
    }

    /// Panics, naming `op`, if the rows and labels are out of step.
    #[track_caller]
    fn check(&self, op: &str) {
        assert!(
            self.images.nrows() == self.labels.len(),
            "{op}: {} rows of images but {} labels",
            self.images.nrows(),
            self.labels.len()
        );
    }
}

/// An owned copy of a view. (ndarray 0.17.2's `to_owned` panics on the empty view
/// `split_at` returns at the end of an array, so this allocates and assigns instead.)
fn copy(view: ArrayView2<'_, f32>) -> Array2<f32> {
    let mut owned = Array2::zeros(view.raw_dim());
    owned.assign(&view);
    owned
}

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny, fast, well-mixed generator, enough for
/// shuffling and reproducible everywhere.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (Lemire's multiply-shift; the bias is below `n / 2^64`).
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }
}
