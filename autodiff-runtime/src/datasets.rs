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
use flate2::read::MultiGzDecoder;
use ndarray::{Array2, ArrayView2, Axis, Slice};
use std::error::Error;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// Magic number of an IDX file of unsigned-byte images (`[n, rows, cols]`).
const IDX_IMAGES_MAGIC: u32 = 2051;
/// Magic number of an IDX file of unsigned-byte labels (`[n]`).
const IDX_LABELS_MAGIC: u32 = 2049;
/// The file name [`load_csv`] reports in its errors.
const READER_NAME: &str = "<csv reader>";

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

/// Why a data set could not be loaded. Every message is one line naming the file.
#[derive(Debug)]
#[non_exhaustive]
pub enum DataError {
    /// The file is missing, unreadable, or not valid gzip / UTF-8.
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// An IDX file shorter than its header announces.
    Truncated {
        /// The file.
        path: PathBuf,
        /// Bytes the header announces (header included; after decompression for `.gz`).
        expected: u64,
        /// Bytes in the file.
        found: u64,
    },
    /// An IDX file longer than its header announces.
    TrailingBytes {
        /// The file.
        path: PathBuf,
        /// Bytes the header announces (header included; after decompression for `.gz`).
        expected: u64,
        /// Bytes in the file.
        found: u64,
    },
    /// An IDX file that does not start with the magic number of its kind (2051 for images,
    /// 2049 for labels).
    BadMagic {
        /// The file.
        path: PathBuf,
        /// The magic number of the expected kind of file.
        expected: u32,
        /// The first four bytes of the file, big-endian.
        found: u32,
    },
    /// A CSV pixel field that is not a finite number.
    NotNumeric {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// 1-based column number.
        column: usize,
        /// The offending field.
        field: String,
    },
    /// A CSV pixel value below 0 or above the `max_value` it is scaled by.
    PixelOutOfRange {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// 1-based column number.
        column: usize,
        /// The value as read.
        value: f32,
        /// The `max_value` passed to the loader.
        max_value: f32,
    },
    /// A CSV line whose column count differs from the first line's.
    Ragged {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// Columns on the first line.
        expected: usize,
        /// Columns on this line.
        found: usize,
    },
    /// A CSV label (last column) that is not an integer in `0..=255`.
    BadLabel {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// The offending field.
        value: String,
    },
    /// IDX image and label files that hold different numbers of examples.
    LabelCountMismatch {
        /// The image file.
        images: PathBuf,
        /// The label file.
        labels: PathBuf,
        /// Images in the image file.
        n_images: usize,
        /// Labels in the label file.
        n_labels: usize,
    },
    /// A file with no examples.
    Empty {
        /// The file.
        path: PathBuf,
    },
}

impl fmt::Display for DataError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DataError::Io { path, source } => write!(f, "cannot read {}: {source}", path.display()),
            DataError::Truncated {
                path,
                expected,
                found,
            } => write!(
                f,
                "{} is truncated: {found} bytes, but its header announces {expected}",
                path.display()
            ),
            DataError::TrailingBytes {
                path,
                expected,
                found,
            } => write!(
                f,
                "{} has {} bytes after the {expected} its header announces",
                path.display(),
                found.saturating_sub(*expected)
            ),
            DataError::BadMagic {
                path,
                expected,
                found,
            } => write!(
                f,
                "{}: bad magic number {found} (an IDX {} file starts with {expected})",
                path.display(),
                if *expected == IDX_IMAGES_MAGIC {
                    "image"
                } else {
                    "label"
                }
            ),
            DataError::NotNumeric {
                path,
                line,
                column,
                field,
            } => write!(
                f,
                "{}, line {line}, column {column}: {field:?} is not a number",
                path.display()
            ),
            DataError::PixelOutOfRange {
                path,
                line,
                column,
                value,
                max_value,
            } => write!(
                f,
                "{}, line {line}, column {column}: pixel value {value} is outside [0, {max_value}]",
                path.display()
            ),
            DataError::Ragged {
                path,
                line,
                expected,
                found,
            } => write!(
                f,
                "{}, line {line}: {found} columns, but the first line has {expected}",
                path.display()
            ),
            DataError::BadLabel { path, line, value } => write!(
                f,
                "{}, line {line}: label {value:?} is not an integer from 0 to 255",
                path.display()
            ),
            DataError::LabelCountMismatch {
                images,
                labels,
                n_images,
                n_labels,
            } => write!(
                f,
                "{} has {n_labels} labels but {} has {n_images} images",
                labels.display(),
                images.display()
            ),
            DataError::Empty { path } => write!(f, "{} contains no examples", path.display()),
        }
    }
}

