/*
 * fns-fdwalk: the floor of the /proc/PID/fd walk on this machine, to compare
 * with fastnetstat's fd walk (owners.rs). Counts socket links.
 *
 *   fns-fdwalk THREADS pid|fd
 *
 * pid: whole processes are handed out to threads (one atomic counter over the
 *      pid list); fd: every process's fd list is cut into THREADS equal parts,
 *      one per thread (so threads readlink fds of the same process at once).
 * getdents64 with one buffer per thread, readlinkat(dirfd, "N") into a stack
 * buffer, no allocation per fd. Prints "SOCKETS MS".
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static int npids, *pids, nthreads, byfd;
static atomic_int next_pid;
static atomic_long sockets;

static int list_fds(int dir, int **out) {
  static __thread char buf[32768];
  int n = 0, cap = 1024;
  int *fds = malloc(cap * sizeof *fds);
  long got;
  while ((got = syscall(SYS_getdents64, dir, buf, sizeof buf)) > 0) {
    for (long at = 0; at < got;) {
      struct dirent64 *d = (struct dirent64 *)(buf + at);
      if (d->d_name[0] >= '0' && d->d_name[0] <= '9') {
        if (n == cap) fds = realloc(fds, (cap *= 2) * sizeof *fds);
        fds[n++] = atoi(d->d_name);
      }
      at += d->d_reclen;
    }
  }
  *out = fds;
  return n;
}

static long links(int dir, int *fds, int from, int to) {
  long s = 0;
  char name[16], link[64];
  for (int i = from; i < to; i++) {
    snprintf(name, sizeof name, "%d", fds[i]);
    ssize_t n = readlinkat(dir, name, link, sizeof link);
    if (n > 8 && memcmp(link, "socket:[", 8) == 0) s++;
  }
  return s;
}

static int open_fd_dir(int pid) {
  char path[32];
  snprintf(path, sizeof path, "/proc/%d/fd", pid);
  return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void *worker(void *arg) {
  long self = (long)arg, s = 0;
  if (!byfd) {
    for (int i; (i = atomic_fetch_add(&next_pid, 1)) < npids;) {
      int dir = open_fd_dir(pids[i]);
      if (dir < 0) continue;
      int *fds, n = list_fds(dir, &fds);
      s += links(dir, fds, 0, n);
      free(fds);
      close(dir);
    }
  } else {
    for (int i = 0; i < npids; i++) {
      int dir = open_fd_dir(pids[i]);
      if (dir < 0) continue;
      int *fds, n = list_fds(dir, &fds);
      int per = (n + nthreads - 1) / nthreads;
      int from = self * per, to = from + per < n ? from + per : n;
      if (from < to) s += links(dir, fds, from, to);
      free(fds);
      close(dir);
    }
  }
  atomic_fetch_add(&sockets, s);
  return NULL;
}

int main(int argc, char **argv) {
  nthreads = argc > 1 ? atoi(argv[1]) : 1;
  byfd = argc > 2 && strcmp(argv[2], "fd") == 0;
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  DIR *proc = opendir("/proc");
  struct dirent *d;
  int cap = 1024;
  pids = malloc(cap * sizeof *pids);
  while ((d = readdir(proc))) {
    if (d->d_name[0] < '0' || d->d_name[0] > '9') continue;
    if (npids == cap) pids = realloc(pids, (cap *= 2) * sizeof *pids);
    pids[npids++] = atoi(d->d_name);
  }
  closedir(proc);
  pthread_t th[64];
  for (long i = 1; i < nthreads; i++) pthread_create(&th[i], NULL, worker, (void *)i);
  worker((void *)0);
  for (long i = 1; i < nthreads; i++) pthread_join(th[i], NULL);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  printf("%ld %.1f\n", (long)sockets, (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
  return 0;
}
