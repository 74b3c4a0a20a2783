//! ADBench's bundle adjustment (`examples/adbench/ba.rs`): the sparse Jacobian assembled from
//! `reprojection_error_jacobian` against central finite differences, in ADBench's CSR layout,
//! for the shipped input (its first observations) and a camera with no rotation (Rodrigues's
//! small-angle branch).
#[allow(dead_code)]
#[path = "../examples/adbench/ba.rs"]
mod ba;

fn input(observations: usize) -> ba::Input {
    let path = format!(
        "{}/data/adbench/ba/ba1_n49_m7776_p31843.txt",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = autodiff::datasets::read_text(&path).expect("the shipped ADBench input");
    let mut input = ba::parse(&text).expect("ADBench's compact BA format");
    input.obs.truncate(observations);
    input.weights = input
        .weights
        .slice(autodiff::ndarray::s![..observations])
        .to_owned();
    input.feats = input
        .feats
        .slice(autodiff::ndarray::s![..observations, ..])
        .to_owned();
    input
}

/// Every entry of the rows of observation `i` against central differences.
fn check_observation(input: &ba::Input, jac: &ba::Sparse, i: usize) {
    let (n, m) = (input.cams.nrows(), input.points.nrows());
    let (c, q) = input.obs[i];
    let (cam, x, w) = (
        input.cams.row(c).to_vec(),
        input.points.row(q).to_vec(),
        input.weights[i],
    );
    let feat = input.feats.row(i).to_vec();
    for r in 0..2 {
        let (start, end) = (jac.rows[2 * i + r], jac.rows[2 * i + r + 1]);
        assert_eq!(end - start, ba::CAM + 3 + 1, "row {}", 2 * i + r);
        for k in start..end {
            let col = jac.cols[k];
            let (mut cp, mut cm, mut xp, mut xm, mut wp, mut wm) =
                (cam.clone(), cam.clone(), x.clone(), x.clone(), w, w);
            let h;
            if col < ba::CAM * n {
                assert_eq!(col / ba::CAM, c);
                h = 1e-6 * cam[col % ba::CAM].abs().max(1.0);
                cp[col % ba::CAM] += h;
                cm[col % ba::CAM] -= h;
            } else if col < ba::CAM * n + 3 * m {
                assert_eq!((col - ba::CAM * n) / 3, q);
                let a = (col - ba::CAM * n) % 3;
                h = 1e-6 * x[a].abs().max(1.0);
                xp[a] += h;
                xm[a] -= h;
            } else {
                assert_eq!(col - ba::CAM * n - 3 * m, i);
                h = 1e-6;
                wp += h;
                wm -= h;
            }
            let numeric = (ba::reprojection_error(&cp, &xp, wp, &feat)[r]
                - ba::reprojection_error(&cm, &xm, wm, &feat)[r])
                / (2.0 * h);
            let got = jac.vals[k];
            assert!(
                (got - numeric).abs() <= 1e-6 * numeric.abs().max(1.0),
                "row {} col {col}: {got} vs {numeric}",
                2 * i + r
            );
        }
    }
}

#[test]
fn the_sparse_jacobian_matches_finite_differences() {
    let input = input(40);
    let jac = ba::jacobian(&input);
    let (n, m, p) = (input.cams.nrows(), input.points.nrows(), 40);
    assert_eq!((jac.nrows, jac.ncols), (3 * p, ba::CAM * n + 3 * m + p));
    assert_eq!(jac.rows.len(), 3 * p + 1);
    assert_eq!(jac.vals.len(), 2 * p * (ba::CAM + 4) + p);
    for i in [0, 1, 17, 39] {
        check_observation(&input, &jac, i);
    }
    // The weight rows: d(1 - w^2)/dw = -2w.
    for i in 0..p {
        assert_eq!(jac.vals[jac.rows[2 * p + i]], -2.0 * input.weights[i]);
    }
}

#[test]
fn a_camera_without_rotation_takes_the_small_angle_branch() {
    let mut input = input(3);
    input.cams.column_mut(0).fill(0.0);
    input.cams.column_mut(1).fill(0.0);
    input.cams.column_mut(2).fill(0.0);
    let jac = ba::jacobian(&input);
    for i in 0..3 {
        check_observation(&input, &jac, i);
    }
}

#[allow(dead_code)]
#[path = "fixtures/adbench/fixture.rs"]
mod fixture;

/// Generated data where every camera, point, weight and feature differs (ADBench's inputs
/// repeat one of each, so a wrong index would pass there): the errors and every block of the
/// sparse Jacobian, at its CSR place, against JAX.
#[test]
fn generated_data_matches_an_independent_jax_reference() {
    use autodiff::ndarray::{Array1, Array2};
    let f = fixture::read("ba_generated.txt");
    let shape = &f["shape"];
    let (n, m, p) = (shape[0] as usize, shape[1] as usize, shape[2] as usize);
    let matrix = |name: &str, cols: usize| {
        Array2::from_shape_vec((f[name].len() / cols, cols), f[name].clone()).expect("a matrix")
    };
    let input = ba::Input {
        cams: matrix("cams", ba::CAM),
        points: matrix("points", 3),
        weights: Array1::from(f["weights"].clone()),
        obs: f["obs"]
            .chunks(2)
            .map(|o| (o[0] as usize, o[1] as usize))
            .collect(),
        feats: matrix("feats", 2),
    };
    assert_eq!(
        (input.cams.nrows(), input.points.nrows(), input.obs.len()),
        (n, m, p)
    );
    let (reproj, werr) = ba::objective(&input);
    fixture::assert_matches("reprojection errors", &reproj, &f["errors"]);
    let want_w: Vec<f64> = input.weights.iter().map(|w| 1.0 - w * w).collect();
    fixture::assert_matches("weight errors", &werr, &want_w);
    let jac = ba::jacobian(&input);
    let blocks = &f["blocks"]; // per observation: 2 rows of 11 + 3 + 1
    for (i, &(c, q)) in input.obs.iter().enumerate() {
        for r in 0..2 {
            let start = jac.rows[2 * i + r];
            let want_cols: Vec<usize> = (0..ba::CAM)
                .map(|k| ba::CAM * c + k)
                .chain((0..3).map(|k| ba::CAM * n + 3 * q + k))
                .chain([ba::CAM * n + 3 * m + i])
                .collect();
            assert_eq!(
                &jac.cols[start..start + 15],
                &want_cols[..],
                "observation {i} row {r}: columns"
            );
            let want = &blocks[(2 * i + r) * 15..(2 * i + r + 1) * 15];
            fixture::assert_matches(
                &format!("observation {i} row {r}"),
                &jac.vals[start..start + 15],
                want,
            );
        }
    }
}

/// The timed forms write into outputs kept between calls (as ADBench's modules do): a second
/// call into a matrix and vectors already holding another input's results gives exactly
/// what fresh ones get.
#[test]
fn outputs_kept_between_calls_are_refilled_not_appended_to() {
    let (small, large) = (input(2), input(5));
    let mut jac = ba::jacobian(&large);
    let (mut reproj, mut werr) = ba::objective(&large);
    ba::jacobian_into(&small, &mut jac);
    ba::objective_into(&small, &mut reproj, &mut werr);
    let fresh = ba::jacobian(&small);
    assert_eq!((jac.nrows, jac.ncols), (fresh.nrows, fresh.ncols));
    assert_eq!(
        (&jac.rows, &jac.cols, &jac.vals),
        (&fresh.rows, &fresh.cols, &fresh.vals)
    );
    assert_eq!((reproj, werr), ba::objective(&small));
}
