"""Quiet connections for the --tcp-info / --memory oracle test (tests/details).

Run inside the test's own network namespace (loopback only). Makes, then holds until stdin closes:
  - tcp pairs over 127.0.0.1 and ::1 whose client sent data the server read (sent, acked,
    received), one per congestion algorithm named on the command line (reno, bbr, cubic ...);
  - a pair whose server never reads: data waits in its receive queue (skmem r);
  - an idle pair and a listener;
  - udp sockets: one bound with a datagram waiting in its receive queue, one connected;
  - unix sockets: a listener, a connected pair with unread data, a datagram socket with a queued datagram.
Prints READY when everything is in place and the data has been read and acknowledged.
"""

import socket
import sys
import time

PORT = int(sys.argv[1])
ALGORITHMS = sys.argv[2:]
TCP_CONGESTION = getattr(socket, "TCP_CONGESTION", 13)
KEEP = []


def listener(family, addr, port):
    s = socket.socket(family, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(64)
    KEEP.append(s)
    return s


def pair(lsn, family, addr, port, algorithm=None, data=0, read=True):
    c = socket.socket(family, socket.SOCK_STREAM)
    if algorithm:
        c.setsockopt(socket.IPPROTO_TCP, TCP_CONGESTION, algorithm.encode())
    c.connect((addr, port))
    s, _ = lsn.accept()
    if algorithm:
        s.setsockopt(socket.IPPROTO_TCP, TCP_CONGESTION, algorithm.encode())
    KEEP.extend([c, s])
    if data:
        c.sendall(b"x" * data)
        if read:
            got = 0
            while got < data:
                got += len(s.recv(65536))
    return c, s


v4 = listener(socket.AF_INET, "127.0.0.1", PORT)
v6 = listener(socket.AF_INET6, "::1", PORT + 1)
for n, algorithm in enumerate(ALGORITHMS):
    pair(v4, socket.AF_INET, "127.0.0.1", PORT, algorithm, data=100000 * (n + 1))
    pair(v6, socket.AF_INET6, "::1", PORT + 1, algorithm, data=50000 * (n + 1))
pair(v4, socket.AF_INET, "127.0.0.1", PORT, data=7000, read=False)  # unread: Recv-Q and skmem r
pair(v4, socket.AF_INET, "127.0.0.1", PORT)  # idle, nothing sent
listener(socket.AF_INET, "127.0.0.1", PORT + 2)

u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", PORT + 3))
KEEP.append(u)
uc = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
uc.connect(("127.0.0.1", PORT + 3))
uc.send(b"y" * 300)  # waits unread in u's queue
KEEP.append(uc)
u6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
u6.bind(("::1", PORT + 4))
KEEP.append(u6)

# unix: a listener with a connected pair that has unread data, and a datagram socket with a queued datagram
ul = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
ul.bind("\0fns-details-%d" % PORT)
ul.listen(4)
uc = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
uc.connect("\0fns-details-%d" % PORT)
us, _ = ul.accept()
uc.sendall(b"z" * 2000)
ud = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
ud.bind("\0fns-details-dgram-%d" % PORT)
udc = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
udc.sendto(b"w" * 100, "\0fns-details-dgram-%d" % PORT)
KEEP.extend([ul, uc, us, ud, udc])

time.sleep(0.5)  # the last acks and window updates
print("READY", flush=True)
sys.stdin.read()
