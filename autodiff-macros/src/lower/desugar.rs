//! Control flow the lowering does not take directly, rewritten into what it does (on a copy
//! of the body; the original function is untouched):
//!
//! - `loop { .. }` is `while true { .. }`;
//! - a jump past the innermost loop (`break 'outer;`, `continue 'outer;`, `return e;` inside
//!   a loop) sets a flag of its own and leaves the innermost loop with `break;`; after each
//!   enclosing loop that the jump leaves, `if flag { flag = false; break; }` (or `continue;`
//!   at its target, or `return value;` after the outermost loop) carries it on. The flags
//!   are data declared at the top of the body, the returned value a local of the output's
//!   type; the loop labels are then dropped.
//!
//! The lowering then sees only plain `break;`/`continue;` of the innermost loop, and
//! `return` outside loops.
use crate::emit::names::name;
use quote::quote_spanned;
use syn::spanned::Spanned;
use syn::{Block, Expr, Ident, Lifetime, Stmt, Type};

/// A jump that leaves one or more loops.
#[derive(Clone)]
struct Exit {
    flag: Ident,
    /// Index of the target loop in the loop stack, or `None` for the function (`return`).
    target: Option<usize>,
    kind: Kind,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Break,
    Continue,
    Return,
}

struct Desugar<'a> {
    output: &'a Type,
    flags: Vec<Ident>,
    returned: Option<Ident>,
    errors: Vec<syn::Error>,
}

