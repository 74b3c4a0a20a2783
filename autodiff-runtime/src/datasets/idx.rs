//! MNIST's IDX files (plain or gzip).
use super::error::{io_error, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC};
use super::{DataError, Dataset};
use flate2::read::MultiGzDecoder;
use ndarray::Array2;
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

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
