//! ADBench's bundle adjustment (`src/cpp/shared/ba.h` in microsoft/ADBench): per observation
//! the reprojection error of a point seen by a camera (Rodrigues rotation, with its
//! small-angle branch, radial distortion, projection), weighted, and Zach's weight error
//! `1 - w²`. The Jacobian is sparse: each observation's two rows depend only on its camera
//! (11), its point (3) and its weight (1), so it is assembled from the `jacobian` companion
//! of the per-observation function, in ADBench's CSR layout.
use autodiff::ndarray::{Array1, Array2};
use autodiff::prelude::*;

/// Camera parameters: rotation (3, Rodrigues), centre (3), focal length, principal point
/// (2), radial distortion (2).
pub const CAM: usize = 11;

/// One ADBench BA input, expanded from its compact form as ADBench's reader does.
pub struct Input {
    /// Cameras (n × 11).
    pub cams: Array2<f64>,
    /// Points (m × 3).
    pub points: Array2<f64>,
    /// One weight per observation (p).
    pub weights: Array1<f64>,
    /// Per observation: its camera and its point (observation i links camera i % n and
    /// point i % m).
    pub obs: Vec<(usize, usize)>,
    /// Per observation: the measured feature (p × 2).
    pub feats: Array2<f64>,
}

/// Parses ADBench's compact BA format (`n m p`, one camera, one point, one weight, one
/// feature) and expands it: every camera, point, weight and feature a copy of that one.
pub fn parse(text: &str) -> Result<Input, String> {
    let values: Vec<f64> = text
        .split_whitespace()
        .map(|t| {
            t.parse::<f64>()
                .map_err(|e| format!("not a number: {t:?} ({e})"))
        })
        .collect::<Result<_, _>>()?;
    if values.len() < 3 + CAM + 3 + 1 + 2 {
        return Err(format!(
            "{} numbers; the compact BA format has 20",
            values.len()
        ));
    }
    let (n, m, p) = (values[0] as usize, values[1] as usize, values[2] as usize);
    if n == 0 || m == 0 {
        return Err("no camera or no point".to_string());
    }
    let cam = &values[3..3 + CAM];
    let point = &values[3 + CAM..6 + CAM];
    let (w, feat) = (values[6 + CAM], &values[7 + CAM..9 + CAM]);
    Ok(Input {
        cams: Array2::from_shape_fn((n, CAM), |(_, j)| cam[j]),
        points: Array2::from_shape_fn((m, 3), |(_, j)| point[j]),
        weights: Array1::from_elem(p, w),
        obs: (0..p).map(|i| (i % n, i % m)).collect(),
        feats: Array2::from_shape_fn((p, 2), |(_, j)| feat[j]),
    })
}

/// Where a point's coordinates and the weight sit in an observation's parameters.
pub const X: usize = CAM;
pub const W: usize = CAM + 3;
/// An observation's parameters: its camera (11), its point (3) and its weight (1), the 15
/// columns of its two Jacobian rows.
pub const BLOCK: usize = CAM + 3 + 1;

/// The weighted reprojection error of one observation, its camera, point and weight in one
/// slice `p` (`p[..X]`, `p[X..W]`, `p[W]`), as ADBench's Manual and Tapenade modules take
/// them: the `jacobian` companion gives the observation's 2 x 15 block in one matrix.
#[differentiate(wrt(p), jacobian)]
pub fn observation_error(p: &[f64], feat: &[f64]) -> Array1<f64> {
    let (r0, r1, r2) = (p[0], p[1], p[2]);
    let (x0, x1, x2) = (p[X] - p[3], p[X + 1] - p[4], p[X + 2] - p[5]);
    // Rodrigues: rotate by |r| about r / |r|; to first order (r x pt) near 0.
    let sqtheta = r0 * r0 + r1 * r1 + r2 * r2;
    let (mut c0, mut c1, mut c2) = (x0, x1, x2);
    if sqtheta != 0.0 {
        let theta = sqtheta.sqrt();
        let (c, s) = (theta.cos(), theta.sin());
        let (w0, w1, w2) = (r0 / theta, r1 / theta, r2 / theta);
        let tmp = (w0 * x0 + w1 * x1 + w2 * x2) * (1.0 - c);
        c0 = x0 * c + (w1 * x2 - w2 * x1) * s + w0 * tmp;
        c1 = x1 * c + (w2 * x0 - w0 * x2) * s + w1 * tmp;
        c2 = x2 * c + (w0 * x1 - w1 * x0) * s + w2 * tmp;
    } else {
        c0 += r1 * x2 - r2 * x1;
        c1 += r2 * x0 - r0 * x2;
        c2 += r0 * x1 - r1 * x0;
    }
    let (p0, p1) = (c0 / c2, c1 / c2);
    let rsq = p0 * p0 + p1 * p1;
    let distortion = 1.0 + p[9] * rsq + p[10] * rsq * rsq;
    let mut err = Array1::<f64>::zeros(2);
    err[0] = p[W] * (p0 * distortion * p[6] + p[7] - feat[0]);
    err[1] = p[W] * (p1 * distortion * p[6] + p[8] - feat[1]);
    err
}

