//! ss's filter language, as iproute2 6.1 reads it (`misc/ssfilter.y` and the
//! words `misc/ss.c` takes before it), parsed once into a [`Filter`] and run
//! where the rows are read.
//!
//! # The language
//!
//! ```text
//! words    := clause* expression?
//! clause   := "state" STATE | ("exclude" | "excl") STATE
//! expression := term ( ("and" | "&&" | "&" | "or" | "||" | "|")? term )*
//! term     := "(" expression ")" | ("not" | "!") term
//!           | ("src" | "dst") "="? ADDRESS
//!           | ("sport" | "dport") OP? PORT
//!           | "dev" ("=" | "!=")? DEVICE        | "cgroup" ("=" | "!=")? PATH
//!           | "autobound"
//! OP       := = == eq | != ne neq | > gt | < lt | >= ge geq | <= le leq
//! ```
//!
//! - `and` and `or` bind alike and group from the left: `a or b and c` is
//!   `(a or b) and c`; terms side by side are joined by `and`; `not` takes one term.
//! - Each word is cut again at spaces and tabs (`'sport = :22'` is three words);
//!   parentheses must stand apart, except in [`Filter::parse_text`].
//! - `state`/`exclude` clauses come first. States: `established`, `syn-sent`,
//!   `syn-recv`, `fin-wait-1`, `fin-wait-2`, `time-wait`, `closed`
//!   (`unconnected`), `close-wait`, `last-ack`, `listening` (also `listen`),
//!   `closing`; groups `all`, `connected` (all but listening and closed),
//!   `synchronized` (connected but syn-sent), `bucket` (syn-recv, time-wait),
//!   `big` (all but bucket). The first `state` starts from no state, the first
//!   `exclude` from all; later clauses add or remove.
//! - ADDRESS: `127.0.0.1`, `10.0.0.0/8`, `10.0.0.0/255.0.0.0`, `[::1]`,
//!   `[2001:db8::/32]`, `::1/128`, with `:PORT` (`127.0.0.1:22`, `[::1]:22`),
//!   `*`, `*:PORT`, `:PORT`, a host name (every address the system resolver
//!   gives), `inet:`/`inet6:` before it to name the family, or `unix:PATTERN`.
//!   Under `-x` (the listing's preferred family is unix) an address is a unix
//!   path pattern: `*`, `?`, `[...]`, case folded, matched against the bound
//!   name (`@...` for abstract names; `dst` sees an empty name, as ss does).
//!   Under `-4`/`-6` an address must be of that family.
//! - PORT: a number (C syntax: `0x16`, `026`) or a service name (`:ssh`, from
//!   the system's services; tcp and udp must agree when both are listed), the
//!   colon optional after `sport`/`dport`.
//! - An address with a family (`inet6:[::1]`, or any address under `-4`/`-6`/`-x`)
//!   makes the listing that family's only, as ss does ([`Filter::family`]).
//!
//! # How it runs
//!
//! Netlink dumps carry inet_diag bytecode ([`Filter::bytecode`], built by
//! [`bytecode`]): the kernel runs it on every socket and sends only the ones it
//! keeps, so a narrow filter over a big table costs little. The `state` clauses
//! go into the dump's state mask. What the bytecode cannot say is then tested
//! on the rows that come back ([`Filter::matches_inet_after_kernel`]); the /proc
//! source tests all of it on every row ([`Filter::matches_inet`]), unix sockets
//! are tested on the rows from either source ([`Filter::matches_unix`]). Both
//! sources select the same sockets, with three exceptions the /proc tables
//! cannot see: `dev` (no interface there: every /proc row has none), `cgroup`
//! (no cgroup id), and `autobound`, which /proc decides from the ephemeral port
//! range (ss's own userspace guess) where netlink asks the kernel whether the
//! port was picked for the socket.
//!
//! The selection is ss's. ss tests a socket twice, in the kernel with the
//! bytecode it compiles and in userspace, and lists it when both say yes; the
//! two tests differ on IPv4 addresses against IPv6 sockets (the kernel matches
//! only v4-mapped ones; userspace compares the bits as they are, so that there
//! `src 0.0.0.0` would match `[::]`). The evaluator reproduces both halves, so
//! `src 0.0.0.0` selects IPv4 wildcard sockets only, and `not src 0.0.0.0`
//! leaves out `[::]` and `::1` too, exactly as ss. Where ss compiles no
//! bytecode (an expression with `dev`, a unix pattern, host names of two
//! families), its selection is the userspace test alone; the dump then carries
//! a looser program that keeps every socket that test can select (`dev`,
//! `cgroup` and ports exact, addresses loosened to their port).
//!
//! Not supported: `fwmark` (the rows carry no mark) and the families ss has
//! beyond inet and unix (`link:`, `netlink:`, `vsock:`).

