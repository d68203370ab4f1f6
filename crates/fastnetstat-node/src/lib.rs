//! The napi-rs binding: turns options into a core query and the core's result
//! into one packed buffer. It knows nothing of /proc.
//!
//! Why a buffer even for the small tables (measured on the dev VM, 2 cores,
//! release build, median of 1000 calls): statistics (312 counters) decode in
//! 330-350 µs through the packed buffer (wire_stats.rs); the same result as
//! `#[napi(object)]` structs (a Buffer for each name, BigInts for the values)
//! took 1140-1600 µs, so the buffer stays. For routes (10 rows), interfaces
//! (4) and groups (12) the whole call is 130-400 µs (native read + pack
//! 55-125 µs, TypeScript decode of every row the rest) against the 40 ms of a
//! Node start; either form is noise there, and they keep their buffers.
//! Every layout is written once, in scripts/wire-layout.mjs: the socket rows'
//! offsets and writers are generated into wire_layout.rs, the small tables'
//! into wire_tables.rs (and the TypeScript side's from the same table).

// In `cargo test` the napi macros register nothing, so the exported
// functions look unused there.
#![cfg_attr(test, allow(dead_code))]

mod filter;
mod kill;
mod modes;
mod namespaces;
mod wire;
mod wire_buf;
mod wire_groups;
mod wire_interfaces;
#[rustfmt::skip]
mod wire_layout;
mod wire_routes;
mod wire_stats;
#[rustfmt::skip]
mod wire_tables;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, PoisonError};

use fastnetstat_core::list_sockets as core_list_sockets;
use fastnetstat_core::{stream_sockets, SocketStream as CoreSocketStream, StreamPanic};
use fastnetstat_core::{InetTable, ProcRoot, SocketQuery, Source};
use napi::bindgen_prelude::*;
use napi_derive::napi;

/// What to list. `inetTables` is a bit mask over tcp, tcp6, udp, udp6,
/// udplite, udplite6, raw, raw6 (bit 0 = tcp).
#[napi(object)]
#[derive(Clone)]
pub struct SocketOptions {
    pub proc_root: Option<String>,
    pub inet_tables: u32,
    pub unix: bool,
    pub owners: bool,
    /// "auto" (default), "proc" or "netlink".
    pub source: Option<String>,
    /// TCP states to list as a mask of `1 << state` (default: all).
    pub tcp_states: Option<u32>,
    /// Fill tcp retransmit/probe counters (default true).
    pub tcp_counters: Option<bool>,
    /// Only inet sockets bound to this local port.
    pub local_port: Option<u32>,
    /// One network namespace to list instead of this process's: a name under
    /// /run/netns, a path to a namespace file, or `pid:PID`.
    pub netns: Option<String>,
    /// Where container runtimes keep their state (default /), for labels.
    pub host_root: Option<String>,
    /// A filter expression in ss's grammar, as words (ss's argv after the options).
    pub filter: Option<Vec<String>>,
    /// A filter expression in ss's grammar, as one text (used when `filter` is absent).
    pub filter_text: Option<String>,
    /// How the filter reads an address without a family prefix, as ss's last -4/-6/-x:
    /// "inet", "inet6" or "unix" (default: by its form).
    pub filter_family: Option<String>,
    /// tcp_info and the congestion algorithm of tcp rows (netlink only).
    pub tcp_info: Option<bool>,
    /// The memory counters of inet rows (netlink only).
    pub memory: Option<bool>,
}

/// The tables of an `inetTables` mask, in their order.
pub(crate) fn inet_tables_of(mask: u32) -> Vec<InetTable> {
    InetTable::ALL.into_iter().filter(|t| mask & (1 << *t as u32) != 0).collect()
}

/// A core error as a JS error whose message begins with its stable code.
fn core_error(e: fastnetstat_core::Error) -> Error {
    Error::new(Status::GenericFailure, format!("{}: {}", e.code(), e))
}