impl Error for DataError {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        match self {
            DataError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Loads a gzip-compressed CSV file with one example per line: the pixel values, then the
/// integer label (`0..=255`) as the last column. No header line; blank lines are skipped.
/// Pixels are divided by `max_value` (255 for 8-bit images), so they land in `[0, 1]`.
///
/// # Errors
///
/// A [`DataError`] naming the file if it cannot be read or decompressed, has no examples,
/// has lines with differing column counts, or holds a non-numeric field, a pixel outside
/// `[0, max_value]` or a bad label (the line number is given).
///
/// # Panics
///
/// If `max_value` is not positive and finite.
///
/// ```
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/digits.csv.gz");
/// let digits = autodiff_runtime::datasets::load_csv_gz(path, 16.0)?;
/// assert_eq!(digits.images.shape(), &[1797, 64]);
/// assert_eq!(digits.n_classes(), 10);
/// # Ok::<(), autodiff_runtime::datasets::DataError>(())
/// ```
#[track_caller]
pub fn load_csv_gz(path: impl AsRef<Path>, max_value: f32) -> Result<Dataset, DataError> {
    check_max_value(max_value);
    let path = path.as_ref();
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    parse_csv(BufReader::new(MultiGzDecoder::new(file)), path, max_value)
}

/// [`load_csv_gz`] for uncompressed CSV text from any reader (a [`BufReader`] over a file, a
/// byte slice, ...). Errors name the input `<csv reader>`.
///
/// # Errors
///
/// As [`load_csv_gz`].
///
/// # Panics
///
/// If `max_value` is not positive and finite.
///
/// ```
/// use autodiff_runtime::datasets::load_csv;
/// let data = load_csv("0,255,1\n51,0,0\n".as_bytes(), 255.0)?;
/// assert_eq!(data.images, ndarray::array![[0.0, 1.0], [0.2, 0.0]]);
/// assert_eq!(data.labels, [1, 0]);
///
/// let err = load_csv("0,1\n0,1,2\n".as_bytes(), 255.0).unwrap_err();
/// assert_eq!(err.to_string(), "<csv reader>, line 2: 3 columns, but the first line has 2");
/// # Ok::<(), autodiff_runtime::datasets::DataError>(())
/// ```
#[track_caller]
pub fn load_csv(reader: impl BufRead, max_value: f32) -> Result<Dataset, DataError> {
    check_max_value(max_value);
    parse_csv(reader, Path::new(READER_NAME), max_value)
}

#[track_caller]
fn check_max_value(max_value: f32) {
    assert!(
        max_value.is_finite() && max_value > 0.0,
        "datasets: max_value must be positive and finite, got {max_value}"
    );
}

/// The CSV parser behind [`load_csv_gz`] and [`load_csv`]; `path` names the input in errors.
fn parse_csv(mut reader: impl BufRead, path: &Path, max_value: f32) -> Result<Dataset, DataError> {
    let mut pixels = Vec::new();
    let mut labels = Vec::new();
    let mut columns = None;
    let mut text = String::new();
    let mut line = 0;
    loop {
        text.clear();
        if reader.read_line(&mut text).map_err(|e| io_error(path, e))? == 0 {
            break;
        }
        line += 1;
        let row = text.trim();
        if row.is_empty() {
            continue;
        }
        let found = row.split(',').count();
        let expected = *columns.get_or_insert(found);
        if found != expected {
            return Err(DataError::Ragged {
                path: path.into(),
                line,
                expected,
                found,
            });
        }
        let mut fields = row.split(',').map(str::trim);
        for (i, field) in fields.by_ref().take(expected - 1).enumerate() {
            let column = i + 1;
            let value = match field.parse::<f32>() {
                Ok(v) if v.is_finite() => v,
                _ => {
                    let field = field.to_owned();
                    return Err(DataError::NotNumeric {
                        path: path.into(),
                        line,
                        column,
                        field,
                    });
                }
            };
            if !(0.0..=max_value).contains(&value) {
                return Err(DataError::PixelOutOfRange {
                    path: path.into(),
                    line,
                    column,
                    value,
                    max_value,
                });
            }
            pixels.push(value / max_value);
        }
        let label = fields.next().unwrap_or_default();
        labels.push(parse_label(label).ok_or_else(|| DataError::BadLabel {
            path: path.into(),
            line,
            value: label.to_owned(),
        })?);
    }
    let features = columns.map_or(0, |c| c - 1);
    if labels.is_empty() {
        return Err(DataError::Empty { path: path.into() });
    }
    match Array2::from_shape_vec((labels.len(), features), pixels) {
        Ok(images) => Ok(Dataset { images, labels }),
        Err(e) => unreachable!("datasets: every row has {features} pixels: {e}"),
    }
}

/// A label field: an integer (written `7`, `+7` or `7.0`) from 0 to 255.
fn parse_label(field: &str) -> Option<usize> {
    let v: f64 = field.parse().ok()?;
    // `as` is exact here: `v` is a whole number in 0..=255.
    (v.fract() == 0.0 && (0.0..256.0).contains(&v)).then_some(v as usize)
}

/// Loads the MNIST training and test sets from the four standard IDX files in `dir`:
/// `train-images-idx3-ubyte`, `train-labels-idx1-ubyte`, `t10k-images-idx3-ubyte` and
/// `t10k-labels-idx1-ubyte`, each read plain if present, else with a `.gz` suffix. Returns
/// `(train, test)`; pixels are divided by 255 and each image is flattened row by row into one
/// row of `images` (784 columns for MNIST's 28×28).
///
/// # Errors
///
/// A [`DataError`] naming the file if one is missing or unreadable, has the wrong magic
/// number (2051 for images, 2049 for labels), is shorter or longer than its header
/// announces, holds no examples, or if an image file and its label file disagree on the
/// number of examples.
///
/// ```
/// use autodiff_runtime::datasets::{load_idx, DataError};
/// # let dir = std::env::temp_dir().join(format!("autodiff-doc-idx-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// # for (set, n) in [("train", 3u8), ("t10k", 1)] {
/// #     let mut images = vec![0, 0, 8, 3, 0, 0, 0, n, 0, 0, 0, 2, 0, 0, 0, 2];
/// #     images.extend((0..4 * n).map(|i| i * 17));
/// #     std::fs::write(dir.join(format!("{set}-images-idx3-ubyte")), images).unwrap();
/// #     let mut labels = vec![0, 0, 8, 1, 0, 0, 0, n];
/// #     labels.extend(0..n);
/// #     std::fs::write(dir.join(format!("{set}-labels-idx1-ubyte")), labels).unwrap();
/// # }
/// // `dir` holds 2×2-pixel images: 3 for training, 1 for testing
/// let (train, test) = load_idx(&dir)?;
/// assert_eq!(train.images.shape(), &[3, 4]);
/// assert_eq!(train.labels, [0, 1, 2]);
/// assert_eq!(test.len(), 1);
/// assert!(train.images.iter().all(|&p| (0.0..=1.0).contains(&p)));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// # Ok::<(), DataError>(())
/// ```
pub fn load_idx(dir: impl AsRef<Path>) -> Result<(Dataset, Dataset), DataError> {
    let dir = dir.as_ref();
    let train = load_idx_pair(dir, "train-images-idx3-ubyte", "train-labels-idx1-ubyte")?;
    let test = load_idx_pair(dir, "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")?;
    Ok((train, test))
}

/// One IDX image file and its label file, as a [`Dataset`].
fn load_idx_pair(dir: &Path, images_name: &str, labels_name: &str) -> Result<Dataset, DataError> {
    let images_path = find_file(dir, images_name)?;
    let bytes = read_file(&images_path)?;
    let (dims, pixels) = idx_body(&images_path, &bytes, IDX_IMAGES_MAGIC, 3)?;
    let n_images = dims[0];
    let features = dims[1] * dims[2];

    let labels_path = find_file(dir, labels_name)?;
    let bytes = read_file(&labels_path)?;
    let (dims, labels) = idx_body(&labels_path, &bytes, IDX_LABELS_MAGIC, 1)?;
    if dims[0] != n_images {
        return Err(DataError::LabelCountMismatch {
            images: images_path,
            labels: labels_path,
            n_images,
            n_labels: dims[0],
        });
    }

    let pixels = pixels.iter().map(|&p| f32::from(p) / 255.0).collect();
    let labels = labels.iter().map(|&l| usize::from(l)).collect();
    match Array2::from_shape_vec((n_images, features), pixels) {
        Ok(images) => Ok(Dataset { images, labels }),
        Err(e) => unreachable!("datasets: the IDX body has n × rows × cols bytes: {e}"),
    }
}

/// Checks an IDX file's magic number and length, and returns its dimensions and data bytes.
fn idx_body<'a>(
    path: &Path,
    bytes: &'a [u8],
    magic: u32,
    n_dims: usize,
) -> Result<(Vec<usize>, &'a [u8]), DataError> {
    let header_len = 4 * (1 + n_dims);
    let found = bytes.len() as u64;
    let truncated = |expected| DataError::Truncated {
        path: path.into(),
        expected,
        found,
    };
    let word = |i: usize| {
        bytes
            .get(4 * i..4 * i + 4)
            .map(|w| u32::from_be_bytes([w[0], w[1], w[2], w[3]]))
    };
    let found_magic = word(0).ok_or_else(|| truncated(header_len as u64))?;
    if found_magic != magic {
        return Err(DataError::BadMagic {
            path: path.into(),
            expected: magic,
            found: found_magic,
        });
    }
    let dims = (1..=n_dims)
        .map(|i| {
            word(i)
                .map(|d| d as usize)
                .ok_or_else(|| truncated(header_len as u64))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let body = dims.iter().fold(1u64, |n, &d| n.saturating_mul(d as u64));
    let expected = body.saturating_add(header_len as u64);
    if found < expected {
        return Err(truncated(expected));
    }
    if found > expected {
        return Err(DataError::TrailingBytes {
            path: path.into(),
            expected,
            found,
        });
    }
    if dims[0] == 0 {
        return Err(DataError::Empty { path: path.into() });
    }
    Ok((dims, &bytes[header_len..]))
}

/// `dir/name` if it exists, else `dir/name.gz` if that exists.
fn find_file(dir: &Path, name: &str) -> Result<PathBuf, DataError> {
    let plain = dir.join(name);
    if plain.exists() {
        return Ok(plain);
    }
    let gz = dir.join(format!("{name}.gz"));
    if gz.exists() {
        return Ok(gz);
    }
    let source = io::Error::new(
        io::ErrorKind::NotFound,
        format!("neither it nor {name}.gz exists"),
    );
    Err(io_error(&plain, source))
}

/// The whole file, decompressed if its name ends in `.gz`.
fn read_file(path: &Path) -> Result<Vec<u8>, DataError> {
    let file = File::open(path).map_err(|e| io_error(path, e))?;
    let mut bytes = Vec::new();
    let read = if path.extension().is_some_and(|e| e == "gz") {
        MultiGzDecoder::new(file).read_to_end(&mut bytes)
    } else {
        BufReader::new(file).read_to_end(&mut bytes)
    };
    read.map_err(|e| io_error(path, e))?;
    Ok(bytes)
}

fn io_error(path: &Path, source: io::Error) -> DataError {
    DataError::Io {
        path: path.into(),
        source,
    }
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
