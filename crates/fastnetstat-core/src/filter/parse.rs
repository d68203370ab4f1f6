//! The grammar (ssfilter.y) over the lexer's tokens, and ss's words before it.
//!
//! ```text
//! words   := ( ("state" NAME) | (("exclude" | "excl") NAME) )* applet
//! applet  := exprlist | nothing
//! exprlist:= expr ( ("or" | "|" | "||" | "and" | "&" | "&&")? expr )*   left to right,
//!            no precedence: `a or b and c` is `(a or b) and c`; juxtaposed terms are `and`
//! expr    := "(" exprlist ")" | ("!" | "not") expr
//!          | ("src" | "dst") "="? ADDRESS
//!          | ("sport" | "dport") ( "="? | "!=" | ">=" | "<=" | ">" | "<" ) PORT
//!          | "dev" ("="? | "!=") DEVICE | "cgroup" ("="? | "!=") PATH
//!          | "autobound"
//! ```
//! Comparison words: `=` `==` `eq`; `!=` `ne` `neq`; `>=` `ge` `geq`; `<=` `le`
//! `leq`; `>` `gt`; `<` `lt`. A word that is no keyword is a value, read as the
//! last keyword before it wants (ss's `tok_type`): a device after `dev`, a cgroup
//! after `cgroup`, else an address or port (see [`super::hostcond`]).

use super::hostcond::{self, HostCond};
use super::lex::{self, Word};
use super::states::state_mask;
use super::{AddressFamily, Filter, FilterError, ParseOptions};

/// Which end of the connection a term looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Side {
    Src,
    Dst,
}

/// The expression, as ss's `struct ssfilter` tree.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    /// SSF_SCOND / SSF_DCOND: an address and/or port.
    Cond(Side, HostCond),
    /// SSF_S_GE / SSF_D_GE: port >= n.
    Ge(Side, i32),
    /// SSF_S_LE / SSF_D_LE: port <= n.
    Le(Side, i32),
    /// SSF_S_AUTO: the local port was picked by the kernel.
    Auto,
    /// SSF_DEVCOND: bound to this interface index.
    Dev(u32),
    /// SSF_CGROUPCOND: created in this cgroup (its cgroup2 id).
    Cgroup(u64),
}

