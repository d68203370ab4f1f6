/*
 * fns-stable: holds the churn test's stable sockets for the whole run.
 *
 *   fns-stable DIR
 *
 * Opens, inside the test's namespace (addresses 127.0.0.1, ::1, 192.0.2.1 and 2001:db8::1 only):
 *   tcp  and tcp6 listeners (192.0.2.1:7001, [2001:db8::1]:7001, 127.0.0.1:7002, [::1]:7002),
 *   four ESTABLISHED pairs (v4 and v6, both ends in this process),
 *   udp and udp6 sockets (bound, and connected; plus UDP_MORE more bound ones of each),
 *   unix: a stream listener DIR/stable.sock with one accepted connection, a datagram socket
 *   DIR/stable.dgram, an abstract stream listener @fns-stable-PID and a stream socketpair.
 * For each socket it prints one line "SOCK PROTO INODE WHAT" (PROTO as netstat's Proto column,
 * INODE from fstat), then "READY PID", and then holds everything until its stdin reaches EOF.
 * It dies with its parent (PR_SET_PDEATHSIG) and never reads or writes a socket after setup, so
 * every row stays exactly as it is for the whole test.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static void die(const char *what) {
  fprintf(stderr, "fns-stable: %s: %s\n", what, strerror(errno));
  exit(1);
}

static void report(int fd, const char *proto, const char *what) {
  struct stat st;
  if (fstat(fd, &st) < 0) die("fstat");
  printf("SOCK %s %lu %s\n", proto, (unsigned long)st.st_ino, what);
}

/* addr: "a.b.c.d" or an IPv6 literal */
static socklen_t sockaddr_of(const char *addr, int port, struct sockaddr_storage *ss) {
  memset(ss, 0, sizeof *ss);
  if (strchr(addr, ':')) {
    struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
    s6->sin6_family = AF_INET6;
    s6->sin6_port = htons(port);
    if (inet_pton(AF_INET6, addr, &s6->sin6_addr) != 1) die("inet_pton6");
    return sizeof *s6;
  }
  struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
  s4->sin_family = AF_INET;
  s4->sin_port = htons(port);
  if (inet_pton(AF_INET, addr, &s4->sin_addr) != 1) die("inet_pton");
  return sizeof *s4;
}

static int inet_socket(const char *addr, int type) {
  int fd = socket(strchr(addr, ':') ? AF_INET6 : AF_INET, type | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (strchr(addr, ':')) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  return fd;
}

static int tcp_listen(const char *addr, int port) {
  struct sockaddr_storage ss;
  socklen_t n = sockaddr_of(addr, port, &ss);
  int fd = inet_socket(addr, SOCK_STREAM);
  if (bind(fd, (struct sockaddr *)&ss, n) < 0) die("bind tcp");
  if (listen(fd, 16) < 0) die("listen");
  char what[96];
  snprintf(what, sizeof what, "listen %s%s%s:%d", strchr(addr, ':') ? "[" : "", addr, strchr(addr, ':') ? "]" : "",
           port);
  report(fd, strchr(addr, ':') ? "tcp6" : "tcp", what);
  return fd;
}

/* One ESTABLISHED pair: a client bound to `addr` connects to the listener at addr:port. */
static void tcp_pair(int lfd, const char *addr, int port) {
  struct sockaddr_storage ss;
  socklen_t n = sockaddr_of(addr, port, &ss);
  int c = inet_socket(addr, SOCK_STREAM);
  if (connect(c, (struct sockaddr *)&ss, n) < 0) die("connect");
  int a = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
  if (a < 0) die("accept");
  const char *proto = strchr(addr, ':') ? "tcp6" : "tcp";
  char what[96];
  snprintf(what, sizeof what, "established-client to %s:%d", addr, port);
  report(c, proto, what);
  snprintf(what, sizeof what, "established-server on %s:%d", addr, port);
  report(a, proto, what);
}

static int udp(const char *addr, int port, const char *connect_to, int cport) {
  struct sockaddr_storage ss;
  socklen_t n = sockaddr_of(addr, port, &ss);
  int fd = inet_socket(addr, SOCK_DGRAM);
  if (bind(fd, (struct sockaddr *)&ss, n) < 0) die("bind udp");
  if (connect_to) {
    n = sockaddr_of(connect_to, cport, &ss);
    if (connect(fd, (struct sockaddr *)&ss, n) < 0) die("connect udp");
  }
  char what[128];
  snprintf(what, sizeof what, "udp %s:%d%s%s", addr, port, connect_to ? " connected to " : "",
           connect_to ? connect_to : "");
  report(fd, strchr(addr, ':') ? "udp6" : "udp", what);
  return fd;
}

static socklen_t unix_addr(const char *path, int abstract, struct sockaddr_un *un) {
  memset(un, 0, sizeof *un);
  un->sun_family = AF_UNIX;
  size_t len = strlen(path);
  if (len + 2 > sizeof un->sun_path) {
    errno = ENAMETOOLONG;
    die("unix path");
  }
  memcpy(un->sun_path + (abstract ? 1 : 0), path, len);
  return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (abstract ? 1 : 0));
}

