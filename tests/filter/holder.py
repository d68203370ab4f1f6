"""Socket holders for the filter oracle zoo (tests/filter).

Started by zoo.ts inside the suite's own network namespace. Roles:

  main    every socket of the zoo except the cgroup's: tcp listeners on loopback, wildcard and
          documentation addresses, established connections both ways (autobound and explicitly
          bound clients), a SYN_SENT to an address nothing answers, sockets bound to a device,
          udp bound and connected, raw, unix of every type and state; TIME_WAIT pairs renewed
          on "refresh" (answered REFRESHED)
  cgroup  waits for "go" (zoo.ts moves it into a child cgroup first), then opens a tcp
          listener, a udp socket and a unix socket, so their cgroup is the child's

Protocol: one word a line on stdout (READY when every socket exists); EOF on stdin ends the holder.
Only addresses configured in the namespace are used: nothing leaves it.
"""

import os
import socket
import sys
import threading

ROLE, DIR = sys.argv[1], sys.argv[2]

V4A = "192.0.2.1"
V4B = "192.0.2.2"
V4C = "198.51.100.1"
V4SILENT = "192.0.2.99"  # on fns0's subnet, never answers (fns0 is a sink)
V6A = "2001:db8::1"
V6B = "2001:db8::2"
V6C = "2001:db8:1::1"
V6SILENT = "2001:db8::99"

SOL_RAW = 255
ICMP_FILTER = 1
TCP_SYNCNT = 7

KEEP = []


def keep(s):
    KEEP.append(s)
    return s


def say(word):
    sys.stdout.write(word + "\n")
    sys.stdout.flush()


def fam_of(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def device(s, name):
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, name.encode())


def tcp_listen(addr, port, v6only=None, dev=None, backlog=16):
    s = socket.socket(fam_of(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1 if v6only else 0)
    if dev:
        device(s, dev)
    s.bind((addr, port))
    s.listen(backlog)
    return keep(s)


def tcp_connect(dst, port, src=None, family=None):
    """src: None (autobound: connect picks the port), (addr, 0) (bound, port picked: still
    autobound to the kernel), (addr, port) (explicitly bound)."""
    s = socket.socket(family or fam_of(dst), socket.SOCK_STREAM)
    if src:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(src)
    s.settimeout(10)
    s.connect((dst, port))
    s.settimeout(None)
    return keep(s)


def udp(addr, port, connect=None, family=None, dev=None, v6only=None):
    s = socket.socket(family or fam_of(addr), socket.SOCK_DGRAM)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1 if v6only else 0)
    if dev:
        device(s, dev)
    if addr is not None:
        s.bind((addr, port))
    if connect:
        s.connect(connect)
    return keep(s)


def raw(family, proto, bind=None, connect=None):
    s = socket.socket(family, socket.SOCK_RAW, proto)
    if family == socket.AF_INET and proto == socket.IPPROTO_ICMP:
        s.setsockopt(SOL_RAW, ICMP_FILTER, b"\xff\xff\xff\xff")
    if family == socket.AF_INET6 and proto == socket.IPPROTO_ICMPV6:
        s.setsockopt(socket.IPPROTO_ICMPV6, 1, b"\xff" * 32)
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


def accept_all(listener, n):
    for _ in range(n):
        c, _ = listener.accept()
        keep(c)


def stdin_loop(handlers):
    for line in sys.stdin:
        cmd = line.strip()
        if cmd in handlers:
            handlers[cmd]()
        elif cmd:
            say("UNKNOWN " + cmd)
    os._exit(0)


# --------------------------------------------------------------------------------------------


