"""A process of the miniature container host (tests/containers/host.ts): holds the sockets of
one "container" (or of a pod's pause process, or of a plain host service).

    ct-holder.py SPEC_JSON

host.ts starts it inside the network namespace (nsenter, and setpriv for another user), under
the argv[0] the container's program would have (bash's exec -a). Protocol, one line each way:

  holder -> "PID <pid>"    at start, before any socket exists
  host   -> "go"           once the host has written <pid> into the container's cgroup.procs
  holder -> "READY"        every socket of SPEC exists (connections are accepted in the
                           background; host.ts waits until the tables settle)
  host   -> "listen ADDR PORT"   opens one more tcp listener   -> "OK <inode>"
  host   -> "close PORT"         closes the listeners on PORT  -> "CLOSED"
  EOF on stdin (the test process went away): exit.

SPEC: {"sockets": [OP, ...]}, each OP one of
  {"op": "listen", "addr": A, "port": P}            tcp listener (v6only for v6 addresses)
  {"op": "connect", "addr": A, "port": P}           tcp connect, kept open (ESTABLISHED)
  {"op": "udp", "addr": A, "port": P, "connect": [A2, P2]?}
  {"op": "unix", "path": PATH, "listen": true?, "connect": PATH2?}   (path "@x": abstract)
  {"op": "socketpair"}
  {"op": "setns", "path": NSFILE, "sockets": [OP, ...]}   create OPs inside another network
      namespace (setns there and back): the sockets stay in that namespace, owned by this process
Every listener's connections are accepted and kept by a background thread. Nothing is ever
read or written: queues stay empty, no timer runs.
"""

import ctypes
import json
import os
import select
import socket
import sys
import threading

CLONE_NEWNET = 0x40000000
LIBC = ctypes.CDLL(None, use_errno=True)

KEEP = []
LISTENERS = []
LOCK = threading.Lock()
WAKE_R, WAKE_W = os.pipe()


def say(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def fam(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def setns(fd):
    if LIBC.setns(fd, CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, "setns: " + os.strerror(e))


def listen(addr, port):
    s = socket.socket(fam(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if ":" in addr:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    s.bind((addr, port))
    s.listen(64)
    s.setblocking(False)
    with LOCK:
        LISTENERS.append(s)
    os.write(WAKE_W, b"x")
    return s


def unix_addr(p):
    return "\0" + p[1:] if p.startswith("@") else p


def make(op):
    kind = op["op"]
    if kind == "listen":
        KEEP.append(listen(op["addr"], op["port"]))
    elif kind == "connect":
        s = socket.socket(fam(op["addr"]), socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect((op["addr"], op["port"]))
        KEEP.append(s)
    elif kind == "udp":
        s = socket.socket(fam(op["addr"]), socket.SOCK_DGRAM)
        if ":" in op["addr"]:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind((op["addr"], op["port"]))
        if op.get("connect"):
            s.connect(tuple(op["connect"]))
        KEEP.append(s)
    elif kind == "unix":
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if op.get("path"):
            s.bind(unix_addr(op["path"]))
        if op.get("listen"):
            s.listen(8)
            s.setblocking(False)
            with LOCK:
                LISTENERS.append(s)
            os.write(WAKE_W, b"x")
        if op.get("connect"):
            s.connect(unix_addr(op["connect"]))
        KEEP.append(s)
    elif kind == "socketpair":
        KEEP.extend(socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM))
    elif kind == "setns":
        home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        there = os.open(op["path"], os.O_RDONLY)
        try:
            setns(there)
            for o in op["sockets"]:
                make(o)
        finally:
            setns(home)
            os.close(there)
            os.close(home)
    else:
        raise ValueError("unknown op " + kind)


def acceptor():
    while True:
        with LOCK:
            ls = list(LISTENERS)
        try:
            r, _, _ = select.select(ls + [WAKE_R], [], [])
        except (OSError, ValueError):  # a listener closed under us: take the list again
            continue
        for s in r:
            if s == WAKE_R:
                os.read(WAKE_R, 64)
                continue
            try:
                c, _ = s.accept()
                KEEP.append(c)
            except (BlockingIOError, OSError):
                pass


def main():
    spec = json.loads(sys.argv[1])
    say("PID %d" % os.getpid())
    if sys.stdin.readline().strip() != "go":
        os._exit(0)
    threading.Thread(target=acceptor, daemon=True).start()
    for op in spec.get("sockets", []):
        make(op)
    say("READY")
    extra = {}
    for line in sys.stdin:
        w = line.split()
        if w[:1] == ["listen"]:
            s = listen(w[1], int(w[2]))
            extra.setdefault(int(w[2]), []).append(s)
            say("OK %d" % os.fstat(s.fileno()).st_ino)
        elif w[:1] == ["close"]:
            for s in extra.pop(int(w[1]), []):
                with LOCK:
                    LISTENERS.remove(s)
                os.write(WAKE_W, b"x")
                s.close()
            say("CLOSED")
        elif w:
            say("UNKNOWN " + line.strip())
    os._exit(0)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # report, then die: host.ts fails the setup with this text
        say("ERROR %r" % (e,))
        sys.exit(1)
