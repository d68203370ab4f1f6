/*
 * fns-timeit: whole-process wall time and peak RSS of one command.
 *
 *   fns-timeit [-n NETNS_PATH] STDOUT_FILE STDERR_FILE CMD [ARGS...]
 *
 * With -n (e.g. /run/netns/fns-bench-123) it joins that network namespace
 * first (setns), so the command sees the benchmark's socket table without the
 * cost of `ip netns exec` inside the measured interval.
 * Runs CMD with its stdout and stderr sent to the given files (/dev/null for
 * the CLI tools), and prints "WALL_NS MAXRSS_KIB STATUS" where WALL_NS runs
 * from just before fork() to wait4()'s return, MAXRSS_KIB is the child's
 * ru_maxrss (the peak resident set of the process; with exec it is the
 * largest of the images it ran) and STATUS is the exit code, or 128+signal.
 * A small C timer keeps the runner's own spawn cost (node's child_process)
 * out of the measured interval.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv) {
  if (argc > 2 && strcmp(argv[1], "-n") == 0) {
    int ns = open(argv[2], O_RDONLY | O_CLOEXEC);
    if (ns < 0 || setns(ns, CLONE_NEWNET) < 0) {
      perror("fns-timeit: setns");
      return 2;
    }
    close(ns);
    argv += 2;
    argc -= 2;
  }
  if (argc < 4) {
    fprintf(stderr, "usage: fns-timeit [-n NETNS] STDOUT STDERR CMD [ARGS...]\n");
    return 2;
  }
  int out = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  int err = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0 || err < 0) {
    perror("fns-timeit: open");
    return 2;
  }
  long long t0 = now_ns();
  pid_t pid = fork();
  if (pid < 0) {
    perror("fns-timeit: fork");
    return 2;
  }
  if (pid == 0) {
    dup2(out, 1);
    dup2(err, 2);
    execvp(argv[3], argv + 3);
    perror("fns-timeit: exec");
    _exit(127);
  }
  int status;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0) {
    perror("fns-timeit: wait4");
    return 2;
  }
  long long t1 = now_ns();
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  printf("%lld %ld %d\n", t1 - t0, ru.ru_maxrss, code);
  return 0;
}