impl Expr {
    /// Whether an `autobound` term is anywhere in the tree.
    pub(crate) fn has_autobound(&self) -> bool {
        match self {
            Expr::Auto => true,
            Expr::And(a, b) | Expr::Or(a, b) => a.has_autobound() || b.has_autobound(),
            Expr::Not(a) => a.has_autobound(),
            _ => false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keyword {
    Not,
    And,
    Or,
    Open,
    Close,
    Dst,
    Src,
    Dport,
    Sport,
    Dev,
    Fwmark,
    Cgroup,
    Ge,
    Le,
    Ne,
    Eq,
    Gt,
    Lt,
    Auto,
}

fn keyword(text: &str) -> Option<Keyword> {
    use Keyword::*;
    Some(match text {
        "!" | "not" => Not,
        "&" | "&&" | "and" => And,
        "|" | "||" | "or" => Or,
        "(" => Open,
        ")" => Close,
        "dst" => Dst,
        "src" => Src,
        "dport" => Dport,
        "sport" => Sport,
        "dev" => Dev,
        "fwmark" => Fwmark,
        "cgroup" => Cgroup,
        ">=" | "ge" | "geq" => Ge,
        "<=" | "le" | "leq" => Le,
        "!=" | "ne" | "neq" => Ne,
        "=" | "==" | "eq" => Eq,
        ">" | "gt" => Gt,
        "<" | "lt" => Lt,
        "autobound" => Auto,
        _ => return None,
    })
}

/// The most words an expression may have. The parser, the evaluator, the
/// compilers and the tree's drop recurse as deep as the expression nests (a
/// chain of `not`s, or terms side by side), and a stack overflow aborts the
/// process, Node with it; ss's own parser stops at 10,000 levels. A real
/// filter has tens of words; 512 fit a 2 MiB thread stack even in a debug
/// build (tested).
pub(crate) const MAX_TOKENS: usize = 512;

/// Parses ss's words: the state clauses, then the expression.
pub(crate) fn parse(words: &[&str], options: &ParseOptions) -> Result<Filter, FilterError> {
    let mut filter = Filter::default();
    let mut at = 0;
    while at < words.len() {
        let include = match words[at] {
            "state" => true,
            "exclude" | "excl" => false,
            _ => break,
        };
        let Some(&name) = words.get(at + 1) else {
            return Err(FilterError::new(format!("'{}' needs a state name", words[at]), words[at], at + 1));
        };
        let mask = state_mask(name)
            .ok_or_else(|| FilterError::new(format!("unknown state '{name}'"), name, at + 2))?;
        filter.states = Some(match (filter.states, include) {
            (None, true) => mask,
            (None, false) => super::SS_ALL & !mask,
            (Some(states), true) => states | mask,
            (Some(states), false) => states & !mask,
        });
        at += 2;
    }
    if filter.states == Some(0) {
        // ss keeps its own default then (filter_states_set ignores 0): the
        // connected states, for every table netstat's options can list
        filter.states = Some(super::SS_CONN);
    }
    let tokens = lex::tokens_of(&words[at..], at + 1);
    if let Some(past) = tokens.get(MAX_TOKENS) {
        return Err(FilterError::new(
            format!("the expression is too long (more than {MAX_TOKENS} words)"),
            &past.text,
            past.position,
        ));
    }
    let mut parser = Parser { tokens: &tokens, at: 0, options, family: None };
    filter.expr = parser.applet()?;
    filter.family = parser.family;
    if let Some(expr) = &filter.expr {
        filter.bytecode = super::bytecode::compile(expr);
        filter.ss_compiles = filter.bytecode.is_some();
        if filter.bytecode.is_none() {
            filter.bytecode = super::bytecode::compile_loose(expr, super::eval::ephemeral_range());
        }
    }
    Ok(filter)
}

struct Parser<'a> {
    tokens: &'a [Word],
    at: usize,
    options: &'a ParseOptions,
    family: Option<AddressFamily>,
}

fn unexpected(word: &Word) -> FilterError {
    FilterError::new(format!("unexpected '{}'", word.text), &word.text, word.position)
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<(&'a Word, Option<Keyword>)> {
        self.tokens.get(self.at).map(|w| (w, keyword(&w.text)))
    }

    fn ends_early(&self) -> FilterError {
        match self.tokens.last() {
            Some(last) => FilterError::new(
                format!("the expression ends too early after '{}'", last.text),
                &last.text,
                last.position,
            ),
            None => FilterError::new("the expression is empty", "", 1),
        }
    }

    fn next(&mut self) -> Result<(&'a Word, Option<Keyword>), FilterError> {
        let (word, kw) = self.peek().ok_or_else(|| self.ends_early())?;
        self.at += 1;
        Ok((word, kw))
    }

    fn applet(&mut self) -> Result<Option<Expr>, FilterError> {
        if self.peek().is_none() {
            return Ok(None);
        }
        let expr = self.exprlist()?;
        match self.peek() {
            None => Ok(Some(expr)),
            Some((word, _)) => Err(unexpected(word)),
        }
    }

    fn exprlist(&mut self) -> Result<Expr, FilterError> {
        let mut left = self.expr()?;
        loop {
            let Some((_, kw)) = self.peek() else { return Ok(left) };
            left = match kw {
                Some(Keyword::Or) => {
                    self.next()?;
                    Expr::Or(Box::new(left), Box::new(self.expr()?))
                }
                Some(Keyword::And) => {
                    self.next()?;
                    Expr::And(Box::new(left), Box::new(self.expr()?))
                }
                Some(
                    Keyword::Open
                    | Keyword::Not
                    | Keyword::Dst
                    | Keyword::Src
                    | Keyword::Dport
                    | Keyword::Sport
                    | Keyword::Dev
                    | Keyword::Fwmark
                    | Keyword::Cgroup
                    | Keyword::Auto,
                ) => Expr::And(Box::new(left), Box::new(self.expr()?)),
                _ => return Ok(left),
            };
        }
    }

    fn expr(&mut self) -> Result<Expr, FilterError> {
        let (word, kw) = self.next()?;
        let Some(kw) = kw else { return Err(unexpected(word)) };
        Ok(match kw {
            Keyword::Open => {
                let inner = self.exprlist()?;
                match self.peek() {
                    Some((_, Some(Keyword::Close))) => {
                        self.next()?;
                        inner
                    }
                    Some((other, _)) => return Err(unexpected(other)),
                    None => {
                        return Err(FilterError::new("'(' is never closed", &word.text, word.position));
                    }
                }
            }
            Keyword::Not => Expr::Not(Box::new(self.expr()?)),
            Keyword::Src | Keyword::Dst => {
                let side = if kw == Keyword::Src { Side::Src } else { Side::Dst };
                self.optional_eq();
                Expr::Cond(side, self.hostcond(false)?)
            }
            Keyword::Sport | Keyword::Dport => {
                let side = if kw == Keyword::Sport { Side::Src } else { Side::Dst };
                let op = match self.peek() {
                    Some((
                        _,
                        Some(op @ (Keyword::Ge | Keyword::Le | Keyword::Gt | Keyword::Lt | Keyword::Ne)),
                    )) => {
                        self.next()?;
                        Some(op)
                    }
                    _ => {
                        self.optional_eq();
                        None
                    }
                };
                let cond = self.hostcond(true)?;
                // a unix pattern (after -x or unix:) has no port: ss compares with -1
                let port = match &cond {
                    HostCond::Inet { port, .. } => *port,
                    HostCond::Unix { .. } => -1,
                };
                match op {
                    None => Expr::Cond(side, cond),
                    Some(Keyword::Ne) => Expr::Not(Box::new(Expr::Cond(side, cond))),
                    Some(Keyword::Ge) => Expr::Ge(side, port),
                    Some(Keyword::Le) => Expr::Le(side, port),
                    Some(Keyword::Gt) => Expr::Not(Box::new(Expr::Le(side, port))),
                    _ => Expr::Not(Box::new(Expr::Ge(side, port))),
                }
            }
            Keyword::Dev | Keyword::Cgroup | Keyword::Fwmark => {
                let negate = match self.peek() {
                    Some((_, Some(Keyword::Ne))) => {
                        self.next()?;
                        true
                    }
                    _ => {
                        self.optional_eq();
                        false
                    }
                };
                let value = self.value()?;
                let term = match kw {
                    Keyword::Dev => Expr::Dev(super::eval::device_index(&value.text).ok_or_else(|| {
                        FilterError::new(
                            format!("unknown device '{}'", value.text),
                            &value.text,
                            value.position,
                        )
                    })?),
                    Keyword::Cgroup => {
                        Expr::Cgroup(super::eval::cgroup_id(&value.text).ok_or_else(|| {
                            FilterError::new(
                                format!("unknown cgroup '{}'", value.text),
                                &value.text,
                                value.position,
                            )
                        })?)
                    }
                    _ => {
                        return Err(FilterError::new(
                            "'fwmark' is not supported here (the rows carry no mark)",
                            &word.text,
                            word.position,
                        ))
                    }
                };
                if negate {
                    Expr::Not(Box::new(term))
                } else {
                    term
                }
            }
            Keyword::Auto => Expr::Auto,
            _ => return Err(unexpected(word)),
        })
    }

    /// ss's `eq`: an optional '='.
    fn optional_eq(&mut self) {
        if let Some((_, Some(Keyword::Eq))) = self.peek() {
            self.at += 1;
        }
    }

    /// The next token, which must be a value (no keyword).
    fn value(&mut self) -> Result<&'a Word, FilterError> {
        let (word, kw) = self.next()?;
        match kw {
            None => Ok(word),
            Some(_) => Err(unexpected(word)),
        }
    }

    fn hostcond(&mut self, is_port: bool) -> Result<HostCond, FilterError> {
        let word = self.value()?;
        let parsed = hostcond::parse_hostcond(&word.text, is_port, self.options)
            .map_err(|message| FilterError::new(message, &word.text, word.position))?;
        if parsed.family.is_some() {
            self.family = parsed.family;
        }
        Ok(parsed.cond)
    }
}
