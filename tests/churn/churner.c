/*
 * fns-churner: opens and closes connections as fast as asked, inside the churn test's namespace.
 *
 *   fns-churner DIR RATE TW_MAX
 *
 * Listens on 127.0.0.1:7100, 192.0.2.1:7100, [::1]:7100, [2001:db8::1]:7100 and the unix path
 * DIR/churn.sock, prints "READY PID", then loops until its stdin becomes readable (a line or
 * EOF): each step connects one TCP client to the next of the four listeners in turn (so v4 and
 * v6, loopback and a documentation address alternate), accepts it, and closes both ends in one
 * of four ways, in turn:
 *   client RST       SO_LINGER 0 on the client, close it, then the accepted end
 *   server RST       SO_LINGER 0 on the accepted end, close it, then the client
 *   client first     normal close: the client's end goes FIN_WAIT -> TIME_WAIT
 *   server first     normal close: the accepted end goes FIN_WAIT -> TIME_WAIT
 * A normal close is made only when a token is available, otherwise the step uses an RST close:
 * the bucket starts with TW_MAX/2 tokens (so the tables hold hundreds of TIME_WAIT rows from the
 * first second) and refills at TW_MAX/120 per second up to TW_MAX/2, so no 60 s (the life of a
 * TIME_WAIT socket) ever sees more than TW_MAX normal closes: TIME_WAIT stays bounded.
 * Every 4th step also makes and closes a unix stream connection to DIR/churn.sock, and every
 * 16th a unix socketpair. Every 2nd step replaces one socket, chosen at random, of a pool of
 * UDP_POOL bound udp/udp6 sockets: /proc/net/udp resumes each page-sized read by its position
 * in the table, so a socket that appears or vanishes before that position between two reads
 * shifts the rest; the pool keeps such changes frequent.
 * RATE is the target of TCP connect+close per second (0: as fast as possible); the loop sleeps
 * when it is ahead of it.
 * At the end it prints
 *   STATS tcp=N tcp4=N tcp6=N unix=N udp=N normal=N rst=N errors=N seconds=S
 * (tcp: completed connect+accept+close cycles; unix: connections and socketpairs; udp: pool
 * replacements) and exits.
 * It dies with its parent (PR_SET_PDEATHSIG) and closes everything it opens.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static void die(const char *what) {
  fprintf(stderr, "fns-churner: %s: %s\n", what, strerror(errno));
  exit(1);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct target {
  struct sockaddr_storage ss;
  socklen_t len;
  int family;
  int lfd;
};

/* A numeric address (either family) and port as a sockaddr; returns its length. */
static socklen_t sockaddr_of(const char *addr, int port, struct sockaddr_storage *ss) {
  char service[8];
  snprintf(service, sizeof service, "%d", port);
  struct addrinfo hints = {.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV};
  struct addrinfo *ai;
  int e = getaddrinfo(addr, service, &hints, &ai);
  if (e != 0) {
    fprintf(stderr, "fns-churner: %s: %s\n", addr, gai_strerror(e));
    exit(1);
  }
  memset(ss, 0, sizeof *ss);
  memcpy(ss, ai->ai_addr, ai->ai_addrlen);
  socklen_t len = ai->ai_addrlen;
  freeaddrinfo(ai);
  return len;
}

