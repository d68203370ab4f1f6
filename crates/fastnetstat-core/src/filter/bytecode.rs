//! inet_diag bytecode: the program the kernel runs on each socket of a dump
//! (`inet_diag_bc_run` in net/ipv4/inet_diag.c) to drop the ones a filter does
//! not select before they are sent.
//!
//! A program is a list of ops `{code: u8, yes: u8, no: u16}`, some followed by
//! their operand. The kernel starts at the first op; when an op's test holds it
//! moves `yes` bytes on, else `no` bytes on; the socket is selected when it
//! lands exactly on the end and dropped when it jumps past it. The compiler is
//! ss's (`ssfilter_bytecompile`): each term's code fails by jumping 4 bytes
//! past its own end; `and` appends the second term to the first and moves the
//! first's failure jumps along; `or` puts an always-taken jump over the second
//! term after the first; `not` puts an always-taken jump to failure after the
//! term, so the term's success fails and its failure falls through.
//!
//! ss leaves an expression uncompiled when a term has no op it uses (`dev`) or
//! would give the kernel bytecode it refuses (a unix path pattern, host names
//! of two families): its selection is then the userspace test alone. For those
//! the dump carries a looser program of ours instead, one that keeps every
//! socket the userspace test can select: `dev` (INET_DIAG_BC_DEV_COND),
//! `cgroup` and port comparisons as they are, `autobound` as the ephemeral
//! port range, an address as its port alone (or, under `not`, as the kernel's
//! stricter test). [`audit`] re-implements the kernel's check
//! (`inet_diag_bc_audit`, net/ipv4/inet_diag.c), every program built here
//! passes it, and [`run`] is the kernel's interpreter (`inet_diag_bc_run`).

use super::hostcond::{HostCond, AF_INET, AF_INET6, AF_UNSPEC};
use super::parse::{Expr, Side};

pub const INET_DIAG_BC_NOP: u8 = 0;
pub const INET_DIAG_BC_JMP: u8 = 1;
pub const INET_DIAG_BC_S_GE: u8 = 2;
pub const INET_DIAG_BC_S_LE: u8 = 3;
pub const INET_DIAG_BC_D_GE: u8 = 4;
pub const INET_DIAG_BC_D_LE: u8 = 5;
pub const INET_DIAG_BC_AUTO: u8 = 6;
pub const INET_DIAG_BC_S_COND: u8 = 7;
pub const INET_DIAG_BC_D_COND: u8 = 8;
pub const INET_DIAG_BC_DEV_COND: u8 = 9;
pub const INET_DIAG_BC_MARK_COND: u8 = 10;
pub const INET_DIAG_BC_S_EQ: u8 = 11;
pub const INET_DIAG_BC_D_EQ: u8 = 12;
pub const INET_DIAG_BC_CGROUP_COND: u8 = 13;

/// The largest program that fits a netlink attribute (its length is a u16 with
/// the 4-byte header).
pub(crate) const MAX_LEN: usize = u16::MAX as usize - 4;

fn op(code: u8, yes: usize, no: usize) -> [u8; 4] {
    let no = no as u16;
    [code, yes as u8, no.to_ne_bytes()[0], no.to_ne_bytes()[1]]
}

fn op_at(code: &[u8], at: usize) -> (u8, usize, usize) {
    (code[at], code[at + 1] as usize, u16::from_ne_bytes([code[at + 2], code[at + 3]]) as usize)
}

fn set_no(code: &mut [u8], at: usize, no: usize) {
    code[at + 2..at + 4].copy_from_slice(&(no as u16).to_ne_bytes());
}

/// ssfilter_patch: the failure jumps of `code` (those to 4 past its end) move on by `reloc`.
fn patch(code: &mut [u8], reloc: usize) {
    let mut at = 0;
    let mut len = code.len();
    while len > 0 {
        let (_, yes, no) = op_at(code, at);
        if no == len + 4 {
            set_no(code, at, no + reloc);
        }
        if yes == 0 || yes > len {
            return;
        }
        len -= yes;
        at += yes;
    }
}

/// `a and b` of two compiled programs (each failing 4 past its end).
pub fn and(mut a: Vec<u8>, b: &[u8]) -> Vec<u8> {
    patch(&mut a, b.len());
    a.extend_from_slice(b);
    a
}

