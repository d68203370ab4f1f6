//! ss's state names and groups (`scan_state` in ss.c), as TCPF_* masks.

/// The kernel's TCP state numbers (include/net/tcp_states.h).
pub(crate) const ESTABLISHED: u8 = 1;
pub(crate) const SYN_SENT: u8 = 2;
pub(crate) const SYN_RECV: u8 = 3;
pub(crate) const TIME_WAIT: u8 = 6;
pub(crate) const CLOSE: u8 = 7;
pub(crate) const LISTEN: u8 = 10;
pub(crate) const CLOSING: u8 = 11;

const fn bit(state: u8) -> u32 {
    1 << state
}

/// ss's `all`: its twelve states (UNKNOWN..CLOSING), bits 0 to 11.
pub const SS_ALL: u32 = (1 << 12) - 1;
/// ss's default for tcp without -a/-l: every state but LISTEN, CLOSE, TIME_WAIT and SYN_RECV.
pub const SS_CONN: u32 = SS_ALL & !(bit(LISTEN) | bit(CLOSE) | bit(TIME_WAIT) | bit(SYN_RECV));

/// The names ss knows one state by, in state order (index = state number).
const NAMES: [&str; 12] = [
    "UNKNOWN",
    "established",
    "syn-sent",
    "syn-recv",
    "fin-wait-1",
    "fin-wait-2",
    "time-wait",
    "unconnected",
    "close-wait",
    "last-ack",
    "listening",
    "closing",
];

/// The mask of a state name or group, compared without case as ss does; None
/// for a name ss does not know.
pub fn state_mask(name: &str) -> Option<u32> {
    let is = |s: &str| name.eq_ignore_ascii_case(s);
    Some(if is("close") || is("closed") {
        bit(CLOSE)
    } else if is("syn-rcv") {
        bit(SYN_RECV)
    } else if is("all") {
        SS_ALL
    } else if is("connected") {
        SS_ALL & !(bit(CLOSE) | bit(LISTEN))
    } else if is("synchronized") {
        SS_ALL & !(bit(CLOSE) | bit(LISTEN) | bit(SYN_SENT))
    } else if is("bucket") {
        bit(SYN_RECV) | bit(TIME_WAIT)
    } else if is("big") {
        SS_ALL & !(bit(SYN_RECV) | bit(TIME_WAIT))
    } else if is("listen") {
        // not one of ss 6.1's names: the issue asks for it beside `listening`
        bit(LISTEN)
    } else {
        return NAMES.iter().position(|n| is(n)).map(|i| 1 << i);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_groups_are_ss_masks() {
        assert_eq!(state_mask("established"), Some(0x2));
        assert_eq!(state_mask("ESTABLISHED"), Some(0x2));
        assert_eq!(state_mask("listening"), Some(0x400));
        assert_eq!(state_mask("closed"), Some(0x80));
        assert_eq!(state_mask("unconnected"), Some(0x80));
        assert_eq!(state_mask("syn-rcv"), Some(0x8));
        assert_eq!(state_mask("all"), Some(0xfff));
        assert_eq!(state_mask("connected"), Some(0xfff & !0x480));
        assert_eq!(state_mask("synchronized"), Some(0xfff & !0x484));
        assert_eq!(state_mask("bucket"), Some(0x48));
        assert_eq!(state_mask("big"), Some(0xfff & !0x48));
        assert_eq!(state_mask("UNKNOWN"), Some(0x1));
        assert_eq!(state_mask("estab"), None);
        assert_eq!(SS_CONN, 0xfff & !(0x400 | 0x80 | 0x40 | 0x8));
    }
}