static void target_init(struct target *t, const char *addr, int port) {
  memset(t, 0, sizeof *t);
  t->len = sockaddr_of(addr, port, &t->ss);
  t->family = t->ss.ss_family;
  int one = 1;
  t->lfd = socket(t->family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (t->lfd < 0) die("socket");
  setsockopt(t->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (t->family == AF_INET6) setsockopt(t->lfd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (bind(t->lfd, (struct sockaddr *)&t->ss, t->len) < 0) die("bind");
  if (listen(t->lfd, 4096) < 0) die("listen");
}

static void rst(int fd) {
  struct linger lg = {.l_onoff = 1, .l_linger = 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
}

static long errors;
static void soft_error(const char *what) {
  if (errors++ < 5) fprintf(stderr, "fns-churner: %s: %s\n", what, strerror(errno));
}

#define UDP_POOL 64

/* A udp (even i) or udp6 (odd i) socket bound to an ephemeral port of a documentation address. */
static int udp_socket(int i) {
  struct sockaddr_storage ss;
  socklen_t len = sockaddr_of(i & 1 ? "2001:db8::1" : "192.0.2.1", 0, &ss);
  int fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0) {
    soft_error("udp");
    if (fd >= 0) close(fd);
    return -1;
  }
  return fd;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: fns-churner DIR RATE TW_MAX\n");
    return 2;
  }
  const char *dir = argv[1];
  double rate = atof(argv[2]);
  double tw_max = atof(argv[3]);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() == 1) return 1;
  signal(SIGPIPE, SIG_IGN);
  setvbuf(stdout, NULL, _IOLBF, 0);

  struct target t[4];
  target_init(&t[0], "127.0.0.1", 7100);
  target_init(&t[1], "2001:db8::1", 7100);
  target_init(&t[2], "192.0.2.1", 7100);
  target_init(&t[3], "::1", 7100);

  struct sockaddr_un un = {.sun_family = AF_UNIX};
  if (snprintf(un.sun_path, sizeof un.sun_path, "%s/churn.sock", dir) >= (int)sizeof un.sun_path) die("path");
  unlink(un.sun_path);
  int ul = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (ul < 0 || bind(ul, (struct sockaddr *)&un, sizeof un) < 0 || listen(ul, 4096) < 0) die("unix listener");

  printf("READY %d\n", (int)getpid());

  int pool[UDP_POOL];
  for (int i = 0; i < UDP_POOL; i++) pool[i] = udp_socket(i);

  long tcp4 = 0, tcp6 = 0, unixn = 0, udpn = 0, normal = 0, rsts = 0;
  double tokens = tw_max / 2, t0 = now(), last = t0;
  unsigned long rng = 0x9e3779b97f4a7c15UL ^ (unsigned long)getpid();
  struct pollfd in = {.fd = 0, .events = POLLIN};
  for (unsigned long step = 0;; step++) {
    if ((step & 31) == 0) {
      if (poll(&in, 1, 0) != 0) break; /* a line or EOF on stdin: stop */
      double n = now();
      tokens += (n - last) * tw_max / 120.0;
      if (tokens > tw_max / 2) tokens = tw_max / 2;
      last = n;
      if (rate > 0) {
        double ahead = (double)(tcp4 + tcp6) / rate - (n - t0);
        if (ahead > 0.0005) {
          struct timespec ts = {.tv_sec = (time_t)ahead, .tv_nsec = (long)((ahead - (time_t)ahead) * 1e9)};
          nanosleep(&ts, NULL);
        }
      }
    }
    struct target *tg = &t[step & 3];
    int c = socket(tg->family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c < 0) {
      soft_error("socket");
      continue;
    }
    if (connect(c, (struct sockaddr *)&tg->ss, tg->len) < 0) {
      soft_error("connect");
      close(c);
      continue;
    }
    int a = accept4(tg->lfd, NULL, NULL, SOCK_CLOEXEC);
    if (a < 0) {
      soft_error("accept");
      close(c);
      continue;
    }
    int how = (step >> 2) & 3;
    if (how >= 2 && tokens < 1) how -= 2; /* no TIME_WAIT budget left: reset instead */
    switch (how) {
    case 0: rst(c); close(c); close(a); rsts++; break;
    case 1: rst(a); close(a); close(c); rsts++; break;
    case 2: close(c); close(a); normal++; tokens -= 1; break;
    default: close(a); close(c); normal++; tokens -= 1; break;
    }
    if (tg->family == AF_INET) tcp4++; else tcp6++;

    if ((step & 3) == 0) {
      int uc = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (uc < 0 || connect(uc, (struct sockaddr *)&un, sizeof un) < 0) {
        soft_error("unix connect");
      } else {
        int ua = accept4(ul, NULL, NULL, SOCK_CLOEXEC);
        if (ua < 0) soft_error("unix accept");
        else {
          close(ua);
          unixn++;
        }
      }
      if (uc >= 0) close(uc);
    }
    if (step & 1) {
      rng ^= rng << 13;
      rng ^= rng >> 7;
      rng ^= rng << 17;
      int i = (int)(rng % UDP_POOL);
      if (pool[i] >= 0) close(pool[i]);
      pool[i] = udp_socket(i);
      if (pool[i] >= 0) udpn++;
    }
    if ((step & 15) == 0) {
      int sv[2];
      if (socketpair(AF_UNIX, (step & 16) ? SOCK_DGRAM : SOCK_STREAM, 0, sv) < 0) soft_error("socketpair");
      else {
        close(sv[0]);
        close(sv[1]);
        unixn++;
      }
    }
  }
  printf("STATS tcp=%ld tcp4=%ld tcp6=%ld unix=%ld udp=%ld normal=%ld rst=%ld errors=%ld seconds=%.3f\n",
         tcp4 + tcp6, tcp4, tcp6, unixn, udpn, normal, rsts, errors, now() - t0);
  return 0;
}
