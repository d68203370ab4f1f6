//! What an fd link and a cmdline say: the socket an fd names, and the
//! program name netstat shows for a process.

use crate::text::numbers::decimal_name;

/// `argv[0]` of a cmdline, reduced as netstat does.
pub fn program_name_of(cmdline: &[u8]) -> &[u8] {
    let argv0 = match cmdline.iter().position(|&b| b == 0) {
        Some(nul) => &cmdline[..nul],
        None => cmdline,
    };
    if argv0.first() == Some(&b'/') {
        let last = argv0.iter().rposition(|&b| b == b'/').unwrap_or(0);
        &argv0[last + 1..]
    } else {
        argv0
    }
}

/// `socket:[N]` or `[0000]:N` -> N.
pub fn socket_inode(link: &[u8]) -> Option<u64> {
    let digits = if let Some(rest) = link.strip_prefix(b"socket:[") {
        rest.strip_suffix(b"]")?
    } else {
        link.strip_prefix(b"[0000]:")?
    };
    // strtoul's error value is rejected by netstat too.
    decimal_name(digits, 20).filter(|&v| v != u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socket_links() {
        assert_eq!(socket_inode(b"socket:[12345]"), Some(12345));
        assert_eq!(socket_inode(b"[0000]:333"), Some(333));
        assert_eq!(socket_inode(b"socket:[]"), None);
        assert_eq!(socket_inode(b"socket:[12a]"), None);
        assert_eq!(socket_inode(b"socket:[123"), None);
        assert_eq!(socket_inode(b"pipe:[123]"), None);
        assert_eq!(socket_inode(b"socket:[18446744073709551615]"), None);
        assert_eq!(socket_inode(b"socket:[99999999999999999999]"), None);
        assert_eq!(socket_inode(b"/dev/null"), None);
    }

    #[test]
    fn program_names() {
        assert_eq!(program_name_of(b"/usr/sbin/sshd\0-D\0"), b"sshd");
        assert_eq!(program_name_of(b"python3\0/srv/app.py\0"), b"python3");
        assert_eq!(program_name_of(b"./bin/tool\0"), b"./bin/tool");
        assert_eq!(program_name_of(b"/opt/app/\0"), b"");
        assert_eq!(
            program_name_of(b"nginx: master process /usr/sbin/nginx"),
            b"nginx: master process /usr/sbin/nginx"
        );
        assert_eq!(program_name_of(b"/usr/bin/sshd: user@pts/0"), b"0");
        assert_eq!(program_name_of(b""), b"");
    }
}
