/*
 * fns-holder: holds a slice of the benchmark's socket table open.
 *
 *   fns-holder PORT PAIRS [UDP [UNIX_PAIRS]]
 *
 * Listens on 127.0.0.1:PORT, opens PAIRS loopback TCP connections to itself
 * (both ends stay in this process, so 2*PAIRS established sockets), then
 * optionally UDP sockets bound to 127.0.0.1 (every 2nd one connected) and unix
 * socketpairs. Prints "ready PID TCP_ESTABLISHED LISTEN UDP UNIX" on stdout
 * and sleeps until its stdin closes or a signal ends it. Dies with its parent
 * (PR_SET_PDEATHSIG), so an aborted run leaves nothing behind.
 *
 * Connections are made in batches: non-blocking connect() of up to BATCH
 * sockets, then accept() until the batch is in. On loopback the handshake
 * completes inside connect(), so 100k sockets take about a second.
 * At exit every socket is reset (SO_LINGER 0): no TIME_WAIT is left over.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 2000

static void die(const char *what) {
  fprintf(stderr, "fns-holder: %s: %s\n", what, strerror(errno));
  exit(1);
}

static int *fds;
static size_t nfds;

static void keep(int fd) { fds[nfds++] = fd; }

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: fns-holder PORT PAIRS [UDP [UNIX_PAIRS]]\n");
    return 2;
  }
  int port = atoi(argv[1]);
  long pairs = atol(argv[2]);
  long udp = argc > 3 ? atol(argv[3]) : 0;
  long unixpairs = argc > 4 ? atol(argv[4]) : 0;

  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() == 1) return 1; /* parent already gone */
  signal(SIGPIPE, SIG_IGN);

  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
  size_t need = (size_t)(2 * pairs + udp + 2 * unixpairs + 8);
  if (need > rl.rlim_cur) {
    fprintf(stderr, "fns-holder: %zu fds needed, RLIMIT_NOFILE is %llu: use more holders\n", need,
            (unsigned long long)rl.rlim_cur);
    return 1;
  }
  fds = calloc(need, sizeof *fds);

  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int one = 1;
  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (lfd < 0) die("socket");
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0) die("bind listener");
  if (listen(lfd, 65535) < 0) die("listen");
  keep(lfd);

  long made = 0;
  while (made < pairs) {
    long batch = pairs - made < BATCH ? pairs - made : BATCH;
    for (long i = 0; i < batch; i++) {
      int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (c < 0) die("socket");
      if (connect(c, (struct sockaddr *)&sa, sizeof sa) < 0 && errno != EINPROGRESS) die("connect");
      keep(c);
    }
    long got = 0;
    while (got < batch) {
      int a = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (a < 0) {
        if (errno == EAGAIN || errno == EINTR) {
          struct pollfd p = {.fd = lfd, .events = POLLIN};
          if (poll(&p, 1, 10000) == 0) {
            fprintf(stderr, "fns-holder: accept timed out after %ld of %ld\n", made + got, pairs);
            return 1;
          }
          continue;
        }
        die("accept");
      }
      keep(a);
      got++;
    }
    made += batch;
  }

  for (long i = 0; i < udp; i++) {
    int u = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (u < 0) die("udp socket");
    struct sockaddr_in ua = {.sin_family = AF_INET};
    ua.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(u, (struct sockaddr *)&ua, sizeof ua) < 0) die("udp bind");
    if (i % 2 == 1 && connect(u, (struct sockaddr *)&sa, sizeof sa) < 0) die("udp connect");
    keep(u);
  }
  for (long i = 0; i < unixpairs; i++) {
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) die("socketpair");
    keep(sv[0]);
    keep(sv[1]);
  }

  prctl(PR_SET_NAME, "fns-holder");
  printf("ready %d %ld 1 %ld %ld\n", (int)getpid(), 2 * pairs, udp, 2 * unixpairs);
  fflush(stdout);

  char buf[64];
  while (read(0, buf, sizeof buf) > 0) {
  }
  struct linger lg = {.l_onoff = 1, .l_linger = 0};
  for (size_t i = 0; i < nfds; i++) setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  return 0;
}
