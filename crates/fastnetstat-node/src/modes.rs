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

/// Reads routing tables on the calling thread.
#[napi]
pub fn list_routes_sync(options: RouteOptions) -> Result<Buffer> {
    let q = route_query(&options);
    guarded(|| run_routes(&q)).map(Buffer::from)
}

/// Reads routing tables off the main thread.
#[napi(ts_return_type = "Promise<Buffer>")]
pub fn list_routes(options: RouteOptions) -> AsyncTask<ReadTask<RouteQuery>> {
    AsyncTask::new(ReadTask { query: route_query(&options), run: run_routes })
}

/// Lists interfaces on the calling thread.
#[napi]
pub fn list_interfaces_sync(options: InterfaceOptions) -> Result<Buffer> {
    let q = interface_query(&options);
    guarded(|| run_interfaces(&q)).map(Buffer::from)
}

/// Lists interfaces off the main thread (the ioctls ask the namespace of this process).
#[napi(ts_return_type = "Promise<Buffer>")]
pub fn list_interfaces(options: InterfaceOptions) -> AsyncTask<ReadTask<InterfaceQuery>> {
    AsyncTask::new(ReadTask { query: interface_query(&options), run: run_interfaces })
}

/// Reads multicast group memberships on the calling thread.
#[napi]
pub fn list_groups_sync(options: GroupOptions) -> Result<Buffer> {
    let q = group_query(&options);
    guarded(|| run_groups(&q)).map(Buffer::from)
}

/// Reads multicast group memberships off the main thread.
#[napi(ts_return_type = "Promise<Buffer>")]
pub fn list_groups(options: GroupOptions) -> AsyncTask<ReadTask<GroupsQuery>> {
    AsyncTask::new(ReadTask { query: group_query(&options), run: run_groups })
}
