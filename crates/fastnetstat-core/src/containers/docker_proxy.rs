//! docker-proxy: the userland proxy Docker starts for a published port. It listens in
//! the host's network namespace and forwards to a container; its command line says
//! where (`-container-ip 172.17.0.2 -container-port 80`, moby's cmd/docker-proxy).

use std::net::IpAddr;

/// The container address and port a docker-proxy forwards to, from its
/// `/proc/PID/cmdline` (arguments separated by NUL). None unless argv[0] is a
/// docker-proxy and both flags parse. Go's flag package takes `-flag value`,
/// `-flag=value` and the same with `--`; the last occurrence wins.
pub fn docker_proxy_target(cmdline: &[u8]) -> Option<(IpAddr, u16)> {
    let mut args = cmdline.split(|b| *b == 0).filter(|arg| !arg.is_empty()).map(std::str::from_utf8);
    let program = args.next()?.ok()?;
    if program.rsplit('/').next() != Some("docker-proxy") {
        return None;
    }
    let (mut ip, mut port) = (None, None);
    let mut pending: Option<&str> = None;
    for arg in args {
        let Ok(arg) = arg else {
            pending = None;
            continue;
        };
        if let Some(flag) = pending.take() {
            assign(flag, arg, &mut ip, &mut port);
            continue;
        }
        let Some(flag) = arg.strip_prefix("--").or_else(|| arg.strip_prefix('-')) else { continue };
        match flag.split_once('=') {
            Some((name, value)) => assign(name, value, &mut ip, &mut port),
            None if matches!(flag, "container-ip" | "container-port") => pending = Some(flag),
            None => {}
        }
    }
    Some((ip?, port?))
}

fn assign(flag: &str, value: &str, ip: &mut Option<IpAddr>, port: &mut Option<u16>) {
    match flag {
        "container-ip" => *ip = value.parse().ok(),
        "container-port" => *port = value.parse().ok(),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn argv(args: &[&str]) -> Vec<u8> {
        let mut out = Vec::new();
        for arg in args {
            out.extend_from_slice(arg.as_bytes());
            out.push(0);
        }
        out
    }

    #[test]
    fn published_ports() {
        let v4 = argv(&[
            "/usr/bin/docker-proxy",
            "-proto",
            "tcp",
            "-host-ip",
            "0.0.0.0",
            "-host-port",
            "8080",
            "-container-ip",
            "172.17.0.2",
            "-container-port",
            "80",
            "-use-listen-fd",
        ]);
        assert_eq!(docker_proxy_target(&v4), Some(("172.17.0.2".parse().unwrap(), 80)));
        let v6 = argv(&["docker-proxy", "--container-ip=fd00::2", "--container-port=443", "-proto", "udp"]);
        assert_eq!(docker_proxy_target(&v6), Some(("fd00::2".parse().unwrap(), 443)));
        let last_wins = argv(&[
            "docker-proxy",
            "-container-ip",
            "10.0.0.1",
            "-container-ip=10.0.0.2",
            "-container-port",
            "1",
        ]);
        assert_eq!(docker_proxy_target(&last_wins), Some(("10.0.0.2".parse().unwrap(), 1)));
    }

    #[test]
    fn not_a_proxy_or_incomplete() {
        let other = argv(&["/usr/bin/socat", "-container-ip", "172.17.0.2", "-container-port", "80"]);
        assert_eq!(docker_proxy_target(&other), None);
        assert_eq!(docker_proxy_target(&argv(&["docker-proxy", "-container-ip", "172.17.0.2"])), None);
        assert_eq!(
            docker_proxy_target(&argv(&["docker-proxy", "-container-ip", "bad", "-container-port", "80"])),
            None
        );
        assert_eq!(
            docker_proxy_target(&argv(&[
                "docker-proxy",
                "-container-ip",
                "1.2.3.4",
                "-container-port",
                "99999"
            ])),
            None
        );
        assert_eq!(docker_proxy_target(&argv(&["docker-proxy", "-container-port"])), None);
        assert_eq!(docker_proxy_target(b""), None);
        assert_eq!(
            docker_proxy_target(b"docker-proxy\0-container-ip\0\xff\xfe\0-container-port\x0080\0"),
            None
        );
    }
}