def role_main():
    tag = os.path.basename(DIR)
    # listeners
    lo4 = tcp_listen("127.0.0.1", 2001)
    lo6 = tcp_listen("::1", 2002, v6only=True)
    any4 = tcp_listen("0.0.0.0", 22)
    any6 = tcp_listen("::", 80, v6only=False)  # dual stack: v4-mapped peers
    doc4 = tcp_listen(V4A, 443)
    doc6 = tcp_listen(V6A, 443, v6only=True)
    net4 = tcp_listen(V4C, 8080)
    net6 = tcp_listen(V6C, 8443, v6only=True)
    tcp_listen("0.0.0.0", 2010, dev="fns0")  # bound to a device
    tcp_listen("::", 2011, v6only=True, dev="lo")
    bound = socket.socket(socket.AF_INET, socket.SOCK_STREAM)  # bound, never listening: in no table
    bound.bind(("127.0.0.1", 2099))
    keep(bound)

    # established, both ends in the zoo; (listener, accepts)
    conns = [
        (lo4, [lambda: tcp_connect("127.0.0.1", 2001)]),  # autobound
        (lo6, [lambda: tcp_connect("::1", 2002, src=("::1", 0))]),  # bound to port 0: autobound
        # iproute2's testsuite/tests/ss/ssfilter.t zoo, in documentation addresses
        (any4, [lambda: tcp_connect(V4A, 22, src=(V4A, 36266)), lambda: tcp_connect(V4A, 22, src=(V4B, 50312))]),
        (any6, [
            lambda: tcp_connect("127.0.0.1", 80, family=socket.AF_INET),  # a v4 peer: v4-mapped on the server side
            lambda: tcp_connect(V6B, 80, src=(V6B, 40080)),
        ]),
        (doc4, [lambda: tcp_connect(V4A, 443, src=(V4B, 0))]),
        (doc6, [lambda: tcp_connect(V6A, 443, src=(V6B, 40443))]),
        (net4, [lambda: tcp_connect(V4C, 8080)]),
        (net6, [lambda: tcp_connect(V6C, 8443, src=(V6A, 0))]),
    ]
    for listener, connectors in conns:
        for connect in connectors:
            connect()
        accept_all(listener, len(connectors))

    # SYN_SENT to an address nothing answers (fns0 is a sink), retrying for long
    for dst in (V4SILENT, V6SILENT):
        s = socket.socket(fam_of(dst), socket.SOCK_STREAM)
        s.setsockopt(socket.IPPROTO_TCP, TCP_SYNCNT, 30)
        s.setblocking(False)
        try:
            s.connect((dst, 9999))
        except BlockingIOError:
            pass
        keep(s)

    # udp
    udp("0.0.0.0", 53)
    udp(V4A, 5353)
    udp("::", 5353, v6only=True)
    udp(V6A, 123, v6only=True)
    udp(None, 0, connect=("127.0.0.1", 53), family=socket.AF_INET)  # connected, autobound
    udp("::1", 0, connect=("::1", 161))  # connected, bound to port 0
    udp(V4B, 40053, connect=(V4A, 5353))  # connected, explicitly bound
    udp("0.0.0.0", 6000, dev="lo")  # bound to a device
    udp("::", 6001, v6only=True, dev="fns0")

    # raw
    raw(socket.AF_INET, socket.IPPROTO_ICMP)
    raw(socket.AF_INET6, socket.IPPROTO_ICMPV6)
    raw(socket.AF_INET, 253, bind=V4A, connect=V4B)  # connected
    raw(socket.AF_INET6, 253, bind=V6A)

    # unix
    st = unix(socket.SOCK_STREAM, os.path.join(DIR, "stream.sock"), listen=8)
    unix(socket.SOCK_STREAM, connect=os.path.join(DIR, "stream.sock"))
    unix(socket.SOCK_STREAM, connect=os.path.join(DIR, "stream.sock"))
    accept_all(st, 2)
    ab = unix(socket.SOCK_STREAM, "\0" + tag + "-abstract", listen=8)
    unix(socket.SOCK_STREAM, connect="\0" + tag + "-abstract")
    accept_all(ab, 1)
    unix(socket.SOCK_DGRAM, os.path.join(DIR, "dgram.sock"))
    unix(socket.SOCK_DGRAM, connect=os.path.join(DIR, "dgram.sock"))  # connected, unbound
    unix(socket.SOCK_DGRAM, os.path.join(DIR, "dgram-client.sock"), connect=os.path.join(DIR, "dgram.sock"))
    unix(socket.SOCK_DGRAM, "\0" + tag + "-dgram")  # abstract, unconnected
    sq = unix(socket.SOCK_SEQPACKET, os.path.join(DIR, "seq.sock"), listen=8)
    unix(socket.SOCK_SEQPACKET, connect=os.path.join(DIR, "seq.sock"))
    accept_all(sq, 1)
    unix(socket.SOCK_STREAM)  # never bound nor connected
    unix(socket.SOCK_STREAM, os.path.join(DIR, "bound-only.sock"))  # bound, not listening
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM, socket.SOCK_SEQPACKET):
        a, b = socket.socketpair(socket.AF_UNIX, kind)
        keep(a)
        keep(b)

    # TIME_WAIT: the side that closes first keeps it (60 s); renewed on "refresh"
    tw4 = tcp_listen("127.0.0.1", 3000)
    tw6 = tcp_listen("::1", 3000, v6only=True)
    twd = tcp_listen(V4A, 3001)

    def refresh(announce=True):
        for ls, dst, client_first in ((tw4, "127.0.0.1", True), (tw6, "::1", True), (twd, V4A, False)):
            c = socket.socket(fam_of(dst), socket.SOCK_STREAM)
            c.connect((dst, ls.getsockname()[1]))
            a, _ = ls.accept()
            first, second = (c, a) if client_first else (a, c)
            first.close()
            second.recv(1)  # the FIN
            second.close()
        if announce:
            say("REFRESHED")

    refresh(announce=False)
    say("READY")
    stdin_loop({"refresh": refresh})


def role_cgroup():
    for line in sys.stdin:
        if line.strip() == "go":
            break
    tcp_listen("127.0.0.1", 4000)
    udp("127.0.0.1", 4001)
    unix(socket.SOCK_STREAM, os.path.join(DIR, "cgroup.sock"), listen=4)
    say("READY")
    stdin_loop({})


{"main": role_main, "cgroup": role_cgroup}[ROLE]()
