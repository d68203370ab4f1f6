//! The order `netstat -i` lists interfaces in: lib/nstrcmp.c's `nstrcmp`
//! (numbers compared as numbers, `:N` alias suffixes last) and
//! lib/interface.c's sorted insertion.

use crate::text::Cursor;

/// lib/nstrcmp.c `cutalias`: the numeric `:N` suffix, cut off.
fn cut_alias(name: &[u8]) -> (&[u8], Option<&[u8]>) {
    let mut digit = false;
    let mut pos = name.len();
    while pos > 0 {
        let c = name[pos - 1];
        if c == b':' && digit {
            return (&name[..pos - 1], Some(&name[pos..]));
        }
        if !c.is_ascii_digit() {
            break;
        }
        digit = true;
        pos -= 1;
    }
    (name, None)
}

/// Length of `name` without its trailing digits.
fn rindex_nondigit(name: &[u8]) -> usize {
    name.iter().rposition(|c| !c.is_ascii_digit()).map_or(0, |i| i + 1)
}

/// C `atoi`: `(int) strtol(s, NULL, 10)`, which is `%d`'s reading.
fn atoi(s: &[u8]) -> i64 {
    Cursor::new(s).dec_int().unwrap_or(0) as i64
}

/// lib/nstrcmp.c `nstrcmp`: like strcmp, but knows about numbers and ':'
/// alias suffixes ("eth2" < "eth10", "eth0" < "eth0:1").
pub fn nstrcmp(a: &[u8], b: &[u8]) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    let (a, a_alias) = cut_alias(a);
    let (b, b_alias) = cut_alias(b);
    let ai = rindex_nondigit(a);
    let bi = rindex_nondigit(b);
    let n = ai.min(bi);
    // strncmp stops at a NUL; names have none.
    match a[..n].cmp(&b[..n]) {
        Equal => {}
        other => return other,
    }
    match ai.cmp(&bi) {
        Equal => {}
        other => return other,
    }
    match atoi(&a[ai..]).cmp(&atoi(&b[bi..])) {
        Equal => {}
        other => return other,
    }
    let av = a_alias.map_or(-1, atoi);
    let bv = b_alias.map_or(-1, atoi);
    av.cmp(&bv)
}

/// lib/interface.c `if_cache_add`: insertion into the sorted list, walking
/// back from its end; a name comparing equal to one present is not added.
/// Each entry carries a value (`T::default()` when added here). Returns the
/// index of the entry.
pub(super) fn cache_add<T: Default>(list: &mut Vec<(Vec<u8>, T)>, name: &[u8]) -> usize {
    // safe_strncpy(new->name, name, IFNAMSIZ)
    let name = &name[..name.len().min(15)];
    let mut i = list.len();
    while i > 0 {
        match nstrcmp(&list[i - 1].0, name) {
            std::cmp::Ordering::Equal => return i - 1,
            std::cmp::Ordering::Less => break,
            std::cmp::Ordering::Greater => i -= 1,
        }
    }
    list.insert(i, (name.to_vec(), T::default()));
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering::*;

    #[test]
    fn nstrcmp_matches_net_tools_own_tests() {
        for (a, b, want) in [
            ("eth1", "eth1", Equal),
            ("eth0:1", "eth0:1", Equal),
            ("a", "aa", Less),
            ("eth0", "eth1", Less),
            ("eth1", "eth20", Less),
            ("eth20", "eth100", Less),
            ("eth", "eth2", Less),
            ("eth0:1", "eth0:2", Less),
            ("eth1:10", "eth13:10", Less),
            ("eth1:1", "eth1:13", Less),
            ("a", "a:", Less),
            ("eth2:10", "eth2:1", Greater),
            ("eth3:2", "eth2:3", Greater),
            ("a1b12", "a1b2", Greater),
            ("br9:x", "br10", Greater),
            ("eth0", "eth0:1", Less),
        ] {
            assert_eq!(nstrcmp(a.as_bytes(), b.as_bytes()), want, "{a} vs {b}");
        }
    }

    #[test]
    fn sorted_insertion() {
        let mut list: Vec<(Vec<u8>, ())> = Vec::new();
        for n in ["lo", "br10", "br0", "br9", "br0:1", "br9:x", "lo"] {
            cache_add(&mut list, n.as_bytes());
        }
        let got: Vec<&str> = list.iter().map(|(n, ())| std::str::from_utf8(n).unwrap()).collect();
        assert_eq!(got, ["br0", "br0:1", "br9", "br10", "br9:x", "lo"]);
    }
}
