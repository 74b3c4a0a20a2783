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