/// The source port equals `port` (the `local_port` query).
pub fn source_port_is(port: u16) -> Vec<u8> {
    let mut code = op(INET_DIAG_BC_S_EQ, 8, 12).to_vec();
    code.extend_from_slice(&op(0, 0, port as usize));
    code
}

/// ss's program for `expr`, or None where ss would send none the kernel takes
/// (see the module notes).
pub(crate) fn compile(expr: &Expr) -> Option<Vec<u8>> {
    let code = compile_ss(expr)?;
    (code.len() <= MAX_LEN && audit(&code, true).is_ok()).then_some(code)
}

/// For an expression ss does not compile: a program that keeps every socket
/// the userspace test can select (so the kernel still drops most of the rest).
/// Terms the kernel tests exactly as userspace does are compiled as they are
/// (`dev`, `cgroup`, ports, a port-only address); `autobound` becomes the
/// ephemeral port range userspace checks; an address is loosened to its port
/// where it counts for the selection and tightened to the kernel's (stricter)
/// test under `not`. None when the program would not fit.
pub(crate) fn compile_loose(expr: &Expr, ephemeral: (u16, u16)) -> Option<Vec<u8>> {
    let code = loose(expr, true, ephemeral);
    (code.len() <= MAX_LEN && audit(&code, true).is_ok()).then_some(code)
}

fn always(holds: bool) -> Vec<u8> {
    if holds {
        op(INET_DIAG_BC_NOP, 4, 8).to_vec()
    } else {
        op(INET_DIAG_BC_JMP, 4, 8).to_vec()
    }
}

fn port_compare(code: u8, port: u16) -> Vec<u8> {
    let mut out = op(code, 8, 12).to_vec();
    out.extend_from_slice(&op(0, 0, port as usize));
    out
}

/// `positive`: the result must hold wherever userspace's does (an even number of
/// `not`s above); else it must hold only where userspace's does.
fn loose(expr: &Expr, positive: bool, ephemeral: (u16, u16)) -> Vec<u8> {
    match expr {
        Expr::And(a, b) => and(loose(a, positive, ephemeral), &loose(b, positive, ephemeral)),
        Expr::Or(a, b) => {
            let (mut a, b) = (loose(a, positive, ephemeral), loose(b, positive, ephemeral));
            a.extend_from_slice(&op(INET_DIAG_BC_JMP, 4, b.len() + 4));
            a.extend_from_slice(&b);
            a
        }
        Expr::Not(a) => {
            let mut a = loose(a, !positive, ephemeral);
            a.extend_from_slice(&op(INET_DIAG_BC_JMP, 4, 8));
            a
        }
        Expr::Auto => {
            and(port_compare(INET_DIAG_BC_S_GE, ephemeral.0), &port_compare(INET_DIAG_BC_S_LE, ephemeral.1))
        }
        Expr::Ge(_, port) | Expr::Le(_, port) => match u16::try_from(*port) {
            Ok(_) => compile_ss(expr).unwrap_or_else(|| always(positive)),
            // every port is >= a negative one and none >= one past 65535
            Err(_) => always(matches!(expr, Expr::Ge(..)) == (*port < 0)),
        },
        Expr::Dev(index) => {
            let mut out = op(INET_DIAG_BC_DEV_COND, 8, 12).to_vec();
            out.extend_from_slice(&index.to_ne_bytes());
            out
        }
        Expr::Cgroup(_) => compile_ss(expr).unwrap_or_else(|| always(positive)),
        // userspace never matches a unix pattern on an inet socket
        Expr::Cond(_, HostCond::Unix { .. }) => always(false),
        Expr::Cond(side, HostCond::Inet { port, addrs }) => {
            let port_only = || {
                let code = if *side == Side::Dst { INET_DIAG_BC_D_COND } else { INET_DIAG_BC_S_COND };
                let mut out = op(code, 12, 16).to_vec();
                out.extend_from_slice(&[AF_UNSPEC, 0, 0, 0]);
                out.extend_from_slice(&port.to_ne_bytes());
                out
            };
            if addrs[0].bits == 0 || positive {
                // userspace tests the port (and the addresses, which the kernel may
                // refuse where userspace accepts): the port alone keeps all it keeps
                port_only()
            } else {
                // the kernel's test holds only where userspace's does
                compile_ss(expr).filter(|code| audit(code, true).is_ok()).unwrap_or_else(|| always(false))
            }
        }
    }
}

