//! Gzip CSV: one example per line, the pixels then the label.
use super::error::io_error;
use super::{DataError, Dataset};
use flate2::read::MultiGzDecoder;
use ndarray::Array2;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// The file name [`load_csv`] reports in its errors.
const READER_NAME: &str = "<csv reader>";

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
