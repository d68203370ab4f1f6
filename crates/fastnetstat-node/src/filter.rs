//! The filter expression of a listing (ss's grammar, parsed by the core's
//! `filter` module): the words or the text the library passes, parsed with
//! the listing's preferred family and tables as ss parses with its options,
//! turned into the query's `Arc<Filter>`. A parse error is an EINVAL error
//! carrying the parser's one-line message.

use std::sync::Arc;

use fastnetstat_core::filter::{AddressFamily, Filter, FilterError, ParseOptions};
use fastnetstat_core::InetTable;
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::guarded;

/// A malformed expression: `EINVAL: <the parser's message>`.
fn parse_error(e: &FilterError) -> Error {
    Error::new(Status::InvalidArg, format!("EINVAL: {e}"))
}

/// ss's preferred family from its name ("inet", "inet6", "unix"; None: unspecified).
fn family_of(name: Option<&str>) -> Result<AddressFamily> {
    Ok(match name {
        None => AddressFamily::Unspec,
        Some("inet") => AddressFamily::Inet,
        Some("inet6") => AddressFamily::Inet6,
        Some("unix") => AddressFamily::Unix,
        Some(other) => {
            return Err(Error::new(
                Status::InvalidArg,
                format!("EINVAL: unknown filter family '{other}' (inet, inet6 or unix)"),
            ))
        }
    })
}

/// What a filter is parsed from: words, or else one text; the family and the tables listed.
pub(crate) struct FilterInput<'a> {
    pub words: Option<&'a [String]>,
    pub text: Option<&'a str>,
    pub family: Option<&'a str>,
    pub tables: &'a [InetTable],
}

/// Parses the input; None when it has no expression at all.
fn parse(input: &FilterInput) -> Result<Option<Filter>> {
    let has = |t: &[InetTable]| t.iter().any(|x| input.tables.contains(x));
    let options = ParseOptions {
        family: family_of(input.family)?,
        tcp: has(&[InetTable::Tcp, InetTable::Tcp6]),
        udp: has(&[InetTable::Udp, InetTable::Udp6]),
    };
    let parsed = match (input.words, input.text) {
        (Some(words), _) => guarded(|| Filter::parse_with(words, &options))?,
        (None, Some(text)) => guarded(|| Filter::parse_text_with(text, &options))?,
        (None, None) => return Ok(None),
    };
    parsed.map(Some).map_err(|e| parse_error(&e))
}

/// The query's filter: None when no expression was given or it selects everything.
pub(crate) fn query_filter(input: &FilterInput) -> Result<Option<Arc<Filter>>> {
    Ok(parse(input)?.filter(|f| !f.is_empty()).map(Arc::new))
}

/// ss narrows the families it lists to the one an address of the expression names
/// (`src unix:/run/*`, or any address once -4/-6/-x chose the family): the tables of the
/// others are not read. Returns whether the unix table stays.
pub(crate) fn narrow_tables(filter: &Filter, tables: &mut Vec<InetTable>, unix: bool) -> bool {
    let v6 = |t: &InetTable| {
        matches!(t, InetTable::Tcp6 | InetTable::Udp6 | InetTable::UdpLite6 | InetTable::Raw6)
    };
    match filter.family() {
        None | Some(AddressFamily::Unspec) => unix,
        Some(AddressFamily::Unix) => {
            tables.clear();
            unix
        }
        Some(AddressFamily::Inet) => {
            tables.retain(|t| !v6(t));
            false
        }
        Some(AddressFamily::Inet6) => {
            tables.retain(v6);
            false
        }
    }
}

/// What the caller may want to know of an expression before listing with it.
#[napi(object)]
pub struct FilterSummary {
    /// The states its `state`/`exclude` clauses select, as a mask of `1 << TCP state`; absent
    /// without a clause.
    pub states: Option<u32>,
    /// No clause and no expression: it selects every socket.
    pub empty: bool,
    /// It has an expression beyond its `state`/`exclude` clauses.
    pub expression: bool,
}

/// Parses an expression without listing anything: its summary, or the EINVAL parse error.
/// `family` and `inetTables` are as in a listing's options.
#[napi]
pub fn check_filter(
    words: Option<Vec<String>>,
    text: Option<String>,
    family: Option<String>,
    inet_tables: u32,
) -> Result<FilterSummary> {
    let tables = crate::inet_tables_of(inet_tables);
    let input = FilterInput {
        words: words.as_deref(),
        text: text.as_deref(),
        family: family.as_deref(),
        tables: &tables,
    };
    Ok(match parse(&input)? {
        Some(f) => FilterSummary { states: f.states(), empty: f.is_empty(), expression: f.has_expression() },
        None => FilterSummary { states: None, empty: true, expression: false },
    })
}
