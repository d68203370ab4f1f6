//! Docker: `var/lib/docker/containers/ID/config.v2.json`, moby's container.Container
//! as JSON: `Name` ("/web"), `State.Running`, and each network's `IPAddress` and
//! `GlobalIPv6Address` under `NetworkSettings.Networks` (moby embeds the API's
//! EndpointSettings, so those fields sit directly in each network's object).

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub(crate) const CONTAINERS_DIR: &str = "var/lib/docker/containers";

pub(crate) fn state_file(host_root: &Path, id: &str) -> PathBuf {
    host_root.join(CONTAINERS_DIR).join(id).join("config.v2.json")
}

/// What fastnetstat uses of a Docker container's state.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct DockerState {
    pub name: Option<String>,
    pub running: bool,
    pub addresses: Vec<IpAddr>,
}

#[derive(Deserialize)]
struct Config {
    #[serde(rename = "Name")]
    name: Option<String>,
    #[serde(rename = "State")]
    state: Option<State>,
    #[serde(rename = "NetworkSettings")]
    network_settings: Option<NetworkSettings>,
}

#[derive(Deserialize)]
struct State {
    #[serde(rename = "Running", default)]
    running: bool,
}

#[derive(Deserialize)]
struct NetworkSettings {
    #[serde(rename = "Networks")]
    networks: Option<HashMap<String, Option<Endpoint>>>,
    /// Before Docker 1.9 (no Networks), the one network's addresses sat here.
    #[serde(flatten)]
    legacy: Endpoint,
}

#[derive(Deserialize)]
struct Endpoint {
    #[serde(rename = "IPAddress")]
    ip_address: Option<String>,
    #[serde(rename = "GlobalIPv6Address")]
    global_ipv6_address: Option<String>,
}

pub(crate) fn parse(bytes: &[u8]) -> Option<DockerState> {
    let config: Config = serde_json::from_slice(bytes).ok()?;
    let name =
        config.name.map(|name| name.trim_start_matches('/').to_owned()).filter(|name| !name.is_empty());
    let running = config.state.is_some_and(|state| state.running);
    let mut addresses = Vec::new();
    let (networks, legacy) = match config.network_settings {
        Some(settings) => (settings.networks.unwrap_or_default(), Some(settings.legacy)),
        None => (HashMap::new(), None),
    };
    for endpoint in networks.into_values().flatten().chain(legacy) {
        for address in [endpoint.ip_address, endpoint.global_ipv6_address].into_iter().flatten() {
            if let Ok(address) = address.parse() {
                if !addresses.contains(&address) {
                    addresses.push(address);
                }
            }
        }
    }
    Some(DockerState { name, running, addresses })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_state_and_addresses() {
        let text = br#"{"ID":"x","Name":"/web","State":{"Running":true,"Pid":42},
            "NetworkSettings":{"Networks":{
                "bridge":{"IPAMConfig":null,"IPAddress":"172.17.0.2","GlobalIPv6Address":""},
                "back":{"IPAddress":"10.5.0.3","GlobalIPv6Address":"fd00:5::3"},
                "gone":null}},"Unknown":[1,2,{"deep":true}]}"#;
        let state = parse(text).unwrap();
        assert_eq!(state.name.as_deref(), Some("web"));
        assert!(state.running);
        let mut addresses: Vec<String> = state.addresses.iter().map(ToString::to_string).collect();
        addresses.sort();
        assert_eq!(addresses, ["10.5.0.3", "172.17.0.2", "fd00:5::3"]);
    }

    #[test]
    fn before_networks() {
        let state = parse(br#"{"Name":"/old","State":{"Running":true},"NetworkSettings":{"IPAddress":"172.17.0.9","GlobalIPv6Address":""}}"#);
        assert_eq!(state.unwrap().addresses, ["172.17.0.9".parse::<IpAddr>().unwrap()]);
    }

    #[test]
    fn sparse_and_malformed() {
        assert_eq!(parse(b"{}"), Some(DockerState::default()));
        assert_eq!(parse(br#"{"Name":"/","State":{"Running":false}}"#), Some(DockerState::default()));
        assert_eq!(parse(br#"{"Name":"/web","State":{"#), None);
        assert_eq!(parse(br#"{"Name":7}"#), None);
        assert_eq!(parse(b""), None);
        assert_eq!(parse(b"[]"), None);
    }
}
