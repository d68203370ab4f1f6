//! RuntimeNames against fixtures/containers/hostroot: a host root with Docker,
//! containerd, CRI-O, Podman (rootful and rootless) and kubelet state, including
//! truncated, empty and annotation-less files.

use super::*;

const WEB: &str = "4b5e57f6eb2f42b9039b3d1e13929295f231749c510cbe341cd68036d9af97e2";
const OLD: &str = "cba06b5736faf67e54b07b561eae94395e774c517a7d910a54369e1263ccfbd4";
const BROKEN: &str = "f526795c95399cea27c055c842c3d6ab018ed0fa4f66f701c28ab22dec28237b";
const API: &str = "14c2529eb4498c5d1ffd6915d05bf58a91bdda796af59f41d480d11c099d0479";
const SANDBOX_WEB: &str = "d3e77d231f0c32fc43630a60fa9c1dd74f5a7a5966558d8fe2e9b5f8334fd655";
const NGINX: &str = "5be1ecc7935f1dd85635d4feedaf660594030253cc97c9e9ca3819ffeac36b65";
const SIDECAR: &str = "6c8b4535ccc87f19061c4646189e33d78f01c8b63dc4e3cb2f630b1796ee93b6";
const CTD_BROKEN: &str = "9bd147cfb982b4f7851a853f558269c69ddbfbc99ed32f74df5eb653e84845c9";
const CTD_PLAIN: &str = "fbe935b9fcf1c667b125b78162cd32f72f9b3cfbb9736dcd23bb8b39795bc116";
const SANDBOX_DNS: &str = "c6a1c4c0c07c6072ff2e68b7ae1ceb6070010cdc1a80f609f586755e2ebd5f12";
const COREDNS: &str = "8a32e516d7415be524a7fcec482ad2918f2b6ef2a7f4cb8e2e232b361436b20b";
const METRICS: &str = "177a7ea3611fe6b138557deaf44941614b66c0ece1766308044c8b65c8ba2123";
const DB: &str = "7bdc25d1694ef984782a16f6f1710c1c6bc83ba7a131b515baf532bea021d011";
const ROOTLESS_WEB: &str = "bc1b2afbdf1474d254ec2e599a8db6f50a03a131df3aa4212d786719aaf7aa9d";
const UNKNOWN: &str = "0000000000000000000000000000000000000000000000000000000000000000";
const POD_WEB: &str = "5b0d7c2e-8f1a-4c3b-9d6e-2a7f0e1c4b8d";
const POD_DNS: &str = "9e3c1f0a-2b4d-4e6f-8a1c-3d5e7f9b0c2e";
const POD_BATCH: &str = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";

fn host_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/containers/hostroot")
}

fn c(runtime: Runtime, id: &str) -> ContainerRef {
    ContainerRef { runtime, id: id.to_owned(), pod_uid: None }
}

/// The name the fixture host gives each (id, name) container of `runtime`.
fn expect_names(runtime: Runtime, expected: &[(&str, Option<&str>)]) {
    let names = RuntimeNames::load(&host_root());
    for &(id, name) in expected {
        assert_eq!(names.container_name(&c(runtime, id)), name, "{runtime:?} {id}");
    }
}

#[test]
fn docker_names() {
    expect_names(
        Runtime::Docker,
        &[
            (WEB, Some("web")),
            (OLD, Some("old")),
            (API, Some("api")),
            // truncated mid-write, unknown id, id of another runtime
            (BROKEN, None),
            (UNKNOWN, None),
            (NGINX, None),
            // a directory that is no container id is not looked at
            ("not-an-id", None),
        ],
    );
}

#[test]
fn docker_addresses_of_running_containers() {
    let names = RuntimeNames::load(&host_root());
    let id = |ip: &str| names.docker_container_by_ip(ip.parse().unwrap()).map(|c| (c.runtime, c.id.clone()));
    // 172.17.0.2 is also in a stopped container's state: the running one has it
    assert_eq!(id("172.17.0.2"), Some((Runtime::Docker, WEB.to_owned())));
    assert_eq!(id("10.5.0.3"), Some((Runtime::Docker, WEB.to_owned())));
    assert_eq!(id("fd00:5::3"), Some((Runtime::Docker, WEB.to_owned())));
    assert_eq!(id("172.17.0.3"), Some((Runtime::Docker, API.to_owned())));
    // two running containers claim it: nobody's
    assert_eq!(id("10.9.0.2"), None);
    // only in the truncated file
    assert_eq!(id("172.17.0.7"), None);
    assert_eq!(id("192.0.2.1"), None);
}

