use super::*;

const ID: &str = "3f4e1b2a9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f";
const ID2: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const UID: &str = "5b0d7c2e-8f1a-4c3b-9d6e-2a7f0e1c4b8d";
const UID_: &str = "5b0d7c2e_8f1a_4c3b_9d6e_2a7f0e1c4b8d";

fn container(path: &str) -> Option<(Runtime, String, Option<String>)> {
    container_of_cgroup(path).map(|c| (c.runtime, c.id, c.pod_uid))
}

fn expect(path: &str, runtime: Runtime, id: &str, pod: Option<&str>) {
    assert_eq!(container(path), Some((runtime, id.to_owned(), pod.map(str::to_owned))), "path {path}");
}

#[test]
fn docker_both_drivers() {
    for path in [
        format!("/system.slice/docker-{ID}.scope"),
        format!("/docker/{ID}"),
        // rootless Docker under the user's systemd
        format!("/user.slice/user-1000.slice/user@1000.service/user.slice/docker-{ID}.scope"),
        // systemd inside the container adds children; the container is still the scope
        format!("/system.slice/docker-{ID}.scope/init.scope"),
    ] {
        expect(&path, Runtime::Docker, ID, None);
    }
}

#[test]
fn containerd_systemd_driver_every_qos() {
    for (qos, slices) in [
        ("burstable", format!("kubepods-burstable.slice/kubepods-burstable-pod{UID_}.slice")),
        ("besteffort", format!("kubepods-besteffort.slice/kubepods-besteffort-pod{UID_}.slice")),
        ("guaranteed", format!("kubepods-pod{UID_}.slice")),
    ] {
        let path = format!("/kubepods.slice/{slices}/cri-containerd-{ID}.scope");
        expect(&path, Runtime::Containerd, ID, Some(UID));
        assert_eq!(pod_uid_of_cgroup(&path).as_deref(), Some(UID), "{qos}");
    }
}

#[test]
fn containerd_cgroupfs_driver_every_qos() {
    for parent in [
        format!("/kubepods/burstable/pod{UID}"),
        format!("/kubepods/besteffort/pod{UID}"),
        format!("/kubepods/pod{UID}"),
    ] {
        let path = format!("{parent}/{ID}");
        expect(&path, Runtime::Containerd, ID, Some(UID));
        assert_eq!(pod_uid_of_cgroup(&parent).as_deref(), Some(UID));
    }
}

#[test]
fn containerd_runc_notation_as_a_directory() {
    // kubelet with systemd, containerd with SystemdCgroup = false
    let path = format!(
        "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod{UID_}.slice:cri-containerd:{ID}"
    );
    // one component, holding the pod slice's name too
    expect(&path, Runtime::Containerd, ID, Some(UID));
    assert_eq!(pod_uid_of_cgroup(&path).as_deref(), Some(UID));
}

#[test]
fn sandbox_and_container_share_the_pod() {
    let pod = format!("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{UID_}.slice");
    expect(&format!("{pod}/cri-containerd-{ID}.scope"), Runtime::Containerd, ID, Some(UID));
    expect(&format!("{pod}/cri-containerd-{ID2}.scope"), Runtime::Containerd, ID2, Some(UID));
    assert_eq!(pod_uid_of_cgroup(&pod).as_deref(), Some(UID));
    assert_eq!(container(&pod), None);
}

#[test]
fn static_pod_uid_has_32_hex_digits() {
    let uid = "d41d8cd98f00b204e9800998ecf8427e";
    expect(
        &format!("/kubepods.slice/kubepods-pod{uid}.slice/cri-containerd-{ID}.scope"),
        Runtime::Containerd,
        ID,
        Some(uid),
    );
    expect(&format!("/kubepods/pod{uid}/{ID}"), Runtime::Containerd, ID, Some(uid));
}

#[test]
fn crio_both_drivers_and_conmon() {
    let pod = format!("/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod{UID_}.slice");
    expect(&format!("{pod}/crio-{ID}.scope"), Runtime::CriO, ID, Some(UID));
    // crun configures a child of the scope CRI-O asked for
    expect(&format!("{pod}/crio-{ID}.scope/container"), Runtime::CriO, ID, Some(UID));
    // a dropped infra container's cgroup, made with cgroupfs inside the pod slice
    expect(&format!("{pod}/crio-{ID2}"), Runtime::CriO, ID2, Some(UID));
    expect(&format!("/kubepods/burstable/pod{UID}/crio-{ID}"), Runtime::CriO, ID, Some(UID));
    // conmon: no container, no pod, wherever it sits
    for conmon in [
        format!("{pod}/crio-conmon-{ID}.scope"),
        format!("/system.slice/crio-conmon-{ID}.scope"),
        format!("/kubepods/burstable/pod{UID}/crio-conmon-{ID}"),
    ] {
        assert_eq!(container(&conmon), None, "{conmon}");
        assert_eq!(pod_uid_of_cgroup(&conmon), None, "{conmon}");
    }
}

