//! Routes, interfaces and multicast groups: each call reads with the core and
//! returns one packed buffer (layouts in wire_routes.rs, wire_interfaces.rs,
//! wire_groups.rs). Sync variants run on the calling thread, the others on
//! the libuv pool.

use fastnetstat_core::groups::{read_groups, GroupsQuery};
use fastnetstat_core::interfaces::{list_interfaces as core_list_interfaces, InterfaceQuery};
use fastnetstat_core::routes::{read_routes, RouteQuery};
use fastnetstat_core::ProcRoot;
use napi::bindgen_prelude::*;
use napi_derive::napi;

use crate::{guarded, wire_groups, wire_interfaces, wire_routes};

fn root_of(p: &Option<String>) -> ProcRoot {
    p.as_ref().map(ProcRoot::new).unwrap_or_default()
}

/// Which routing tables to read.
#[napi(object)]
#[derive(Clone)]
pub struct RouteOptions {
    pub proc_root: Option<String>,
    /// /proc/net/route
    pub inet: bool,
    /// /proc/net/rt_cache
    pub inet_cache: bool,
    /// /proc/net/ipv6_route
    pub inet6: bool,
}

fn route_query(o: &RouteOptions) -> RouteQuery {
    RouteQuery { root: root_of(&o.proc_root), inet: o.inet, inet_cache: o.inet_cache, inet6: o.inet6 }
}

#[napi(object)]
#[derive(Clone)]
pub struct InterfaceOptions {
    pub proc_root: Option<String>,
    /// Also read /proc/net/if_inet6.
    pub inet6: bool,
}

fn interface_query(o: &InterfaceOptions) -> InterfaceQuery {
    InterfaceQuery { root: root_of(&o.proc_root), inet6: o.inet6 }
}

#[napi(object)]
pub struct GroupOptions {
    pub proc_root: Option<String>,
    /// /proc/net/igmp
    pub inet: bool,
    /// /proc/net/igmp6
    pub inet6: bool,
    /// A buffer a previous call returned: continue from its parse state (netstat -c).
    pub previous: Option<Buffer>,
}

fn group_query(o: &GroupOptions) -> GroupsQuery {
    GroupsQuery {
        root: root_of(&o.proc_root),
        inet: o.inet,
        inet6: o.inet6,
        state: o.previous.as_ref().map(|b| wire_groups::state_of(b)).unwrap_or_default(),
    }
}

/// A read on the libuv pool.
pub struct ReadTask<Q: Send + 'static> {
    query: Q,
    run: fn(&Q) -> Vec<u8>,
}

impl<Q: Send + 'static> Task for ReadTask<Q> {
    type Output = Vec<u8>;
    type JsValue = Buffer;

    fn compute(&mut self) -> Result<Self::Output> {
        let run = self.run;
        let q = &self.query;
        guarded(|| run(q))
    }

    fn resolve(&mut self, _env: Env, output: Self::Output) -> Result<Self::JsValue> {
        Ok(Buffer::from(output))
    }
}

fn run_routes(q: &RouteQuery) -> Vec<u8> {
    wire_routes::pack_routes(&read_routes(q))
}
fn run_interfaces(q: &InterfaceQuery) -> Vec<u8> {
    wire_interfaces::pack_interfaces(&core_list_interfaces(q))
}
fn run_groups(q: &GroupsQuery) -> Vec<u8> {
    wire_groups::pack_groups(&read_groups(q))
}

/// The two exports of one table (each with its doc text): the first reads on the calling thread,
/// the second on the libuv pool; both turn the options into the core's
/// query with `$query` and read and pack with `$run`.
macro_rules! readers {
    (
        $sync_doc:literal fn $sync:ident,
        $pool_doc:literal fn $pool:ident,
        $options:ty => $query_type:ty, $query:ident, $run:ident
    ) => {
        #[doc = $sync_doc]
        #[napi]
        pub fn $sync(options: $options) -> Result<Buffer> {
            let q = $query(&options);
            guarded(|| $run(&q)).map(Buffer::from)
        }

        #[doc = $pool_doc]
        #[napi(ts_return_type = "Promise<Buffer>")]
        pub fn $pool(options: $options) -> AsyncTask<ReadTask<$query_type>> {
            AsyncTask::new(ReadTask { query: $query(&options), run: $run })
        }
    };
}

readers!(
    "Reads routing tables on the calling thread."
    fn list_routes_sync,
    "Reads routing tables off the main thread."
    fn list_routes,
    RouteOptions => RouteQuery, route_query, run_routes
);

readers!(
    "Lists interfaces on the calling thread."
    fn list_interfaces_sync,
    "Lists interfaces off the main thread (the ioctls ask the namespace of this process)."
    fn list_interfaces,
    InterfaceOptions => InterfaceQuery, interface_query, run_interfaces
);

readers!(
    "Reads multicast group memberships on the calling thread."
    fn list_groups_sync,
    "Reads multicast group memberships off the main thread."
    fn list_groups,
    GroupOptions => GroupsQuery, group_query, run_groups
);
