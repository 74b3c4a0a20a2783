//! A whole text file, plain or gzip-compressed (told apart by the gzip magic bytes): the
//! ADBench inputs come both ways.
use super::DataError;
use flate2::read::MultiGzDecoder;
use std::io::Read;
use std::path::Path;

/// The text of `path`, decompressed if it is gzip (`.gz` or not: the first two bytes tell).
///
/// # Errors
///
/// [`DataError::Io`] naming the file if it cannot be read, is broken gzip or is not UTF-8.
///
/// ```
/// let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/DATA.md");
/// let text = autodiff_runtime::datasets::read_text(path)?;
/// assert!(text.contains("MNIST"));
/// let missing = autodiff_runtime::datasets::read_text("no/such/file.txt").unwrap_err();
/// assert!(missing.to_string().contains("no/such/file.txt"));
/// # Ok::<(), autodiff_runtime::datasets::DataError>(())
/// ```
pub fn read_text(path: impl AsRef<Path>) -> Result<String, DataError> {
    let path = path.as_ref();
    let io = |source: std::io::Error| DataError::Io {
        path: path.to_path_buf(),
        source,
    };
    let bytes = std::fs::read(path).map_err(io)?;
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut plain = Vec::new();
        MultiGzDecoder::new(bytes.as_slice())
            .read_to_end(&mut plain)
            .map_err(io)?;
        plain
    } else {
        bytes
    };
    String::from_utf8(bytes)
        .map_err(|e| io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}
