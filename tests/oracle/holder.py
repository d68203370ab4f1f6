"""Socket holders for the netstat oracle zoo (tests/oracle).

Started by zoo.ts inside the oracle network namespace, one process per role, each under its own
program name (argv[0]) so that `netstat -p` shows who owns what:

  servers  listeners, accepted connections, bound/connected udp, raw sockets   (root)
  clients  the other ends: ESTABLISHED, FIN_WAIT2, queued connects, Send-Q     (root)
  unix     unix stream/dgram/seqpacket, paths, abstract names, socketpairs     (root)
  nobody   a few sockets owned by uid 65534 (started through setpriv)
  churn    TIME_WAIT pairs and a SYN_SENT connect, recreated on "refresh"      (root)

Protocol on stdin/stdout (line based): the holder prints READY when every socket it owns exists.
`servers` prints ACCEPTED once it has accepted every connection the clients make. `churn`
answers REFRESHED to "refresh". EOF on stdin (the test process went away) ends the holder.

Everything stays inside the namespace: only addresses configured on its interfaces are used.
No socket here is ever read from, so queues stay where the setup left them.
"""

import errno
import os
import select
import socket
import sys
import threading
import time

ROLE, TAG, DIR = sys.argv[1], sys.argv[2], sys.argv[3]

# Addresses (all documentation ranges, configured on the namespace's interface by zoo.ts).
V4A = "192.0.2.1"
V4B = "203.0.113.5"
V4NET = "198.51.100.0"  # bound with IP_FREEBIND: its last octet is 0 -> /etc/networks name
V6A = "2001:db8::1"
V6LONG = "2001:db8:1234:5678:9abc:def0:1234:5678"
V4MISS = "198.51.100.23"  # not in /etc/hosts: a DNS miss (fails at once)
V6MISS = "2001:db8::dead:beef"

IP_FREEBIND = 15
SOL_RAW = 255
ICMP_FILTER = 1
ICMP6_FILTER = 1

KEEP = []  # every socket lives as long as the process


def keep(s):
    KEEP.append(s)
    return s


def say(word):
    sys.stdout.write(word + "\n")
    sys.stdout.flush()


def fam_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def tcp_listen(addr, port, backlog=16, v6only=None, rcvbuf=None, freebind=False):
    s = socket.socket(fam_of(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1 if v6only else 0)
    if rcvbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    if freebind:
        s.setsockopt(socket.IPPROTO_IP, IP_FREEBIND, 1)
    s.bind((addr, port))
    s.listen(backlog)
    return keep(s)


def tcp_connect(dst, port, src=None, family=None, keepalive=False, sndbuf=None, blocking=True):
    s = socket.socket(family or fam_of(dst), socket.SOCK_STREAM)
    if keepalive:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    if sndbuf:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, sndbuf)
    if src:
        s.bind((src, 0))
    if blocking:
        s.settimeout(10)
        s.connect((dst, port))
        s.settimeout(None)
    else:
        s.setblocking(False)
        try:
            s.connect((dst, port))
        except BlockingIOError:
            pass
    return keep(s)


def udp(addr, port, v6only=None, connect=None, family=None):
    s = socket.socket(family or fam_of(addr), socket.SOCK_DGRAM)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1 if v6only else 0)
    if addr is not None:
        s.bind((addr, port))
    if connect:
        s.connect(connect)
    return keep(s)


def raw(family, proto, bind=None, connect=None, block_all_icmp=False):
    s = socket.socket(family, socket.SOCK_RAW, proto)
    if block_all_icmp and family == socket.AF_INET:
        # ICMP errors caused by the tools' own DNS misses (port unreachable from 127.0.0.1:53)
        # would otherwise be queued here and change Recv-Q between two runs.
        s.setsockopt(SOL_RAW, ICMP_FILTER, b"\xff\xff\xff\xff")
    if block_all_icmp and family == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_ICMPV6, ICMP6_FILTER, b"\xff" * 32)
    if bind:
        s.bind((bind, 0))
    if connect:
        s.connect((connect, 0))
    return keep(s)


def unix(kind, path=None, listen=None, connect=None):
    s = socket.socket(socket.AF_UNIX, kind)
    if path is not None:
        s.bind(path)
    if listen is not None:
        s.listen(listen)
    if connect is not None:
        s.connect(connect)
    return keep(s)


def stdin_loop(handlers):
    """Serve commands until EOF; EOF means the test process is gone: exit."""
    for line in sys.stdin:
        cmd = line.strip()
        if cmd in handlers:
            handlers[cmd]()
        elif cmd:
            say("UNKNOWN " + cmd)
    os._exit(0)


# --------------------------------------------------------------------------------------------
# servers

# listener key -> number of connections the clients make that the servers accept
ACCEPTS = {"ssh": 2, "http6": 2, "https4": 1, "https6": 1, "long6": 1, "dual": 3, "sink": 1}