fn compile_ss(expr: &Expr) -> Option<Vec<u8>> {
    Some(match expr {
        Expr::Auto => op(INET_DIAG_BC_AUTO, 4, 8).to_vec(),
        Expr::Cond(side, HostCond::Inet { port, addrs }) => {
            let code = if *side == Side::Dst { INET_DIAG_BC_D_COND } else { INET_DIAG_BC_S_COND };
            // ss sizes every address as the first one's family
            let family = addrs[0].family;
            let address_len = if family == AF_INET6 { 16 } else { 4 };
            let op_len = 4 + 8 + address_len;
            let total = addrs.len() * op_len + (addrs.len() - 1) * 4;
            if op_len > u8::MAX as usize {
                return None;
            }
            let mut out = Vec::with_capacity(total);
            for (i, a) in addrs.iter().enumerate() {
                out.extend_from_slice(&op(code, op_len, op_len + 4));
                // struct inet_diag_hostcond { u8 family; u8 prefix_len; int port; addr }
                out.extend_from_slice(&[family, a.bits, 0, 0]);
                out.extend_from_slice(&port.to_ne_bytes());
                out.extend_from_slice(&a.data[..address_len]);
                if i + 1 < addrs.len() {
                    let at = out.len();
                    out.extend_from_slice(&op(INET_DIAG_BC_JMP, 4, total - at));
                }
            }
            out
        }
        // ss sends AF_UNIX in the hostcond, which the kernel refuses
        Expr::Cond(_, HostCond::Unix { .. }) => return None,
        Expr::Ge(side, port) | Expr::Le(side, port) => {
            let code = match (expr, side) {
                (Expr::Ge(..), Side::Dst) => INET_DIAG_BC_D_GE,
                (Expr::Le(..), Side::Dst) => INET_DIAG_BC_D_LE,
                (Expr::Ge(..), Side::Src) => INET_DIAG_BC_S_GE,
                _ => INET_DIAG_BC_S_LE,
            };
            let mut out = op(code, 8, 12).to_vec();
            out.extend_from_slice(&op(0, 0, (*port as u16) as usize));
            out
        }
        Expr::Cgroup(id) => {
            let mut out = op(INET_DIAG_BC_CGROUP_COND, 12, 16).to_vec();
            out.extend_from_slice(&id.to_ne_bytes());
            out
        }
        // ss 6.1 has no bytecode for dev
        Expr::Dev(_) => return None,
        Expr::And(a, b) => {
            let (a, b) = (compile_ss(a)?, compile_ss(b)?);
            and(a, &b)
        }
        Expr::Or(a, b) => {
            let (mut a, b) = (compile_ss(a)?, compile_ss(b)?);
            a.extend_from_slice(&op(INET_DIAG_BC_JMP, 4, b.len() + 4));
            a.extend_from_slice(&b);
            a
        }
        Expr::Not(a) => {
            let mut a = compile_ss(a)?;
            a.extend_from_slice(&op(INET_DIAG_BC_JMP, 4, 8));
            a
        }
    })
    .filter(|code| code.len() <= MAX_LEN)
}

/// Why the kernel refuses a program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditError {
    /// -EINVAL
    Invalid,
    /// -EPERM: a mark test without CAP_NET_ADMIN.
    NotPermitted,
}

/// valid_cc: `cc` bytes before the end of `code` is the start of an op.
fn valid_cc(code: &[u8], cc: usize) -> bool {
    let mut len = code.len() as isize;
    let mut at = 0;
    let cc = cc as isize;
    while len >= 0 {
        if cc > len {
            return false;
        }
        if cc == len {
            return true;
        }
        if at + 4 > code.len() {
            return false;
        }
        let (_, yes, _) = op_at(code, at);
        if yes < 4 || yes & 3 != 0 {
            return false;
        }
        len -= yes as isize;
        at += yes;
    }
    false
}

