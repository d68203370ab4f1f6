/*
 * fns-owner: short-lived socket owners, killed and replaced continually (the owner churn).
 *
 *   fns-owner KEEP PERIOD_MS
 *
 * The supervisor keeps KEEP children alive. Every PERIOD_MS it kills the oldest child with
 * SIGKILL (by the pid fork returned: only its own children), reaps it, and forks a new one, so
 * processes appear and vanish while the listings walk /proc/PID/fd. Each child opens, inside the
 * test's namespace: tcp and tcp6 listeners on 192.0.2.1 and 2001:db8::1 (ephemeral ports), an
 * ESTABLISHED tcp pair to its own listener, UDP_EACH udp and udp6 sockets each, PAIRS_EACH unix
 * socketpairs and an abstract unix socket @fns-owner-PID; then dup()s them up to ~200 more fds
 * (a longer fd walk, so a kill is more likely to land in the middle of one), and sleeps until
 * killed.
 * The supervisor prints "READY PID" once the first KEEP children are up, and when its stdin
 * becomes readable (a line or EOF) it kills the remaining children, reaps them, prints
 *   STATS started=N killed=N seconds=S
 * and exits. Both die with their parent (PR_SET_PDEATHSIG).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
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
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Per child: enough that with KEEP children the udp, udp6 and unix tables span several of the
 * kernel's page-sized read chunks (where /proc/net/udp resumes by position). */
#define UDP_EACH 8
#define PAIRS_EACH 4

/* In the child: failures just leave a socket out (the child is only there to be killed). */
static void child_sockets(void) {
  int one = 1;
  struct sockaddr_in s4 = {.sin_family = AF_INET};
  inet_pton(AF_INET, "192.0.2.1", &s4.sin_addr);
  struct sockaddr_in6 s6 = {.sin6_family = AF_INET6};
  inet_pton(AF_INET6, "2001:db8::1", &s6.sin6_addr);

  int l4 = socket(AF_INET, SOCK_STREAM, 0);
  if (l4 >= 0 && bind(l4, (struct sockaddr *)&s4, sizeof s4) == 0 && listen(l4, 4) == 0) {
    socklen_t n = sizeof s4;
    struct sockaddr_in got;
    getsockname(l4, (struct sockaddr *)&got, &n);
    int c = socket(AF_INET, SOCK_STREAM, 0);
    if (c >= 0 && connect(c, (struct sockaddr *)&got, sizeof got) == 0) accept(l4, NULL, NULL);
  }
  int l6 = socket(AF_INET6, SOCK_STREAM, 0);
  if (l6 >= 0) {
    setsockopt(l6, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(l6, (struct sockaddr *)&s6, sizeof s6) == 0) listen(l6, 4);
  }
  for (int i = 0; i < UDP_EACH; i++) {
    int u4 = socket(AF_INET, SOCK_DGRAM, 0);
    if (u4 >= 0) bind(u4, (struct sockaddr *)&s4, sizeof s4);
    int u6 = socket(AF_INET6, SOCK_DGRAM, 0);
    if (u6 >= 0) bind(u6, (struct sockaddr *)&s6, sizeof s6);
  }
  for (int i = 0; i < PAIRS_EACH; i++) {
    int sv[2];
    socketpair(AF_UNIX, i & 1 ? SOCK_DGRAM : SOCK_STREAM, 0, sv);
  }
  int ua = socket(AF_UNIX, SOCK_DGRAM, 0);
  if (ua >= 0) {
    struct sockaddr_un un = {.sun_family = AF_UNIX};
    int len = snprintf(un.sun_path + 1, sizeof un.sun_path - 1, "fns-owner-%d", (int)getpid());
    bind(ua, (struct sockaddr *)&un, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len));
  }
  for (int i = 0; i < 200; i++) {
    if (dup(3 + i % 16) < 0) break;
  }
}

/* In the child: it dies with the supervisor, keeps no inherited descriptors, opens its sockets
 * and waits to be killed. */
static void child(pid_t supervisor) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != supervisor) _exit(1);
  int null = open("/dev/null", O_RDWR);
  dup2(null, 0);
  dup2(null, 1);
  if (null > 2) close(null);
  for (int fd = 3; fd < 1024; fd++) close(fd);
  child_sockets();
  for (;;) pause();
}

/* Forks a child; the supervisor gets its pid, or -1 (said on stderr) when fork failed. */
static pid_t spawn(pid_t supervisor) {
  pid_t p = fork();
  if (p < 0) fprintf(stderr, "fns-owner: fork: %s\n", strerror(errno));
  if (p == 0) child(supervisor);
  return p;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: fns-owner KEEP PERIOD_MS\n");
    return 2;
  }
  int keep = atoi(argv[1]);
  int period = atoi(argv[2]);
  if (keep < 1 || keep > 64 || period < 1) return 2;
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() == 1) return 1;
  setvbuf(stdout, NULL, _IOLBF, 0);

  pid_t kids[64];
  int head = 0; /* kids[head] is the oldest */
  long started = 0, killed = 0;
  pid_t me = getpid();
  for (int i = 0; i < keep; i++) {
    if ((kids[i] = spawn(me)) < 0) return 1;
    started++;
  }
  double t0 = now();
  struct timespec gap = {.tv_sec = period / 1000, .tv_nsec = (period % 1000) * 1000000L};
  nanosleep(&gap, NULL); /* let the first children open their sockets */
  printf("READY %d\n", (int)me);
  struct pollfd in = {.fd = 0, .events = POLLIN};
  while (poll(&in, 1, period) == 0) {
    pid_t old = kids[head];
    if (kill(old, SIGKILL) == 0) killed++;
    waitpid(old, NULL, 0);
    if ((kids[head] = spawn(me)) < 0) return 1;
    head = (head + 1) % keep;
    started++;
  }
  for (int i = 0; i < keep; i++) {
    if (kill(kids[i], SIGKILL) == 0) killed++;
    waitpid(kids[i], NULL, 0);
  }
  printf("STATS started=%ld killed=%ld seconds=%.3f\n", started, killed, now() - t0);
  return 0;
}