#[test]
fn podman_rootful_rootless_cgroupfs_split_and_conmon() {
    for path in [
        format!("/machine.slice/libpod-{ID}.scope"),
        format!("/machine.slice/libpod-{ID}.scope/container"),
        format!("/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-{ID}.scope"),
        format!("/machine.slice/machine-libpod_pod_{ID2}.slice/libpod-{ID}.scope"),
        format!("/libpod_parent/libpod-{ID}"),
        format!("/system.slice/web.service/libpod-payload-{ID}"),
    ] {
        expect(&path, Runtime::Podman, ID, None);
    }
    assert_eq!(container(&format!("/machine.slice/libpod-conmon-{ID}.scope")), None);
    assert_eq!(container("/libpod_parent/conmon"), None);
    assert_eq!(container("/system.slice/web.service/supervisor"), None);
}

#[test]
fn lxc_both_shapes() {
    expect("/lxc.payload.web", Runtime::Lxc, "web", None);
    expect("/lxc.payload.web/init.scope", Runtime::Lxc, "web", None);
    expect("/lxc.payload/web", Runtime::Lxc, "web", None);
    expect("/lxc/web", Runtime::Lxc, "web", None);
    expect("/lxc/101/ns/system.slice/nginx.service", Runtime::Lxc, "101", None);
    assert_eq!(container("/lxc.monitor.web"), None);
    assert_eq!(container("/lxc.monitor/web"), None);
    assert_eq!(container("/lxc.pivot"), None);
}

#[test]
fn systemd_nspawn_escaped_names() {
    expect(
        "/machine.slice/machine-debian\\x2dbookworm.scope",
        Runtime::SystemdNspawn,
        "debian-bookworm",
        None,
    );
    expect("/machine.slice/machine-web.scope/payload/system.slice", Runtime::SystemdNspawn, "web", None);
    expect(
        "/machine.slice/systemd-nspawn@my\\x2dbox.service/payload",
        Runtime::SystemdNspawn,
        "my-box",
        None,
    );
    assert_eq!(container("/machine.slice/machine-web.scope/supervisor"), None);
    // libvirt guests register with machined too: not nspawn containers
    assert_eq!(container("/machine.slice/machine-qemu\\x2d1\\x2ddebian.scope"), None);
    assert_eq!(container("/machine.slice/machine-lxc\\x2d4242\\x2dct.scope"), None);
    // a pod slice in machine.slice is not a machine scope
    assert_eq!(container(&format!("/machine.slice/machine-libpod_pod_{ID}.slice")), None);
}

#[test]
fn shapes_below_any_prefix() {
    // a test prefix, a cgroup namespace's relative path, a mount point
    expect(&format!("/fastnetstat-test/docker/{ID}"), Runtime::Docker, ID, None);
    expect(&format!("/../../system.slice/docker-{ID}.scope"), Runtime::Docker, ID, None);
    expect(&format!("/sys/fs/cgroup/unified/system.slice/docker-{ID}.scope"), Runtime::Docker, ID, None);
    // kind: kubelet with --cgroup-root=/kubelet inside a Docker container; the pod's
    // container wins over the node's
    let kind = format!(
        "/system.slice/docker-{ID2}.scope/kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod{UID_}.slice/cri-containerd-{ID}.scope"
    );
    expect(&kind, Runtime::Containerd, ID, Some(UID));
    // the node's own processes belong to the node's container, with no pod
    expect(
        &format!("/system.slice/docker-{ID2}.scope/system.slice/containerd.service"),
        Runtime::Docker,
        ID2,
        None,
    );
    // a conmon inside the node is the node container's process
    let node_conmon = format!(
        "/system.slice/docker-{ID2}.scope/kubepods.slice/kubepods-pod{UID_}.slice/crio-conmon-{ID}.scope"
    );
    expect(&node_conmon, Runtime::Docker, ID2, None);
    assert_eq!(pod_uid_of_cgroup(&node_conmon), None);
}