def role_servers():
    L = {}
    L["ssh"] = tcp_listen("0.0.0.0", 22)
    L["http6"] = tcp_listen("::", 80, v6only=True)
    L["smtp"] = tcp_listen("127.0.0.1", 25)
    L["ipp"] = tcp_listen("::1", 631, v6only=True)
    L["https4"] = tcp_listen(V4A, 443)
    L["https6"] = tcp_listen(V6A, 443, v6only=True)
    L["long6"] = tcp_listen(V6LONG, 40443, v6only=True)
    L["net"] = tcp_listen(V4NET, 8080, freebind=True)
    L["dual"] = tcp_listen("::", 5000, v6only=False)  # dual stack: v4-mapped peers
    L["miss"] = tcp_listen(V4MISS, 2000)
    # Small receive buffer (inherited by the accepted socket, set before listen so the window
    # scale fits it): the client's writes fill it, the rest stays in the client's Send-Q.
    L["sink"] = tcp_listen("127.0.0.1", 9100, rcvbuf=4096)
    # Accept queues, never accepted. Capacity is backlog + 1; the clients fill exactly that
    # (one more would sit in SYN_SENT retransmitting and vanish after ~2 min: not stable).
    L["q0"] = tcp_listen("127.0.0.1", 7000, backlog=0)
    L["q1"] = tcp_listen("::1", 7001, backlog=1, v6only=True)
    L["q4"] = tcp_listen(V4B, 7002, backlog=4)
    # Bound, never listening or connected: the kernel can dump these (TCP_BOUND_INACTIVE,
    # Linux 6.5+) but /proc, and so netstat, never shows them.
    idle = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    idle.bind(("127.0.0.1", 7003))
    keep(idle)
    idle6 = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    idle6.bind(("::1", 7003))
    keep(idle6)

    # udp: port 53 only on the 192.0.2.1 / 2001:db8::1 addresses, never on 127.0.0.1 or a
    # wildcard: resolv.conf says nameserver 127.0.0.1 and nothing may answer (or swallow) there.
    udp(V4A, 53)
    udp(V6A, 53, v6only=True)
    udp("0.0.0.0", 69)  # the clients send it one datagram: Recv-Q
    udp("::", 123, v6only=True)
    udp("127.0.0.1", 161)
    udp(V6LONG, 5353, v6only=True)
    udp(V6MISS, 7777, v6only=True)

    raw(socket.AF_INET, socket.IPPROTO_ICMP, block_all_icmp=True)
    raw(socket.AF_INET6, socket.IPPROTO_ICMPV6, block_all_icmp=True)
    raw(socket.AF_INET, 47, bind=V4A)  # gre
    raw(socket.AF_INET6, 89, bind=V6A)  # ospf
    raw(socket.AF_INET, 253, connect="127.0.0.1")  # no name in /etc/protocols; connected
    raw(socket.AF_INET6, 103, connect="::1")  # pim; connected

    say("READY")

    pending = {L[k]: n for k, n in ACCEPTS.items()}
    names = {L[k]: k for k in ACCEPTS}

    def acceptor():
        while pending:
            r, _, _ = select.select(list(pending), [], [])
            for ls in r:
                c, _ = ls.accept()
                keep(c)
                k = names[ls]
                if k == "https4":
                    c.sendall(b"x" * 1000)  # unread by the client: its Recv-Q
                elif k == "https6":
                    c.sendall(b"y" * 1500)
                pending[ls] -= 1
                if pending[ls] == 0:
                    del pending[ls]
        say("ACCEPTED")

    threading.Thread(target=acceptor, daemon=True).start()
    stdin_loop({})


# --------------------------------------------------------------------------------------------
# clients (started as /usr/bin/python3: the -p name is the basename "python3")


def role_clients():
    tcp_connect("127.0.0.1", 22, keepalive=True)  # keepalive timer for -o
    fw2 = tcp_connect(V4A, 22)  # shutdown: FIN_WAIT2 here, CLOSE_WAIT at the server
    tcp_connect("::1", 80)
    fw2b = tcp_connect(V6A, 80, src=V6A)
    tcp_connect(V4A, 443, src=V4B)  # gets 1000 unread bytes
    tcp_connect(V6A, 443, src=V6LONG)  # gets 1500 unread bytes
    tcp_connect(V6LONG, 40443, src=V6A)
    tcp_connect("127.0.0.1", 5000, family=socket.AF_INET)  # v4 peer of a v6 listener
    tcp_connect(V4A, 5000, family=socket.AF_INET)
    tcp_connect("::ffff:127.0.0.1", 5000, family=socket.AF_INET6)  # v4-mapped, both ends tcp6
    for _ in range(1):
        tcp_connect("127.0.0.1", 7000)
    for _ in range(2):
        tcp_connect("::1", 7001)
    for _ in range(2):
        tcp_connect(V4B, 7002)

    fw2.shutdown(socket.SHUT_WR)
    fw2b.shutdown(socket.SHUT_WR)

    # Send-Q: write until the kernel refuses; the server never reads and its window closes.
    s = tcp_connect("127.0.0.1", 9100, sndbuf=4096)
    s.setblocking(False)
    total = 0
    while total < (1 << 20):
        try:
            total += s.send(b"z" * 65536)
        except BlockingIOError:
            break

    udp(None, 0, connect=(V4A, 53), family=socket.AF_INET)
    udp(None, 0, connect=(V6A, 53), family=socket.AF_INET6)
    udp(None, 0, connect=("::ffff:127.0.0.1", 161), family=socket.AF_INET6)
    u = udp("127.0.0.1", 0)  # unconnected, bound
    u.sendto(b"d" * 100, ("127.0.0.1", 69))

    say("READY")
    stdin_loop({})