/// An observation's parameters in one array: `cam`, then `x`, then `w`.
pub fn observation(cam: &[f64], x: &[f64], w: f64) -> [f64; BLOCK] {
    let mut p = [w; BLOCK];
    p[..X].copy_from_slice(cam);
    p[X..W].copy_from_slice(x);
    p
}

/// The weighted reprojection error of `x` seen by `cam` against the feature `feat`.
pub fn reprojection_error(cam: &[f64], x: &[f64], w: f64, feat: &[f64]) -> Array1<f64> {
    observation_error(&observation(cam, x, w), feat)
}

/// Zach's weight error `1 - w²`.
#[differentiate]
pub fn weight_error(w: f64) -> f64 {
    1.0 - w * w
}

/// The objective: 2p reprojection errors, then p weight errors.
pub fn objective(input: &Input) -> (Vec<f64>, Vec<f64>) {
    let (mut reproj, mut werr) = (Vec::new(), Vec::new());
    objective_into(input, &mut reproj, &mut werr);
    (reproj, werr)
}

/// [`objective`] into vectors the caller keeps, as ADBench's modules write into their
/// output arrays: repeated calls reuse their storage.
pub fn objective_into(input: &Input, reproj: &mut Vec<f64>, werr: &mut Vec<f64>) {
    reproj.clear();
    werr.clear();
    for (i, &(c, q)) in input.obs.iter().enumerate() {
        let err = reprojection_error(
            row(&input.cams, c),
            row(&input.points, q),
            input.weights[i],
            row(&input.feats, i),
        );
        reproj.extend(err.iter());
    }
    werr.extend(input.weights.iter().map(|&w| weight_error(w)));
}

/// ADBench's sparse Jacobian in CSR form (3p rows: 2 per observation, then 1 per weight;
/// 11n + 3m + p columns).
pub struct Sparse {
    pub nrows: usize,
    pub ncols: usize,
    pub rows: Vec<usize>,
    pub cols: Vec<usize>,
    pub vals: Vec<f64>,
}

/// The Jacobian, each observation's block from `observation_error_jacobian`.
pub fn jacobian(input: &Input) -> Sparse {
    let mut j = Sparse {
        nrows: 0,
        ncols: 0,
        rows: Vec::new(),
        cols: Vec::new(),
        vals: Vec::new(),
    };
    jacobian_into(input, &mut j);
    j
}

/// [`jacobian`] into a matrix the caller keeps: its vectors are cleared and refilled, so
/// repeated calls reuse their storage, as ADBench's modules do (`BASparseMat::clear`).
pub fn jacobian_into(input: &Input, jac: &mut Sparse) {
    let (n, m, p) = (input.cams.nrows(), input.points.nrows(), input.obs.len());
    jac.nrows = 3 * p;
    jac.ncols = CAM * n + 3 * m + p;
    let Sparse {
        rows, cols, vals, ..
    } = jac;
    rows.clear();
    cols.clear();
    vals.clear();
    rows.reserve(3 * p + 1);
    cols.reserve(31 * p);
    vals.reserve(31 * p);
    rows.push(0);
    for (i, &(c, q)) in input.obs.iter().enumerate() {
        let params = observation(row(&input.cams, c), row(&input.points, q), input.weights[i]);
        let (_, (block,)) = observation_error_jacobian(&params, row(&input.feats, i));
        for r in 0..2 {
            cols.extend(CAM * c..CAM * (c + 1));
            cols.extend(CAM * n + 3 * q..CAM * n + 3 * (q + 1));
            cols.push(CAM * n + 3 * m + i);
            match block.row(r).to_slice() {
                Some(values) => vals.extend_from_slice(values),
                None => vals.extend(block.row(r).iter()),
            }
            rows.push(cols.len());
        }
    }
    for (i, &w) in input.weights.iter().enumerate() {
        let (_, (dw,)) = weight_error_grad(w);
        cols.push(CAM * n + 3 * m + i);
        vals.push(dw);
        rows.push(cols.len());
    }
}

/// Row `i` of a standard-layout matrix as a slice.
fn row(a: &Array2<f64>, i: usize) -> &[f64] {
    let width = a.ncols();
    match a.as_slice() {
        Some(all) => &all[i * width..(i + 1) * width],
        None => panic!("row: the matrix is not in standard layout"),
    }
}
