//! Calls to the earlier generated functions (across modules), with the arguments they take.
use super::types::{bug, Gen, Param, Program, Ty, Var, E};

impl Gen<'_> {
    /// The variables of type `ty` that hold a parameter's reference (`x`, or `a` after
    /// `let a = x;`).
    fn ref_vars(&self, ty: Ty) -> Vec<Var> {
        self.visible_of(ty)
            .into_iter()
            .filter(|v| v.is_ref)
            .collect()
    }

    /// A call to an earlier generated function whose array shapes fit this program.
    pub(crate) fn call(&mut self, d: usize) -> Option<E> {
        let fits: Vec<usize> = (0..self.helpers.len())
            .filter(|&i| {
                let h = &self.helpers[i];
                let refs_only = refs_only(h);
                // No struct passed whole, no differentiated method called from a body; a
                // generic body calls generic functions only (a plain one calls `h::<f64>`).
                let callable = !h.method
                    && !h
                        .params
                        .iter()
                        .any(|(_, p)| matches!(p, Param::Struct { .. }))
                    && (h.generic || !self.generic)
                    // A function with `jvp` (`hvp`) calls functions with `jvp` (`hvp`).
                    && (h.jvp || !self.jvp)
                    && (h.hvp || !self.hvp);
                callable
                    && h.depth < 2
                    && h.params.iter().all(|(_, p)| match p {
                        Param::Float(Ty::S) | Param::K => true,
                        // Known bugs 2 and 8: only parameters as array arguments.
                        Param::Float(t) if refs_only => !self.ref_vars(*t).is_empty(),
                        Param::Float(t) => self.avail(*t),
                        Param::Labels(r, c) => self.labels && (*r, *c) == (self.m, self.n),
                        // The caller's own slice, of the same length.
                        Param::Slice(len) => self.slice == Some(*len),
                        Param::Struct { .. } => false,
                    })
            })
            .collect();
        if fits.is_empty() {
            return None;
        }
        // Prefer recent helpers, so that chains of calls form.
        let start = fits.len().saturating_sub(20);
        let h = &self.helpers[fits[start + self.rng.below(fits.len() - start)]];
        let mut path = if h.module == self.this_module {
            h.name.clone()
        } else {
            format!("super::g{}::{}", h.module, h.name)
        };
        if h.generic && !self.generic {
            path += "::<f64>";
        } else if h.generic && self.rng.chance(0.5) {
            path += "::<T>";
        }
        let params = h.params.clone();
        let refs_only = refs_only(h);
        self.depth = self.depth.max(h.depth + 1);
        let mut args = Vec::new();
        for (_, p) in &params {
            match p {
                Param::Float(Ty::S) => args.push(self.gen_s(d - 1, false).code),
                Param::Float(t) if refs_only => {
                    let vars = self.ref_vars(*t);
                    let v = self.rng.pick(&vars).clone();
                    args.push(v.name);
                }
                Param::Float(t) => {
                    // The callee takes `&Array`: a view is copied first.
                    let a = self.gen_a(*t, d - 1);
                    // Known bug 11: a field passed on (`h(&m.b)`) reaches the callee as a view.
                    if a.path && !bug(11) {
                        args.push(format!("&({})", a.value()));
                    } else if a.view {
                        args.push(format!("&{}.to_owned()", a.operand()));
                    } else if a.var == Some(true) && bug(3) && self.rng.chance(0.3) {
                        // Known bug 3: `h(&x)` with `x: &Array1<f64>` (deref coercion).
                        args.push(format!("&{}", a.code));
                    } else {
                        args.push(a.arg());
                    }
                }
                Param::Labels(..) => args.push("lab".to_string()),
                Param::Slice(_) => args.push("sl".to_string()),
                Param::Struct { .. } => unreachable!("no struct is passed whole"),
                Param::K => {
                    if self.has_k && self.rng.chance(0.5) {
                        args.push("k".to_string());
                    } else {
                        args.push(self.rng.below(4).to_string());
                    }
                }
            }
        }
        let mut e = E::new(format!("{path}({})", args.join(", ")), Ty::S).atom();
        e.maybe_data = true;
        Some(e)
    }
}

/// Whether only parameters (`x`, not `&(x * a)` or `&t`) may be passed as the array arguments
/// of a call to `h`: known bug 2, and known bug 8 for a callee with a `&[usize]` parameter.
fn refs_only(h: &Program) -> bool {
    let labels = h.params.iter().any(|(_, p)| matches!(p, Param::Labels(..)));
    !bug(2) || (labels && !bug(8))
}