pub(crate) fn query_of(opts: &SocketOptions) -> Result<SocketQuery> {
    let source = match opts.source.as_deref() {
        None | Some("auto") => Source::Auto,
        Some("proc") => Source::Proc,
        Some("netlink") => Source::Netlink,
        Some(other) => {
            return Err(Error::new(
                Status::InvalidArg,
                format!("EINVAL: unknown source '{other}' (auto, proc or netlink)"),
            ))
        }
    };
    let mut inet_tables = inet_tables_of(opts.inet_tables);
    let filter = filter::query_filter(&filter::FilterInput {
        words: opts.filter.as_deref(),
        text: opts.filter_text.as_deref(),
        family: opts.filter_family.as_deref(),
        tables: &inet_tables,
    })?;
    let unix = match &filter {
        Some(f) => filter::narrow_tables(f, &mut inet_tables, opts.unix),
        None => opts.unix,
    };
    Ok(SocketQuery {
        root: opts.proc_root.as_ref().map(ProcRoot::new).unwrap_or_default(),
        inet_tables,
        unix,
        owners: opts.owners,
        source,
        tcp_states: opts.tcp_states.unwrap_or(u32::MAX),
        tcp_counters: opts.tcp_counters.unwrap_or(true),
        local_port: match opts.local_port {
            None => None,
            Some(port) if port <= 65535 => Some(port as u16),
            Some(port) => {
                return Err(Error::new(
                    Status::InvalidArg,
                    format!("EINVAL: port {port} is out of range (0-65535)"),
                ))
            }
        },
        netns: None,
        tcp_info: opts.tcp_info.unwrap_or(false),
        memory: opts.memory.unwrap_or(false),
        filter,
    })
}

/// `query_of`, in the namespace `opts.netns` names (checked: one that nothing
/// can be read of is an error, not an empty listing).
fn namespaced_query_of(opts: &SocketOptions) -> Result<SocketQuery> {
    let mut query = query_of(opts)?;
    if let Some(spec) = &opts.netns {
        let ns = guarded(|| fastnetstat_core::netns::resolve(&query.root, spec))?.map_err(core_error)?;
        query.netns = Some(ns);
        if !guarded(|| fastnetstat_core::namespace_readable(&query))? {
            return Err(core_error(fastnetstat_core::Error::Namespace {
                spec: spec.clone(),
                code: "EACCES",
                reason: "permission denied (entering a network namespace needs CAP_SYS_ADMIN, and no process in it lends its tables)".into(),
            }));
        }
    }
    Ok(query)
}

/// Runs `f`, turning a panic into an error so that it never takes Node down.
/// The panic's message travels in the error, so the default hook, which
/// would print a backtrace banner to stderr, is silenced.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T> {
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    catch_unwind(AssertUnwindSafe(|| {
        // lets the test suite prove that a panic comes back as an error
        if std::env::var_os("FASTNETSTAT_TEST_PANIC").is_some() {
            panic!("panic requested by FASTNETSTAT_TEST_PANIC");
        }
        f()
    }))
    .map_err(|panic| panic_error(&fastnetstat_core::error::panic_text(panic.as_ref())))
}

fn panic_error(what: &str) -> Error {
    Error::new(Status::GenericFailure, format!("EPANIC: internal error in fastnetstat core: {what}"))
}

/// Lists sockets on the calling thread.
#[napi]
pub fn list_sockets_sync(options: SocketOptions) -> Result<Buffer> {
    let query = namespaced_query_of(&options)?;
    guarded(|| wire::pack_sockets(&core_list_sockets(&query))).map(Buffer::from)
}

pub struct ListSocketsTask {
    options: SocketOptions,
}

impl Task for ListSocketsTask {
    type Output = Vec<u8>;
    type JsValue = Buffer;

    fn compute(&mut self) -> Result<Self::Output> {
        // read here, off the main thread: the filter may look names up (getaddrinfo), a
        // namespace is resolved through /proc
        let query = guarded(|| namespaced_query_of(&self.options))??;
        guarded(|| wire::pack_sockets(&core_list_sockets(&query)))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(Buffer::from(output))
    }
}

/// Lists sockets on the libuv thread pool.
#[napi(ts_return_type = "Promise<Buffer>")]
pub fn list_sockets(options: SocketOptions) -> Result<AsyncTask<ListSocketsTask>> {
    Ok(AsyncTask::new(ListSocketsTask { options }))
}

/// Rows per chunk of a stream: small enough that formatting one chunk
/// overlaps the kernel filling the next, large enough that the calls are few.
const CHUNK_ROWS: usize = 2048;

/// A listing handed out a chunk at a time while it is read: memory holds a
/// few chunks, however big the tables. Each chunk is a packed buffer like a
/// whole listing's, with its table and whether it ends it in the header.
#[napi]
pub struct SocketStream {
    state: Arc<Mutex<StreamState>>,
}

#[derive(Default)]
struct StreamState {
    /// None once the listing has ended or was closed.
    stream: Option<CoreSocketStream>,
    /// A packed chunk that did not fit the buffer `nextIntoSync` was given.
    pending: Option<Vec<u8>>,
}