pub mod bytecode;
mod eval;
mod hostcond;
mod lex;
mod parse;
mod states;

use std::fmt;

use crate::model::{InetSocket, UnixSocket};

pub use eval::ephemeral_range;
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
    /// The inet_diag bytecode for the dump (see [`Filter::bytecode`]).
    bytecode: Option<Vec<u8>>,
    /// `bytecode` is ss's own: its kernel run is part of the selection (else
    /// the expression's meaning is the userspace test alone, and the program
    /// only keeps a superset of it).
    ss_compiles: bool,
}

/// A malformed filter: what is wrong, the word it is about and where that
/// word is (1-based, counting the words as ss's lexer cuts them: `'sport =
/// :22 or'` given as one word has `or` at 4). Displays as one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub message: String,
    pub token: String,
    pub position: usize,
}

impl fmt::Display for FilterError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // a token may hold any character: keep the message on one line
        let message: String = self
            .message
            .chars()
            .flat_map(|c| {
                let escaped: Vec<char> = if c.is_control() { c.escape_default().collect() } else { vec![c] };
                escaped
            })
            .collect();
        write!(f, "filter: {message} at word {}", self.position)
    }
}

impl std::error::Error for FilterError {}

impl FilterError {
    pub(crate) fn new(message: impl Into<String>, token: impl Into<String>, position: usize) -> FilterError {
        FilterError { message: message.into(), token: token.into(), position }
    }
}

/// Whether a host name in an address goes to the system resolver (the default,
/// as ss does). Off, a word that is no numeric address is an error: for fuzzing
/// and tests that must not wait on a network. Process-wide.
pub fn resolve_host_names(enabled: bool) {
    hostcond::set_resolve(enabled);
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
    /// would hand ss its words; a parenthesis may also touch a word (`(sport = :22)`,
    /// which ss itself refuses). Error positions count the words after both cuts.
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
    /// (ss's twelve states, [`SS_ALL`]); None when there is no clause. As in ss
    /// they replace what -a/-l select, and clauses that leave no state at all
    /// give ss's default instead, [`SS_CONN`] (every state but listening, closed,
    /// time-wait and syn-recv).
    pub fn states(&self) -> Option<u32> {
        self.states
    }

    /// Whether the expression has an `autobound` term. Only the kernel knows
    /// whether a socket's port was picked for it (an accepted connection's
    /// counts, whatever its port); the evaluator judges rows by the ephemeral
    /// range, as ss's userspace does, so on such an expression it can differ
    /// from the kernel's selection.
    pub fn has_autobound(&self) -> bool {
        self.expr.as_ref().is_some_and(|expr| expr.has_autobound())
    }

    /// It has an expression beyond its `state`/`exclude` clauses.
    pub fn has_expression(&self) -> bool {
        self.expr.is_some()
    }

    /// No clause and no expression: it selects every socket.
    pub fn is_empty(&self) -> bool {
        self.states.is_none() && self.expr.is_none() && self.family.is_none()
    }

    /// The family an address in the expression narrows the listing to (ss lists
    /// nothing else then); None when the expression leaves the families alone.
    pub fn family(&self) -> Option<AddressFamily> {
        self.family
    }

    /// The inet_diag bytecode (INET_DIAG_REQ_BYTECODE) for a dump: the kernel runs
    /// it on each socket and sends only those it keeps; [`Filter::matches_inet_after_kernel`]
    /// then decides on those. It is ss's program where ss compiles the expression,
    /// else a looser one that keeps every socket the expression can select (see
    /// [`bytecode`]). None when there is no expression.
    pub fn bytecode(&self) -> Option<&[u8]> {
        self.bytecode.as_deref()
    }

    /// Whether the listing keeps inet sockets of this family at all (false: an
    /// address with the other family narrowed it, see [`Filter::family`]); a
    /// table of that family need not be read.
    pub fn lists_inet(&self, ipv6: bool) -> bool {
        eval::lists_inet(self, ipv6)
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

    /// Whether the filter selects the unix row (states included). A port term
    /// compares a unix socket's inode (`sport`) and its peer's (`dport`), as ss
    /// does; the row has no peer, so this guesses it from the state (see
    /// [`Filter::matches_unix_with_peer`]).
    pub fn matches_unix(&self, row: &UnixSocket) -> bool {
        eval::matches_unix(self, row, None)
    }

    /// [`Filter::matches_unix`] with the peer's inode (0 for none) as unix_diag reports it.
    pub fn matches_unix_with_peer(&self, row: &UnixSocket, peer: u64) -> bool {
        eval::matches_unix(self, row, Some(peer))
    }
}

#[cfg(test)]
mod tests;