/// The kernel's inet_diag_bc_audit (6.x), with `net_admin` the caller's
/// CAP_NET_ADMIN.
pub fn audit(code: &[u8], net_admin: bool) -> Result<(), AuditError> {
    use AuditError::*;
    if code.len() < 4 {
        return Err(Invalid);
    }
    let mut len = code.len();
    let mut at = 0;
    while len > 0 {
        if len < 4 {
            // the kernel reads the op header past what is left; it is not ours to do
            return Err(Invalid);
        }
        let mut min_len = 4usize;
        let (kind, yes, no) = op_at(code, at);
        match kind {
            INET_DIAG_BC_S_COND | INET_DIAG_BC_D_COND => {
                min_len += 8;
                if len < min_len {
                    return Err(Invalid);
                }
                let family = code[at + 4];
                let prefix_len = code[at + 5] as usize;
                let address_len = match family {
                    AF_UNSPEC => 0,
                    AF_INET => 4,
                    AF_INET6 => 16,
                    _ => return Err(Invalid),
                };
                min_len += address_len;
                if len < min_len || prefix_len > 8 * address_len {
                    return Err(Invalid);
                }
            }
            INET_DIAG_BC_DEV_COND => {
                min_len += 4;
                if len < min_len {
                    return Err(Invalid);
                }
            }
            INET_DIAG_BC_S_EQ | INET_DIAG_BC_S_GE | INET_DIAG_BC_S_LE | INET_DIAG_BC_D_EQ
            | INET_DIAG_BC_D_GE | INET_DIAG_BC_D_LE => {
                min_len += 4;
                if len < min_len {
                    return Err(Invalid);
                }
            }
            INET_DIAG_BC_MARK_COND => {
                if !net_admin {
                    return Err(NotPermitted);
                }
                min_len += 8;
                if len < min_len {
                    return Err(Invalid);
                }
            }
            INET_DIAG_BC_CGROUP_COND => {
                min_len += 8;
                if len < min_len {
                    return Err(Invalid);
                }
            }
            INET_DIAG_BC_AUTO | INET_DIAG_BC_JMP | INET_DIAG_BC_NOP => {}
            _ => return Err(Invalid),
        }
        if kind != INET_DIAG_BC_NOP {
            if no < min_len || no > len + 4 || no & 3 != 0 {
                return Err(Invalid);
            }
            if no < len && !valid_cc(code, len - no) {
                return Err(Invalid);
            }
        }
        if yes < min_len || yes > len + 4 || yes & 3 != 0 {
            return Err(Invalid);
        }
        if yes > len {
            // the kernel then leaves the loop with len < 0 and refuses
            return Err(Invalid);
        }
        at += yes;
        len -= yes;
    }
    Ok(())
}

/// What the kernel knows of a socket when it runs a program (`struct inet_diag_entry`).
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub family: u8,
    pub saddr: &'a [u8; 16],
    pub daddr: &'a [u8; 16],
    pub sport: u16,
    pub dport: u16,
    pub ifindex: u32,
    /// The socket's port was picked by the kernel (no SOCK_BINDPORT_LOCK).
    pub autobound: bool,
    pub mark: u32,
    pub cgroup_id: u64,
}

