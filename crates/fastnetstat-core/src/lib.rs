//! fastnetstat-core: reads the kernel's socket tables and maps socket inodes to
//! processes. Pure Rust: it knows nothing of JavaScript or of how rows are printed.
//!
//! Everything reads under a [`ProcRoot`], so tests and users can point it at a
//! captured /proc tree instead of the live one.

pub mod containers;
pub mod details;
pub mod error;
pub mod filter;
pub mod groups;
pub mod inet;
pub mod interfaces;
pub mod labels;
pub mod model;
pub mod netlink;
pub mod netns;
pub mod owners;
pub mod proc_root;
pub mod routes;
pub mod snapshot;
pub mod statistics;
pub mod stream;
pub mod table_status;
mod text;
pub mod unix;

pub use details::{
    BbrInfo, CongestionName, DctcpInfo, DetailsWanted, SocketDetails, SocketMemory, TcpInfo, VegasInfo,
};
pub use error::{Error, Result};
pub use model::*;
pub use netlink::destroy::{destroy_sockets, DestroyReport};
pub use netlink::events::{CloseEvents, ClosedSocket, EventBatch, Stopper};
pub use proc_root::ProcRoot;
pub use snapshot::{
    list_sockets, list_sockets_in, namespace_readable, HostSnapshot, NamespaceSnapshot, Rows, SocketQuery,
    SocketSnapshot, Source, TableChunk, TableId, TableReport, TableStatus,
};
pub use stream::{stream_sockets, SocketStream, StreamPanic};