# --------------------------------------------------------------------------------------------
# unix (long program name: PID/Program name gets cut to 19 characters)


def role_unix():
    st = unix(socket.SOCK_STREAM, os.path.join(DIR, "zoo stream.sock"), listen=5)  # a blank
    unix(socket.SOCK_STREAM, connect=os.path.join(DIR, "zoo stream.sock"))
    keep(st.accept()[0])
    unix(socket.SOCK_STREAM, connect=os.path.join(DIR, "zoo stream.sock"))  # never accepted

    dg = os.path.join(DIR, "zoo-dgram.sock")
    unix(socket.SOCK_DGRAM, dg)
    c = unix(socket.SOCK_DGRAM, connect=dg)
    c.send(b"hello")  # queued, never read

    sq = os.path.join(DIR, "zoo-seqpacket.sock")
    sql = unix(socket.SOCK_SEQPACKET, sq, listen=3)
    unix(socket.SOCK_SEQPACKET, connect=sq)
    keep(sql.accept()[0])

    unix(socket.SOCK_STREAM, os.path.join(DIR, "zoo-bound-only.sock"))  # bound, not listening

    ab = "\0" + TAG + "-abstract"
    abl = unix(socket.SOCK_STREAM, ab, listen=4)
    unix(socket.SOCK_STREAM, connect=ab)
    keep(abl.accept()[0])
    unix(socket.SOCK_DGRAM, "\0" + TAG + "-abstract-dgram")

    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_SEQPACKET):
        a, b = socket.socketpair(socket.AF_UNIX, kind)
        keep(a)
        keep(b)
    unix(socket.SOCK_DGRAM)  # unbound, unconnected

    # Internet sockets too, so the cut PID/Program name shows in the inet table as well.
    tcp_listen("::1", 3306, v6only=True)
    udp("127.0.0.1", 514)

    say("READY")
    stdin_loop({})


# --------------------------------------------------------------------------------------------
# nobody (uid 65534: -e shows the user; the unprivileged run sees this process)


def role_nobody():
    ls = tcp_listen("0.0.0.0", 9000)
    tcp_connect("127.0.0.1", 9000)
    keep(ls.accept()[0])
    tcp_listen("::", 9000, v6only=True)
    udp("0.0.0.0", 9001)
    udp("::", 9001, v6only=True)
    p = os.path.join(DIR, "nobody", "nobody.sock")
    unix(socket.SOCK_STREAM, p, listen=2)
    unix(socket.SOCK_STREAM, connect=p)
    unix(socket.SOCK_STREAM, "\0" + TAG + "-nobody", listen=2)
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    keep(a)
    keep(b)
    say("READY")
    stdin_loop({})


# --------------------------------------------------------------------------------------------
# churn: TIME_WAIT expires after 60 s and SYN_SENT gives up after ~127 s, so zoo.ts kills the
# old TIME_WAIT sockets (ss -K) and asks for a fresh set whenever the current one gets old.

TW_TARGETS = [("127.0.0.1", 7100), ("::1", 7100), (V4A, 7101), (V6A, 7101)]


def role_churn():
    listeners = [tcp_listen(a, p, v6only=True if ":" in a else None) for a, p in TW_TARGETS]
    full = tcp_listen("127.0.0.1", 7200, backlog=0)
    tcp_connect("127.0.0.1", 7200)  # fills the backlog-0 queue (capacity 1)
    syn_sent = []

    def refresh(announce=True):
        while syn_sent:
            syn_sent.pop().close()
        for ls, (addr, port) in zip(listeners, TW_TARGETS):
            c = socket.socket(fam_of(addr), socket.SOCK_STREAM)
            c.settimeout(10)
            c.connect((addr, port))
            s, _ = ls.accept()
            c.close()  # active close: this end ends in TIME_WAIT
            s.settimeout(10)
            if s.recv(1) != b"":  # the FIN arrived
                raise RuntimeError("unexpected data")
            s.close()
        # The queue of `full` is full: the SYN is dropped, the connect stays in SYN_SENT with
        # a retransmission timer ("on (...)" in -o) until the next refresh.
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT, 30)  # outlives any refresh period
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", 7200))
        except BlockingIOError:
            pass
        syn_sent.append(s)
        if announce:
            say("REFRESHED")

    keep(full)
    refresh(announce=False)
    say("READY")
    stdin_loop({"refresh": refresh})


ROLES = {
    "servers": role_servers,
    "clients": role_clients,
    "unix": role_unix,
    "nobody": role_nobody,
    "churn": role_churn,
}

if __name__ == "__main__":
    try:
        ROLES[ROLE]()
    except Exception as e:  # report, then die: zoo.ts fails the setup with this text
        say("ERROR %s: %r" % (ROLE, e))
        raise