/// Takes the next chunk and packs it with its rows' owners; None at the end
/// (the stream is then let go).
fn next_packed(state: &Mutex<StreamState>) -> Result<Option<Vec<u8>>> {
    let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(packed) = state.pending.take() {
        return Ok(Some(packed));
    }
    let Some(stream) = state.stream.as_mut() else { return Ok(None) };
    let packed = guarded(|| -> std::result::Result<Option<Vec<u8>>, StreamPanic> {
        let Some(chunk) = stream.next_chunk()? else { return Ok(None) };
        Ok(Some(wire::pack_chunk(&chunk, stream.owners()?)))
    })?;
    match packed {
        Ok(Some(buffer)) => Ok(Some(buffer)),
        Ok(None) => {
            state.stream = None;
            Ok(None)
        }
        Err(StreamPanic(what)) => {
            state.stream = None;
            Err(panic_error(&what))
        }
    }
}

#[napi]
impl SocketStream {
    #[napi(constructor)]
    pub fn new(options: SocketOptions) -> Result<Self> {
        let query = namespaced_query_of(&options)?;
        let stream = guarded(|| stream_sockets(query, CHUNK_ROWS))?;
        Ok(SocketStream { state: Arc::new(Mutex::new(StreamState { stream: Some(stream), pending: None })) })
    }

    /// The next chunk, or null once every table is out; waits on the calling thread.
    #[napi]
    pub fn next_sync(&self) -> Result<Option<Buffer>> {
        Ok(next_packed(&self.state)?.map(Buffer::from))
    }

    /// The next chunk written into `target`, which a caller reuses so that
    /// chunks make no garbage; returns its length, or null once every table
    /// is out. A length over `target.length` means nothing was written: call
    /// again with a buffer at least that long.
    #[napi]
    pub fn next_into_sync(&self, mut target: Buffer) -> Result<Option<u32>> {
        let Some(packed) = next_packed(&self.state)? else { return Ok(None) };
        let length = packed.len() as u32;
        if packed.len() <= target.len() {
            target[..packed.len()].copy_from_slice(&packed);
        } else {
            self.state.lock().unwrap_or_else(PoisonError::into_inner).pending = Some(packed);
        }
        Ok(Some(length))
    }

    /// The next chunk, or null once every table is out; waits on the libuv pool.
    #[napi(ts_return_type = "Promise<Buffer | null>")]
    pub fn next(&self) -> AsyncTask<NextChunkTask> {
        AsyncTask::new(NextChunkTask { state: self.state.clone() })
    }

    /// Stops the listing: the rest is never read.
    #[napi]
    pub fn close(&self) {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) = StreamState::default();
    }
}

pub struct NextChunkTask {
    state: Arc<Mutex<StreamState>>,
}

impl Task for NextChunkTask {
    type Output = Option<Vec<u8>>;
    type JsValue = Option<Buffer>;

    fn compute(&mut self) -> Result<Self::Output> {
        next_packed(&self.state)
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(output.map(Buffer::from))
    }
}

/// The C library's text for an errno (strerror), as netstat prints it after a path.
#[napi]
pub fn error_message(errno: i32) -> String {
    fastnetstat_core::statistics::strerror(errno)
}

// ---------------------------------------------------------------------------
// Protocol counters (netstat -s)

/// Which counter files to read. `files` is a bit mask over snmp, netstat,
/// snmp6, sctp/snmp (bit 0 = snmp), read in that order.
#[napi(object)]
#[derive(Clone)]
pub struct StatisticsOptions {
    pub proc_root: Option<String>,
    pub files: u32,
}

fn statistics_query_of(opts: &StatisticsOptions) -> fastnetstat_core::statistics::StatisticsQuery {
    use fastnetstat_core::statistics::{StatFile, StatisticsQuery};
    StatisticsQuery {
        root: opts.proc_root.as_ref().map(ProcRoot::new).unwrap_or_default(),
        files: StatFile::ALL.into_iter().filter(|f| opts.files & (1 << *f as u32) != 0).collect(),
    }
}

fn read_statistics_packed(query: &fastnetstat_core::statistics::StatisticsQuery) -> Result<Vec<u8>> {
    guarded(|| wire_stats::pack_statistics(&fastnetstat_core::statistics::read_statistics(query)))
}

/// Reads the protocol counters on the calling thread.
#[napi]
pub fn read_statistics_sync(options: StatisticsOptions) -> Result<Buffer> {
    read_statistics_packed(&statistics_query_of(&options)).map(Buffer::from)
}

pub struct ReadStatisticsTask {
    query: fastnetstat_core::statistics::StatisticsQuery,
}

impl Task for ReadStatisticsTask {
    type Output = Vec<u8>;
    type JsValue = Buffer;

    fn compute(&mut self) -> Result<Self::Output> {
        read_statistics_packed(&self.query)
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(Buffer::from(output))
    }
}

/// Reads the protocol counters on the libuv thread pool.
#[napi(ts_return_type = "Promise<Buffer>")]
pub fn read_statistics(options: StatisticsOptions) -> AsyncTask<ReadStatisticsTask> {
    AsyncTask::new(ReadStatisticsTask { query: statistics_query_of(&options) })
}