#define UDP_MORE 10

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: fns-stable DIR\n");
    return 2;
  }
  const char *dir = argv[1];
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() == 1) return 1;
  signal(SIGPIPE, SIG_IGN);
  setvbuf(stdout, NULL, _IOLBF, 0);

  int l4 = tcp_listen("192.0.2.1", 7001);
  int l6 = tcp_listen("2001:db8::1", 7001);
  int l4lo = tcp_listen("127.0.0.1", 7002);
  int l6lo = tcp_listen("::1", 7002);
  tcp_pair(l4, "192.0.2.1", 7001);
  tcp_pair(l6, "2001:db8::1", 7001);
  tcp_pair(l4lo, "127.0.0.1", 7002);
  tcp_pair(l6lo, "::1", 7002);

  udp("192.0.2.1", 7003, NULL, 0);
  udp("2001:db8::1", 7003, NULL, 0);
  udp("127.0.0.1", 7004, "192.0.2.1", 7003);
  udp("::1", 7004, "2001:db8::1", 7003);
  /* More bound udp sockets, spread over the table (its hash is by port): /proc/net/udp resumes
   * each read by position, so a shift skips whatever row sits at the restart point; the more
   * stable rows, the likelier such a skip lands on one the test knows must be there. */
  for (int i = 0; i < UDP_MORE; i++) {
    udp("192.0.2.1", 7010 + i * 37, NULL, 0);
    udp("2001:db8::1", 7010 + i * 37, NULL, 0);
  }

  struct sockaddr_un un;
  char path[200];
  socklen_t n;

  /* stream listener with one accepted connection */
  snprintf(path, sizeof path, "%s/stable.sock", dir);
  int ul = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  n = unix_addr(path, 0, &un);
  if (ul < 0 || bind(ul, (struct sockaddr *)&un, n) < 0 || listen(ul, 16) < 0) die("unix listener");
  report(ul, "unix", "stream listener stable.sock");
  int uc = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (uc < 0 || connect(uc, (struct sockaddr *)&un, n) < 0) die("unix connect");
  int ua = accept4(ul, NULL, NULL, SOCK_CLOEXEC);
  if (ua < 0) die("unix accept");
  report(uc, "unix", "stream client of stable.sock");
  report(ua, "unix", "stream accepted on stable.sock");

  /* datagram socket with a path */
  snprintf(path, sizeof path, "%s/stable.dgram", dir);
  int ud = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  n = unix_addr(path, 0, &un);
  if (ud < 0 || bind(ud, (struct sockaddr *)&un, n) < 0) die("unix dgram");
  report(ud, "unix", "dgram stable.dgram");

  /* abstract stream listener */
  snprintf(path, sizeof path, "fns-stable-%d", (int)getpid());
  int uabs = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  n = unix_addr(path, 1, &un);
  if (uabs < 0 || bind(uabs, (struct sockaddr *)&un, n) < 0 || listen(uabs, 4) < 0) die("unix abstract");
  report(uabs, "unix", "abstract stream listener");

  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) die("socketpair");
  report(sv[0], "unix", "socketpair end 0");
  report(sv[1], "unix", "socketpair end 1");

  printf("READY %d\n", (int)getpid());
  char buf[64];
  while (read(0, buf, sizeof buf) > 0) {
  }
  return 0;
}