/// The body with the rewrites above, or the errors (a label that no loop has).
pub fn desugar(body: &Block, output: &Type) -> Result<Block, syn::Error> {
    let mut d = Desugar {
        output,
        flags: Vec::new(),
        returned: None,
        errors: Vec::new(),
    };
    let mut body = body.clone();
    let mut loops = Vec::new();
    let exits = d.block(&mut body, &mut loops);
    debug_assert!(exits.is_empty(), "every exit ends at the function level");
    if let Some(e) = d.errors.into_iter().reduce(|mut a, b| {
        a.combine(b);
        a
    }) {
        return Err(e);
    }
    let mut top: Vec<Stmt> = d
        .flags
        .iter()
        .map(|f| syn::parse_quote!(let mut #f: bool = false;))
        .collect();
    if let Some(value) = &d.returned {
        let out = d.output;
        top.push(syn::parse_quote!(let mut #value: #out = ::core::default::Default::default();));
    }
    if !top.is_empty() {
        top.append(&mut body.stmts);
        body.stmts = top;
    }
    Ok(body)
}

impl Desugar<'_> {
    /// Rewrites a block inside the loops `loops` (outermost first); returns the exits raised
    /// in it that leave the innermost of them.
    fn block(&mut self, b: &mut Block, loops: &mut Vec<Option<Lifetime>>) -> Vec<Exit> {
        let mut exits = Vec::new();
        let mut out = Vec::with_capacity(b.stmts.len());
        for mut stmt in std::mem::take(&mut b.stmts) {
            if let Stmt::Expr(e, _) = &mut stmt
                && let Some((stmts, raised)) = self.jump(e, loops)
            {
                out.extend(stmts);
                exits.extend(raised);
                continue;
            }
            let (raised, after) = match &mut stmt {
                Stmt::Local(l) => match &mut l.init {
                    Some(init) => (self.expr(&mut init.expr, loops), Vec::new()),
                    None => (Vec::new(), Vec::new()),
                },
                Stmt::Expr(e, _) => self.statement(e, loops),
                _ => (Vec::new(), Vec::new()),
            };
            out.push(stmt);
            out.extend(after);
            exits.extend(raised);
        }
        b.stmts = out;
        exits
    }

    /// An expression statement: a loop gets the checks of the exits that leave it after it.
    fn statement(
        &mut self,
        e: &mut Expr,
        loops: &mut Vec<Option<Lifetime>>,
    ) -> (Vec<Exit>, Vec<Stmt>) {
        if let Expr::Loop(l) = e {
            let (label, body, span) = (l.label.take(), l.body.clone(), l.span());
            let mut w: syn::ExprWhile = match syn::parse2(quote_spanned!(span=> while true #body)) {
                Ok(w) => w,
                Err(err) => {
                    self.errors.push(err);
                    return (Vec::new(), Vec::new());
                }
            };
            w.label = label;
            *e = Expr::While(w);
        }
        let label = match e {
            Expr::While(w) => w.label.take().map(|l| l.name),
            Expr::ForLoop(f) => f.label.take().map(|l| l.name),
            _ => return (self.expr(e, loops), Vec::new()),
        };
        loops.push(label);
        let level = loops.len() - 1;
        let inner = match e {
            Expr::While(w) => self.block(&mut w.body, loops),
            Expr::ForLoop(f) => {
                let mut raised = self.expr(&mut f.expr, loops);
                raised.extend(self.block(&mut f.body, loops));
                raised
            }
            _ => Vec::new(),
        };
        loops.pop();
        // After this loop (in the body of the loop at `level - 1`, or the function's).
        let mut after = Vec::new();
        let mut passed_on = Vec::new();
        for exit in inner {
            let f = &exit.flag;
            let enclosing = level.checked_sub(1);
            let check: Stmt = match (exit.kind, exit.target) {
                (Kind::Return, _) if enclosing.is_none() => {
                    let value = self
                        .returned
                        .clone()
                        .unwrap_or_else(|| name(format_args!("ret")));
                    syn::parse_quote!(if #f { return #value; })
                }
                (Kind::Continue, Some(t)) if Some(t) == enclosing => {
                    syn::parse_quote!(if #f { #f = false; continue; })
                }
                (Kind::Break, Some(t)) if Some(t) == enclosing => {
                    syn::parse_quote!(if #f { #f = false; break; })
                }
                _ => {
                    passed_on.push(exit.clone());
                    syn::parse_quote!(if #f { break; })
                }
            };
            after.push(check);
        }
        (passed_on, after)
    }

    /// Rewrites jumps and loops inside an expression (`if` branches, blocks, `match` arms).
    fn expr(&mut self, e: &mut Expr, loops: &mut Vec<Option<Lifetime>>) -> Vec<Exit> {
        match e {
            Expr::Break(_) | Expr::Continue(_) | Expr::Return(_) => match self.jump(e, loops) {
                Some((stmts, exits)) => {
                    let span = e.span();
                    *e = parse_block(quote_spanned!(span=> { #(#stmts)* }), e);
                    exits
                }
                None => Vec::new(),
            },
            Expr::If(i) => {
                let mut exits = self.block(&mut i.then_branch, loops);
                if let Some((_, els)) = &mut i.else_branch {
                    exits.extend(self.expr(els, loops));
                }
                exits
            }
            Expr::Block(b) => self.block(&mut b.block, loops),
            Expr::Match(m) => m
                .arms
                .iter_mut()
                .flat_map(|arm| self.expr(&mut arm.body, loops))
                .collect(),
            Expr::Paren(p) => self.expr(&mut p.expr, loops),
            // A `loop` as a value (`let y = loop { break v; };`): reported by the lowering.
            Expr::Loop(_) => Vec::new(),
            Expr::While(_) | Expr::ForLoop(_) => {
                let (exits, after) = self.statement(e, loops);
                if !after.is_empty() {
                    let span = e.span();
                    let inner = e.clone();
                    *e = parse_block(quote_spanned!(span=> { #inner; #(#after)* }), e);
                }
                exits
            }
            _ => Vec::new(),
        }
    }

    /// A jump past the innermost loop, as the statements that replace it (a flag set, a plain
    /// `break;`) and its exit; `None` for a jump the lowering takes as it is (its label, if it
    /// names the innermost loop, dropped).
    fn jump(&mut self, e: &mut Expr, loops: &[Option<Lifetime>]) -> Option<(Vec<Stmt>, Vec<Exit>)> {
        let innermost = loops.len().checked_sub(1)?;
        let span = e.span();
        let (label, kind) = match e {
            Expr::Break(b) if b.expr.is_none() => (b.label.take(), Kind::Break),
            Expr::Continue(c) => (c.label.take(), Kind::Continue),
            Expr::Return(r) => {
                let value = r.expr.clone()?; // a `return;` is reported by the lowering
                let slot = self
                    .returned
                    .get_or_insert_with(|| name(format_args!("ret")))
                    .clone();
                let flag = self.flag();
                let stmts = vec![
                    syn::parse_quote_spanned!(span=> #slot = #value;),
                    syn::parse_quote_spanned!(span=> #flag = true;),
                    syn::parse_quote_spanned!(span=> break;),
                ];
                return Some((
                    stmts,
                    vec![Exit {
                        flag,
                        target: None,
                        kind: Kind::Return,
                    }],
                ));
            }
            _ => return None,
        };
        let target = match &label {
            None => innermost,
            Some(l) => match loops
                .iter()
                .rposition(|x| x.as_ref().is_some_and(|x| x.ident == l.ident))
            {
                Some(t) => t,
                None => {
                    self.errors.push(syn::Error::new(
                        l.span(),
                        format!("no enclosing loop is labeled `{l}`"),
                    ));
                    return None;
                }
            },
        };
        if target == innermost {
            return None;
        }
        let flag = self.flag();
        let stmts = vec![
            syn::parse_quote_spanned!(span=> #flag = true;),
            syn::parse_quote_spanned!(span=> break;),
        ];
        Some((
            stmts,
            vec![Exit {
                flag,
                target: Some(target),
                kind,
            }],
        ))
    }

    fn flag(&mut self) -> Ident {
        let f = name(format_args!("jump{}", self.flags.len()));
        self.flags.push(f.clone());
        f
    }
}

/// A block expression from tokens (the original expression if they do not parse, which
/// they always do: they are ours).
fn parse_block(tokens: proc_macro2::TokenStream, original: &Expr) -> Expr {
    syn::parse2(tokens).unwrap_or_else(|_| original.clone())
}