#[test]
fn negatives() {
    for path in [
        "/",
        "",
        "/init.scope",
        "/system.slice/sshd.service",
        "/user.slice/user-1000.slice/session-3.scope",
        // looks like a scope, is a user's transient unit
        "/user.slice/user-1000.slice/user@1000.service/app.slice/run-r8f2e1c.scope",
        "/user.slice/user-1000.slice/user@1000.service/app.slice/docker-compose.scope",
        // ids that are not 64 lowercase hex digits
        "/system.slice/docker-3f4e1b2a9c8d.scope",
        "/system.slice/docker-3F4E1B2A9C8D7E6F5A4B3C2D1E0F9A8B7C6D5E4F3A2B1C0D9E8F7A6B5C4D3E2F.scope",
        "/docker/not-an-id",
        "/docker",
        // a bare id outside docker/ or a pod is nobody's container
        &format!("/system.slice/{ID}"),
        // docker-ID without .scope is not the systemd shape
        &format!("/system.slice/docker-{ID}"),
        "/machine.slice/machine-.scope",
        "/lxc.payload.",
    ] {
        assert_eq!(container(path), None, "{path}");
    }
    for path in [
        // pod-shaped but not under kubepods
        format!("/system.slice/pod{UID}"),
        format!("/user.slice/user-pod{UID_}.slice"),
        // a uid of the wrong shape
        "/kubepods/burstable/pod1234".to_owned(),
        "/kubepods.slice/kubepods-podzzzz.slice".to_owned(),
    ] {
        assert_eq!(pod_uid_of_cgroup(&path), None, "{path}");
    }
}

#[test]
fn v1_lines_as_fallback() {
    let v2_only = format!("0::/system.slice/docker-{ID}.scope\n");
    assert_eq!(process_cgroup(&v2_only), Some(format!("/system.slice/docker-{ID}.scope").as_str()));

    // v1 only, systemd driver: name=systemd carries the path
    let v1_systemd = format!(
        "12:pids:/system.slice/docker-{ID}.scope\n4:cpu,cpuacct:/system.slice/docker-{ID}.scope\n1:name=systemd:/system.slice/docker-{ID}.scope\n"
    );
    assert_eq!(process_cgroup(&v1_systemd), Some(format!("/system.slice/docker-{ID}.scope").as_str()));

    // hybrid, cgroupfs driver: the v2 path stays at the runtime's service, cpu has the container
    let hybrid = format!(
        "11:memory:/docker/{ID}\n4:cpu,cpuacct:/docker/{ID}\n1:name=systemd:/system.slice/containerd.service\n0::/system.slice/containerd.service\n"
    );
    assert_eq!(process_cgroup(&hybrid), Some(format!("/docker/{ID}").as_str()));
    let via = process_cgroup(&hybrid).and_then(container_of_cgroup).map(|c| c.runtime);
    assert_eq!(via, Some(Runtime::Docker));

    // memory only
    let memory = format!("9:memory:/kubepods/pod{UID}/{ID}\n1:name=systemd:/\n");
    assert_eq!(process_cgroup(&memory), Some(format!("/kubepods/pod{UID}/{ID}").as_str()));

    // nothing container-shaped: the v2 path, else name=systemd
    assert_eq!(
        process_cgroup("1:name=systemd:/user.slice\n0::/user.slice/session-2.scope\n"),
        Some("/user.slice/session-2.scope")
    );
    assert_eq!(process_cgroup("4:cpu:/\n1:name=systemd:/init.scope\n"), Some("/init.scope"));
    assert_eq!(process_cgroup(""), None);
    assert_eq!(process_cgroup("garbage\n"), None);
}

#[test]
fn unescape() {
    assert_eq!(systemd_unescape("a\\x2db\\x2dc"), "a-b-c");
    assert_eq!(systemd_unescape("plain"), "plain");
    assert_eq!(systemd_unescape("trailing\\x2"), "trailing\\x2");
    assert_eq!(systemd_unescape("bad\\xzz"), "bad\\xzz");
    assert_eq!(systemd_unescape("caf\\xc3\\xa9"), "café");
}

#[test]
fn runtime_names() {
    let all = [
        (Runtime::Docker, "docker"),
        (Runtime::Containerd, "containerd"),
        (Runtime::CriO, "cri-o"),
        (Runtime::Podman, "podman"),
        (Runtime::Lxc, "lxc"),
        (Runtime::SystemdNspawn, "systemd-nspawn"),
    ];
    for (runtime, name) in all {
        assert_eq!(runtime.as_str(), name);
    }
}
