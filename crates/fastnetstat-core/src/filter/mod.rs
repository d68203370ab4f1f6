//! ss's filter language (iproute2 6.1: `misc/ssfilter.y` and the words `misc/ss.c`
//! reads before it): parsed once into a [`Filter`], then run two ways that
//! select the same sockets:
//!
//! - compiled to inet_diag bytecode for the netlink dump, so the kernel drops
//!   what does not match before it ever reaches us (see [`bytecode`]);
//! - evaluated in userspace on the rows ([`Filter::matches_inet`],
//!   [`Filter::matches_unix`]): the /proc source runs all of it, the netlink
//!   source what the bytecode could not say.
//!
//! The grammar, the lexer's words, the state names and the meaning of each
//! term are described on [`Filter::parse`].

pub mod bytecode;
mod eval;
mod hostcond;
mod lex;
mod parse;
mod states;

use std::fmt;

use crate::model::{InetSocket, UnixSocket};

pub use states::{state_mask, SS_ALL, SS_CONN};

/// The address family a listing prefers, as ss's `-4`, `-6`, `-x` (`-f inet`,
/// `-f inet6`, `-f unix`) set it: the last of them given. It decides what an
/// address without a `inet:`/`inet6:`/`unix:` prefix is (a unix path pattern
/// once `-x` is the last family option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum AddressFamily {
    /// No family option: an address is whatever it parses as.
    #[default]
    Unspec,
    Inet,
    Inet6,
    Unix,
}

/// What the listing covers, as far as parsing an expression depends on it
/// (ss parses with its options already applied).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParseOptions {
    /// ss's preferred family (see [`AddressFamily`]).
    pub family: AddressFamily,
    /// A service name (`:ssh`) is looked up among tcp services when the listing has
    /// tcp sockets and among udp services when it has udp ones (both: they must agree).
    pub tcp: bool,
    pub udp: bool,
}

impl Default for ParseOptions {
    fn default() -> Self {
        ParseOptions { family: AddressFamily::Unspec, tcp: true, udp: true }
    }
}

/// A parsed filter: `state`/`exclude` clauses and one expression. Cheap to share
/// (`Arc<Filter>`), immutable once parsed.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    states: Option<u32>,
    expr: Option<parse::Expr>,
    /// An address with an explicit or preferred family narrows the listing to
    /// that family, as ss's parse_hostcond does (the last such address wins).
    family: Option<AddressFamily>,
    /// ss's inet_diag bytecode for the expression (None: ss sends none, the
    /// expression runs in userspace only).
    bytecode: Option<Vec<u8>>,
}

/// A malformed filter: what is wrong, the word it is about and where that
/// word is (1-based word number; for [`Filter::parse_text`], the
/// whitespace-separated piece). Displays as one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub message: String,
    pub token: String,
    pub position: usize,
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "filter: {} at word {}", self.message, self.position)
    }
}

impl std::error::Error for FilterError {}

impl FilterError {
    pub(crate) fn new(message: impl Into<String>, token: impl Into<String>, position: usize) -> FilterError {
        FilterError { message: message.into(), token: token.into(), position }
    }
}

impl Filter {
    /// ss's words after the options, with no family or table options given (see
    /// [`Filter::parse_with`]). Empty words give a filter that matches everything.
    pub fn parse<S: AsRef<str>>(words: &[S]) -> Result<Filter, FilterError> {
        Filter::parse_with(words, &ParseOptions::default())
    }

    /// [`Filter::parse`] for a listing with ss's options `options`.
    pub fn parse_with<S: AsRef<str>>(words: &[S], options: &ParseOptions) -> Result<Filter, FilterError> {
        let words: Vec<&str> = words.iter().map(|w| w.as_ref()).collect();
        parse::parse(&words, options)
    }

    /// The library's one-string form: the text split on whitespace as a shell
    /// would hand ss its words; a parenthesis may also touch a word (`(sport = :22)`).
    pub fn parse_text(text: &str) -> Result<Filter, FilterError> {
        Filter::parse_text_with(text, &ParseOptions::default())
    }

    /// [`Filter::parse_text`] for a listing with ss's options `options`.
    pub fn parse_text_with(text: &str, options: &ParseOptions) -> Result<Filter, FilterError> {
        let words = lex::text_words(text);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        parse::parse(&words, options)
    }

    /// The states the `state`/`exclude` clauses select, as a mask of `1 << TCP_STATE`
    /// (TCPF_*): the first `state` starts from none, the first `exclude` from all
    /// (ss's twelve states, [`SS_ALL`]); None when there is no clause.
    pub fn states(&self) -> Option<u32> {
        self.states
    }

    /// No clauses and no expression.
    pub fn is_empty(&self) -> bool {
        self.states.is_none() && self.expr.is_none() && self.family.is_none()
    }

    /// The family an address in the expression narrows the listing to (ss lists
    /// nothing else then); None when the expression leaves the families alone.
    pub fn family(&self) -> Option<AddressFamily> {
        self.family
    }

    /// The inet_diag bytecode (INET_DIAG_REQ_BYTECODE) ss sends for the expression:
    /// the kernel runs it on each socket of a dump. None when there is no
    /// expression or ss would send none (see [`bytecode`]); the rows are then
    /// tested in userspace only.
    pub fn bytecode(&self) -> Option<&[u8]> {
        self.bytecode.as_deref()
    }

    /// Whether the filter selects the inet row, all of it evaluated here (states included).
    pub fn matches_inet(&self, row: &InetSocket) -> bool {
        eval::matches_inet(self, row)
    }

    /// Whether the filter selects an inet row the kernel already ran
    /// [`Filter::bytecode`] on (and let through): the userspace rest.
    pub fn matches_inet_after_kernel(&self, row: &InetSocket) -> bool {
        eval::matches_inet_after_kernel(self, row)
    }

    /// Whether the filter selects the unix row (states included).
    pub fn matches_unix(&self, row: &UnixSocket) -> bool {
        eval::matches_unix(self, row)
    }
}

#[cfg(test)]
mod tests;
