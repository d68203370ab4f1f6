//! The kubelet's pod log directories, `var/log/pods/NAMESPACE_NAME_UID/`: every pod the
//! node runs, whatever its runtime, readable without root on most nodes. Namespaces and
//! pod names are DNS labels and subdomains (no `_`), so the name splits cleanly.

use crate::containers::PodInfo;

pub(crate) const PODS_DIR: &str = "var/log/pods";

pub(crate) fn parse_dir_name(name: &str) -> Option<PodInfo> {
    let mut parts = name.split('_');
    let (namespace, pod, uid) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || [namespace, pod, uid].iter().any(|part| part.is_empty()) {
        return None;
    }
    Some(PodInfo { uid: uid.to_owned(), namespace: namespace.to_owned(), name: pod.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_name_uid() {
        let pod = parse_dir_name("kube-system_coredns-5d78c9869d-x7kqz_5b0d7c2e-8f1a-4c3b-9d6e-2a7f0e1c4b8d")
            .unwrap();
        assert_eq!(pod.namespace, "kube-system");
        assert_eq!(pod.name, "coredns-5d78c9869d-x7kqz");
        assert_eq!(pod.uid, "5b0d7c2e-8f1a-4c3b-9d6e-2a7f0e1c4b8d");
        for bad in ["", "a_b", "a_b_c_d", "_b_c", "a__c", "a_b_"] {
            assert_eq!(parse_dir_name(bad), None, "{bad}");
        }
    }
}
