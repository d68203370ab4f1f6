"""
The kill tests' sockets, run inside the test's namespace: a tcp listener on each port given, with
CONNECTIONS connections to it (both ends held here), and a udp socket bound to the first port.
Each client end of a port given as `w:PORT` is read by a thread of its own, which reports what
ended the read as one line on stdout: `reset PORT LOCALPORT ERRNO-NAME` (ECONNRESET when the
server end was closed by a reset) or `eof PORT LOCALPORT`. The client ends of the other ports are
not read (a socket a thread is reading is not closed until the read returns), for the commands on
stdin, one a line:
  reset PORT          closes one client end of PORT's connections with a reset (SO_LINGER 0)
  close PORT          closes one client end of PORT's connections in order
  reset-server PORT   closes one server end of PORT's connections with a reset
Prints `ready` once everything is connected; exits when stdin closes.
"""
import errno
import socket
import struct
import sys
import threading

CONNECTIONS = 3
out_lock = threading.Lock()


def say(line):
    with out_lock:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()


def watch(port, client):
    local = client.getsockname()[1]
    try:
        data = client.recv(1)
        if not data:
            say("eof %d %d" % (port, local))
    except OSError as e:
        say("reset %d %d %s" % (port, local, errno.errorcode.get(e.errno, str(e.errno))))


watched = [int(p[2:]) for p in sys.argv[1:] if p.startswith("w:")]
ports = [int(p[2:]) if p.startswith("w:") else int(p) for p in sys.argv[1:]]
listeners, clients, servers = {}, {}, {}
for port in ports:
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(16)
    listeners[port] = listener
    clients[port] = []
    servers[port] = []
    for _ in range(CONNECTIONS):
        client = socket.create_connection(("127.0.0.1", port))
        servers[port].append(listener.accept()[0])
        clients[port].append(client)
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("127.0.0.1", ports[0]))
for port in watched:
    for client in clients[port]:
        threading.Thread(target=watch, args=(port, client), daemon=True).start()
say("ready")
for line in sys.stdin:
    words = line.split()
    if len(words) != 2:
        continue
    command, port = words[0], int(words[1])
    end = servers[port].pop() if command == "reset-server" else clients[port].pop()
    if command.startswith("reset"):
        end.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    end.close()
    say("done %s %d" % (command, port))
