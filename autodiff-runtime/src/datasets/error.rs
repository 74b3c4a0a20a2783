//! Why a data set could not be loaded.
use std::error::Error;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Magic number of an IDX file of unsigned-byte images (`[n, rows, cols]`).
pub(super) const IDX_IMAGES_MAGIC: u32 = 2051;
/// Magic number of an IDX file of unsigned-byte labels (`[n]`).
pub(super) const IDX_LABELS_MAGIC: u32 = 2049;

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

pub(super) fn io_error(path: &Path, source: io::Error) -> DataError {
    DataError::Io {
        path: path.into(),
        source,
    }
}