/// The kernel's inet_diag_bc_run of an audited program.
pub fn run(code: &[u8], entry: &Entry<'_>) -> bool {
    let mut len = code.len() as isize;
    let mut at = 0usize;
    while len > 0 {
        let (kind, yes, no) = op_at(code, at);
        let holds = match kind {
            INET_DIAG_BC_NOP => true,
            INET_DIAG_BC_JMP => false,
            INET_DIAG_BC_S_EQ => entry.sport as usize == op_at(code, at + 4).2,
            INET_DIAG_BC_S_GE => entry.sport as usize >= op_at(code, at + 4).2,
            INET_DIAG_BC_S_LE => entry.sport as usize <= op_at(code, at + 4).2,
            INET_DIAG_BC_D_EQ => entry.dport as usize == op_at(code, at + 4).2,
            INET_DIAG_BC_D_GE => entry.dport as usize >= op_at(code, at + 4).2,
            INET_DIAG_BC_D_LE => entry.dport as usize <= op_at(code, at + 4).2,
            INET_DIAG_BC_AUTO => entry.autobound,
            INET_DIAG_BC_S_COND | INET_DIAG_BC_D_COND => {
                let family = code[at + 4];
                let bits = code[at + 5];
                let port = i32::from_ne_bytes(code[at + 8..at + 12].try_into().unwrap());
                let address_len = if family == AF_INET6 {
                    16
                } else if family == AF_INET {
                    4
                } else {
                    0
                };
                let mut data = [0u8; 16];
                data[..address_len].copy_from_slice(&code[at + 12..at + 12 + address_len]);
                let prefix = super::hostcond::Prefix { family, data, bits };
                let (address, port_of) = if kind == INET_DIAG_BC_S_COND {
                    (entry.saddr, entry.sport)
                } else {
                    (entry.daddr, entry.dport)
                };
                super::eval::kernel_hostcond(family, port, &prefix, entry.family, address, i64::from(port_of))
            }
            INET_DIAG_BC_DEV_COND => {
                u32::from_ne_bytes(code[at + 4..at + 8].try_into().unwrap()) == entry.ifindex
            }
            INET_DIAG_BC_MARK_COND => {
                let mark = u32::from_ne_bytes(code[at + 4..at + 8].try_into().unwrap());
                let mask = u32::from_ne_bytes(code[at + 8..at + 12].try_into().unwrap());
                entry.mark & mask == mark
            }
            INET_DIAG_BC_CGROUP_COND => {
                u64::from_ne_bytes(code[at + 4..at + 12].try_into().unwrap()) == entry.cgroup_id
            }
            _ => true,
        };
        let step = if holds { yes } else { no };
        len -= step as isize;
        at += step;
    }
    len == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::filter::Filter;

    fn code(text: &str) -> Option<Vec<u8>> {
        let filter = Filter::parse_text(text).unwrap();
        filter.ss_compiles.then(|| filter.bytecode().unwrap().to_vec())
    }

    #[test]
    fn a_port_compare_is_ss_bytes() {
        let port = 22u16.to_ne_bytes();
        assert_eq!(code("sport >= :22").unwrap(), [INET_DIAG_BC_S_GE, 8, 12, 0, 0, 0, port[0], port[1]]);
        // `>` is not `<=`: the jump after it turns success into failure
        assert_eq!(
            code("dport > :22").unwrap(),
            [INET_DIAG_BC_D_LE, 8, 12, 0, 0, 0, port[0], port[1], INET_DIAG_BC_JMP, 4, 8, 0]
        );
    }

    #[test]
    fn what_ss_leaves_uncompiled_gets_a_looser_program() {
        assert!(code("dev lo").is_none());
        assert!(code("sport = :22 and dev 1").is_none());
        assert!(code("sport = :22 or autobound").is_some());
        let loose = Filter::parse_text("sport = :22 and dev 1").unwrap();
        let port = 22u16.to_ne_bytes();
        let mut expected = vec![INET_DIAG_BC_S_COND, 12, 16 + 8, 0, AF_UNSPEC, 0, 0, 0];
        expected.extend_from_slice(&22i32.to_ne_bytes());
        expected.extend_from_slice(&[INET_DIAG_BC_DEV_COND, 8, 12, 0]);
        expected.extend_from_slice(&1u32.to_ne_bytes());
        assert_eq!(loose.bytecode().unwrap(), expected, "{port:?}");
    }

    #[test]
    fn the_audit_refuses_what_the_kernel_refuses() {
        assert_eq!(audit(&[], true), Err(AuditError::Invalid));
        assert_eq!(audit(&op(INET_DIAG_BC_AUTO, 4, 8), true), Ok(()));
        assert_eq!(audit(&op(INET_DIAG_BC_AUTO, 4, 12), true), Err(AuditError::Invalid));
        assert_eq!(audit(&op(INET_DIAG_BC_AUTO, 8, 8), true), Err(AuditError::Invalid));
        assert_eq!(audit(&op(99, 4, 8), true), Err(AuditError::Invalid));
        let mut mark = op(INET_DIAG_BC_MARK_COND, 12, 16).to_vec();
        mark.extend_from_slice(&[0; 8]);
        assert_eq!(audit(&mark, false), Err(AuditError::NotPermitted));
        assert_eq!(audit(&mark, true), Ok(()));
        // a jump into the middle of an op
        let mut bad = op(INET_DIAG_BC_S_GE, 8, 12).to_vec();
        bad.extend_from_slice(&op(0, 0, 22));
        bad.extend_from_slice(&op(INET_DIAG_BC_S_GE, 8, 12));
        bad.extend_from_slice(&op(0, 0, 22));
        assert_eq!(audit(&bad, true), Err(AuditError::Invalid));
        // a jump to the very end selects: allowed
        bad[2..4].copy_from_slice(&16u16.to_ne_bytes());
        assert_eq!(audit(&bad, true), Ok(()));
    }
}