#[test]
fn containerd_names_sandboxes_and_pods() {
    let names = RuntimeNames::load(&host_root());
    let nginx = ContainerRef { pod_uid: Some(POD_WEB.into()), ..c(Runtime::Containerd, NGINX) };
    assert_eq!(names.container_name(&nginx), Some("nginx"));
    assert_eq!(names.container_name(&c(Runtime::Containerd, SIDECAR)), Some("sidecar"));
    assert!(!names.is_sandbox(&nginx));
    let sandbox = c(Runtime::Containerd, SANDBOX_WEB);
    assert_eq!(names.container_name(&sandbox), None);
    assert!(names.is_sandbox(&sandbox));
    // empty file, spec without annotations
    assert_eq!(names.container_name(&c(Runtime::Containerd, CTD_BROKEN)), None);
    assert_eq!(names.container_name(&c(Runtime::Containerd, CTD_PLAIN)), None);
    assert!(!names.is_sandbox(&c(Runtime::Containerd, CTD_BROKEN)));
    let pod = names.pod(POD_WEB).unwrap();
    assert_eq!((pod.namespace.as_str(), pod.name.as_str(), pod.uid.as_str()), ("shop", "web-7d9", POD_WEB));
}

#[test]
fn crio_names_from_run_or_persistent_copy() {
    expect_names(
        Runtime::CriO,
        // only the persistent copy under var/lib is left of METRICS
        &[(COREDNS, Some("coredns")), (METRICS, Some("metrics")), (SANDBOX_DNS, None)],
    );
    let names = RuntimeNames::load(&host_root());
    assert!(names.is_sandbox(&c(Runtime::CriO, SANDBOX_DNS)));
    let pod = names.pod(POD_DNS).unwrap();
    assert_eq!((pod.namespace.as_str(), pod.name.as_str()), ("kube-system", "coredns-5d78c9869d-x7kqz"));
}

#[test]
fn podman_rootful_and_rootless() {
    expect_names(Runtime::Podman, &[(DB, Some("db")), (ROOTLESS_WEB, Some("rootless-web")), (UNKNOWN, None)]);
}

#[test]
fn lxc_and_nspawn_are_named_by_their_cgroup() {
    let names = RuntimeNames::load(&host_root());
    assert_eq!(names.container_name(&c(Runtime::Lxc, "web")), Some("web"));
    assert_eq!(names.container_name(&c(Runtime::SystemdNspawn, "debian-bookworm")), Some("debian-bookworm"));
}

#[test]
fn pod_of_a_container() {
    let names = RuntimeNames::load(&host_root());
    let with_pod =
        |runtime, id: &str, uid: &str| ContainerRef { pod_uid: Some(uid.into()), ..c(runtime, id) };
    let pod = names.pod_of(&with_pod(Runtime::Containerd, NGINX, POD_WEB)).unwrap();
    assert_eq!((pod.namespace.as_str(), pod.name.as_str()), ("shop", "web-7d9"));
    let pod = names.pod_of(&with_pod(Runtime::CriO, COREDNS, POD_DNS)).unwrap();
    assert_eq!(pod.name, "coredns-5d78c9869d-x7kqz");
    // a spec without pod annotations, a Docker container: by uid
    let pod = names.pod_of(&with_pod(Runtime::Containerd, CTD_PLAIN, POD_BATCH)).unwrap();
    assert_eq!((pod.namespace.as_str(), pod.name.as_str()), ("batch", "report-28"));
    assert_eq!(
        names.pod_of(&with_pod(Runtime::Docker, WEB, POD_WEB)).map(|p| p.name.as_str()),
        Some("web-7d9")
    );
    // the path's uid wins over a spec that names another pod
    let pod = names.pod_of(&with_pod(Runtime::Containerd, NGINX, POD_BATCH)).unwrap();
    assert_eq!(pod.name, "report-28");
    // no uid, no pod
    assert_eq!(names.pod_of(&c(Runtime::Containerd, NGINX)), None);
}

