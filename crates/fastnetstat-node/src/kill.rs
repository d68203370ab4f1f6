//! Closing sockets (SOCK_DESTROY) and following the kernel's close
//! notifications: the rows cross as a packed listing (the same wire as
//! `listSockets`, decoded by the library as usual), what is not a row
//! (errnos, times) as small arrays beside it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use fastnetstat_core::{
    destroy_sockets as core_destroy_sockets, CloseEvents, InetSocket, Owner, OwnerAccess, SocketSnapshot,
    Stopper,
};
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::{core_error, guarded, namespaced_query_of, wire, SocketOptions};

/// Inet rows as a packed listing (no table reports; the owners given).
fn pack_rows(rows: Vec<InetSocket>, owners: &HashMap<u64, Owner>, access: OwnerAccess) -> Vec<u8> {
    let snapshot = SocketSnapshot { inet: rows, ..SocketSnapshot::default() };
    wire::pack_with_owners(&snapshot, owners, access)
}

/// What `destroySockets` did: `buffer` is a packed listing whose inet rows
/// are the `closed` sockets, then the failed ones (one errno each in
/// `failed`, in order), then the `vanished` ones (gone before the request).
#[napi(object)]
pub struct DestroyResult {
    pub buffer: Buffer,
    pub closed: u32,
    pub failed: Vec<i32>,
    pub vanished: u32,
}

pub struct Destroyed {
    buffer: Vec<u8>,
    closed: u32,
    failed: Vec<i32>,
    vanished: u32,
}

pub struct DestroyTask {
    options: SocketOptions,
}

impl Task for DestroyTask {
    type Output = Destroyed;
    type JsValue = DestroyResult;

    fn compute(&mut self) -> Result<Self::Output> {
        // read here, off the main thread: the filter may look names up (getaddrinfo)
        let query = guarded(|| namespaced_query_of(&self.options))??;
        let report = guarded(|| core_destroy_sockets(&query))?.map_err(core_error)?;
        let closed = report.closed.len() as u32;
        let vanished = report.vanished.len() as u32;
        let failed: Vec<i32> = report.failed.iter().map(|(_, errno)| *errno).collect();
        let mut rows = report.closed;
        rows.extend(report.failed.into_iter().map(|(row, _)| row));
        rows.extend(report.vanished);
        let buffer = guarded(|| pack_rows(rows, &report.owners, report.owner_access))?;
        Ok(Destroyed { buffer, closed, failed, vanished })
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(DestroyResult {
            buffer: Buffer::from(output.buffer),
            closed: output.closed,
            failed: output.failed,
            vanished: output.vanished,
        })
    }
}

/// Closes every socket the options select (their filter expression is
/// required) on the libuv thread pool; see the core's `destroy_sockets`.
#[napi(ts_return_type = "Promise<DestroyResult>")]
pub fn destroy_sockets(options: SocketOptions) -> Result<AsyncTask<DestroyTask>> {
    Ok(AsyncTask::new(DestroyTask { options }))
}

/// Closes that arrived in one wait: a packed listing of their rows, the
/// time of each (ms since the epoch), and how often the queue overflowed.
#[napi(object)]
pub struct CloseBatch {
    pub buffer: Buffer,
    pub times: Vec<f64>,
    pub overruns: u32,
}

pub struct PackedCloses {
    buffer: Vec<u8>,
    times: Vec<f64>,
    overruns: u32,
}

/// A subscription to the kernel's close notifications for the tables and
/// filter the options select (tcp and udp only). `next` waits off the main
/// thread; `close` ends it, and a `next` in progress resolves null at once.
#[napi]
pub struct CloseEventStream {
    events: Arc<Mutex<Option<CloseEvents>>>,
    stopper: Stopper,
}

#[napi]
impl CloseEventStream {
    #[napi(constructor)]
    pub fn new(options: SocketOptions) -> Result<Self> {
        let query = namespaced_query_of(&options)?;
        let events = guarded(|| CloseEvents::subscribe(&query))?.map_err(core_error)?;
        let stopper = events.stopper();
        Ok(CloseEventStream { events: Arc::new(Mutex::new(Some(events))), stopper })
    }

    /// The closes that come within `timeoutMs` (an empty batch if none);
    /// null once closed. The wait runs on a thread of its own, not on
    /// libuv's pool: a long wait must not hold one of its few threads from
    /// the file system and DNS work of the program.
    #[napi(ts_return_type = "Promise<CloseBatch | null>")]
    pub fn next<'env>(&self, env: &'env Env, timeout_ms: u32) -> Result<Object<'env>> {
        let (deferred, promise) = env.create_deferred()?;
        let events = self.events.clone();
        let timeout = Duration::from_millis(timeout_ms.into());
        std::thread::Builder::new()
            .name("fastnetstat-closes".into())
            .spawn(move || match next_closes(&events, timeout) {
                Ok(packed) => deferred.resolve(move |_env| Ok(packed.map(CloseBatch::from))),
                Err(error) => deferred.reject(error),
            })
            .map_err(|e| Error::new(Status::GenericFailure, format!("EIO: no thread to wait on: {e}")))?;
        Ok(promise)
    }

    /// Ends the subscription.
    #[napi]
    pub fn close(&self) {
        self.stopper.stop();
        *self.events.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }
}

/// Waits for the next batch and packs it; None once the subscription ended.
fn next_closes(events: &Mutex<Option<CloseEvents>>, timeout: Duration) -> Result<Option<PackedCloses>> {
    let mut events = events.lock().unwrap_or_else(PoisonError::into_inner);
    let Some(subscription) = events.as_mut() else { return Ok(None) };
    let batch = match guarded(|| subscription.next_batch(Some(timeout))) {
        Ok(Ok(Some(batch))) => batch,
        Ok(Ok(None)) => {
            *events = None;
            return Ok(None);
        }
        Ok(Err(e)) => return Err(core_error(e)),
        Err(panic) => {
            *events = None;
            return Err(panic);
        }
    };
    let times = batch.closed.iter().map(|c| c.time_ms as f64).collect();
    let rows = batch.closed.into_iter().map(|c| c.socket).collect();
    let buffer = guarded(|| pack_rows(rows, &HashMap::new(), OwnerAccess::NotRequested))?;
    Ok(Some(PackedCloses { buffer, times, overruns: batch.overruns }))
}

impl From<PackedCloses> for CloseBatch {
    fn from(packed: PackedCloses) -> CloseBatch {
        CloseBatch { buffer: Buffer::from(packed.buffer), times: packed.times, overruns: packed.overruns }
    }
}
