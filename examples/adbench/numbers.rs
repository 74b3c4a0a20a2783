//! The whitespace-separated numbers of an ADBench input, taken in order with what each is for
//! (named in the error when the file ends early or holds something else).
use autodiff::ndarray::{Array1, Array2};

/// The numbers of a text, read one at a time.
pub struct Numbers<'a> {
    tokens: std::str::SplitWhitespace<'a>,
}

impl<'a> Numbers<'a> {
    /// The numbers of `text`.
    pub fn new(text: &'a str) -> Self {
        Numbers {
            tokens: text.split_whitespace(),
        }
    }

    /// The next number, for `what`.
    pub fn next(&mut self, what: &str) -> Result<f64, String> {
        let token = self
            .tokens
            .next()
            .ok_or_else(|| format!("the file ends before {what}"))?;
        token
            .parse::<f64>()
            .map_err(|e| format!("{what}: not a number: {token:?} ({e})"))
    }

    /// The next number as a count or size.
    pub fn size(&mut self, what: &str) -> Result<usize, String> {
        let v = self.next(what)?;
        if v >= 0.0 && v.fract() == 0.0 {
            Ok(v as usize)
        } else {
            Err(format!("{what}: {v} is not a size"))
        }
    }

    /// The next `len` numbers.
    pub fn vector(&mut self, len: usize, what: &str) -> Result<Array1<f64>, String> {
        (0..len)
            .map(|_| self.next(what))
            .collect::<Result<Vec<_>, _>>()
            .map(Array1::from)
    }

    /// The next `rows * cols` numbers, row by row.
    pub fn matrix(&mut self, rows: usize, cols: usize, what: &str) -> Result<Array2<f64>, String> {
        let values = self.vector(rows * cols, what)?.to_vec();
        Array2::from_shape_vec((rows, cols), values).map_err(|e| e.to_string())
    }
}
