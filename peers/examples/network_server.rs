//! Our network gradient, timed on request, for the Python peers (`python/network.py`): a
//! Python process cannot call Rust in-process without FFI, so it starts this program and
//! interleaves, round by round, its own numpy and JAX timings with ours and the hand-written
//! gradient's, timed here.
//!
//! ```text
//! cargo run --release --example network_server -- DIR
//! ```
//!
//! First it writes, for each size, `DIR/network_{B}x{D}x{H}x{C}.f32`: our loss, then dW1 and
//! dW2 in row-major order, little-endian f32, for the Python side to check its gradients
//! against, and prints `ready`. Then it answers each line `SIZE VARIANT CALLS` on standard
//! input (`small|large`, `generated|buffers|allocating|forward`, a count) with the seconds
//! per call of a block of that many calls, until standard input closes.
use std::hint::black_box;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::time::Instant;

#[allow(dead_code)]
#[path = "../../benches/workloads/network.rs"]
mod network;

struct Problem {
    inputs: network::Inputs,
    work: network::Work,
}

impl Problem {
    fn new((b, d, h, c): (usize, usize, usize, usize)) -> Self {
        Problem {
            inputs: network::inputs(b, d, h, c),
            work: network::Work::new(b, d, h, c),
        }
    }

    /// One call of a variant; returns something to keep.
    fn run(&mut self, variant: &str) -> Result<f64, String> {
        let (x, w1, w2, y) = &self.inputs;
        Ok(match variant {
            "generated" => network::generated_call(x, w1, w2, y),
            "buffers" => network::buffers_call(x, w1, w2, y, &mut self.work),
            "allocating" => network::allocating_call(x, w1, w2, y),
            "forward" => network::forward_call(x, w1, w2, y),
            other => return Err(format!("unknown variant {other:?}")),
        })
    }
}

fn write_reference(dir: &std::path::Path, p: &Problem) -> std::io::Result<()> {
    let (x, w1, w2, y) = &p.inputs;
    let (b, d, h, c) = (x.nrows(), x.ncols(), w1.ncols(), w2.ncols());
    let (l, (dw1, dw2)) = network::loss_grad(x, w1, w2, y);
    let path = dir.join(format!("network_{b}x{d}x{h}x{c}.f32"));
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    for v in std::iter::once(&l).chain(dw1.iter()).chain(dw2.iter()) {
        out.write_all(&v.to_le_bytes())?;
    }
    out.flush()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = PathBuf::from(std::env::args().nth(1).ok_or("usage: network_server DIR")?);
    std::fs::create_dir_all(&dir)?;
    let mut small = Problem::new((64, 64, 32, 10));
    let mut large = Problem::new((256, 784, 256, 10));
    write_reference(&dir, &small)?;
    write_reference(&dir, &large)?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "ready")?;
    stdout.flush()?;
    let mut keep = 0.0;
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let words: Vec<&str> = line.split_whitespace().collect();
        let [size, variant, calls] = words[..] else {
            return Err(format!("expected `SIZE VARIANT CALLS`, got {line:?}").into());
        };
        let problem = match size {
            "small" => &mut small,
            "large" => &mut large,
            other => return Err(format!("unknown size {other:?}").into()),
        };
        let calls: usize = calls.parse()?;
        let start = Instant::now();
        for _ in 0..calls {
            keep += problem.run(variant)?;
        }
        writeln!(stdout, "{:e}", start.elapsed().as_secs_f64() / calls as f64)?;
        stdout.flush()?;
    }
    black_box(keep);
    Ok(())
}