#[test]
fn pods_fall_back_to_log_directories() {
    let names = RuntimeNames::load(&host_root());
    let pod = names.pod(POD_BATCH).unwrap();
    assert_eq!(
        (pod.namespace.as_str(), pod.name.as_str(), pod.uid.as_str()),
        ("batch", "report-28", POD_BATCH)
    );
    assert_eq!(names.pod("00000000-0000-0000-0000-000000000000"), None);
}

#[test]
fn cri_dockerd_paths_resolve_to_docker() {
    let names = RuntimeNames::load(&host_root());
    // kubepods/…/podUID/ID is taken for containerd's; only Docker knows this id
    let shaped = c(Runtime::Containerd, WEB);
    assert_eq!(names.runtime(&shaped), Runtime::Docker);
    assert_eq!(names.container_name(&shaped), Some("web"));
    assert_eq!(names.runtime(&c(Runtime::Containerd, NGINX)), Runtime::Containerd);
    assert_eq!(names.runtime(&c(Runtime::Containerd, UNKNOWN)), Runtime::Containerd);
}

/// A fresh host root in the temp dir (`tag` in its name) and in it Docker's state directory
/// for container WEB: (root, that directory).
fn scratch_host_with_docker_web(tag: &str) -> (PathBuf, PathBuf) {
    let root = std::env::temp_dir().join(format!("fastnetstat-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    let dir = root.join("var/lib/docker/containers").join(WEB);
    std::fs::create_dir_all(&dir).unwrap();
    (root, dir)
}

#[test]
fn missing_host_root_gives_no_names() {
    let names = RuntimeNames::load(Path::new("/nonexistent/fastnetstat/host"));
    assert_eq!(names.container_name(&c(Runtime::Docker, WEB)), None);
    assert_eq!(names.container_name(&c(Runtime::Podman, DB)), None);
    assert_eq!(names.pod(POD_WEB), None);
    assert_eq!(names.docker_container_by_ip("172.17.0.2".parse().unwrap()), None);
}

#[test]
fn oversized_and_unreadable_state_files_are_skipped() {
    let (root, dir) = scratch_host_with_docker_web("names");
    // valid JSON, one byte over the cap
    let mut text = br#"{"Name":"/big","Pad":""#.to_vec();
    let room = STATE_FILE_MAX as usize + 1 - text.len() - 2;
    text.resize(text.len() + room, b'x');
    text.extend_from_slice(b"\"}");
    assert_eq!(text.len() as u64, STATE_FILE_MAX + 1);
    std::fs::write(dir.join("config.v2.json"), &text).unwrap();
    // a directory where a file should be
    let other = root.join("var/lib/docker/containers").join(API);
    std::fs::create_dir_all(other.join("config.v2.json")).unwrap();
    let names = RuntimeNames::load(&root);
    assert_eq!(names.container_name(&c(Runtime::Docker, WEB)), None);
    assert_eq!(names.container_name(&c(Runtime::Docker, API)), None);

    // at the cap it is read
    text.truncate(text.len() - 3);
    text.extend_from_slice(b"\"}");
    std::fs::write(dir.join("config.v2.json"), &text).unwrap();
    assert_eq!(RuntimeNames::load(&root).container_name(&c(Runtime::Docker, WEB)), Some("big"));
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn each_state_file_is_read_once() {
    let (root, dir) = scratch_host_with_docker_web("once");
    std::fs::write(dir.join("config.v2.json"), r#"{"Name":"/first","State":{"Running":true}}"#).unwrap();
    let names = RuntimeNames::load(&root);
    assert_eq!(names.container_name(&c(Runtime::Docker, WEB)), Some("first"));
    // changed on disk: this RuntimeNames keeps what it read, a new one sees the change
    std::fs::write(dir.join("config.v2.json"), r#"{"Name":"/second"}"#).unwrap();
    assert_eq!(names.container_name(&c(Runtime::Docker, WEB)), Some("first"));
    assert!(names.docker_container_by_ip("172.17.0.2".parse().unwrap()).is_none());
    assert_eq!(RuntimeNames::load(&root).container_name(&c(Runtime::Docker, WEB)), Some("second"));
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn shared_between_threads() {
    fn assert_sync<T: Send + Sync>() {}
    assert_sync::<RuntimeNames>();
    let names = RuntimeNames::load(&host_root());
    std::thread::scope(|scope| {
        for _ in 0..4 {
            scope.spawn(|| assert_eq!(names.container_name(&c(Runtime::Docker, WEB)), Some("web")));
        }
    });
}
