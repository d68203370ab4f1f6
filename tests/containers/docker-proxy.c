/*
 * A stand-in for Docker's docker-proxy (tests/containers/host.ts): the same argv
 *
 *   docker-proxy -proto tcp -host-ip IP -host-port P -container-ip CIP -container-port CP
 *
 * and the same socket: a tcp listener on IP:P in the host's namespace. It forwards nothing.
 * Protocol as ct-holder.py: prints "PID <pid>", waits for "go" (the host has put it in its
 * cgroup), listens, prints "READY", and exits when stdin reaches EOF.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int main(int argc, char **argv) {
  const char *ip = NULL, *port = NULL;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "-host-ip") == 0) ip = argv[i + 1];
    if (strcmp(argv[i], "-host-port") == 0) port = argv[i + 1];
  }
  if (!ip || !port) {
    fprintf(stderr, "docker-proxy: -host-ip and -host-port are required\n");
    return 2;
  }
  printf("PID %d\n", (int)getpid());
  fflush(stdout);
  char line[64];
  if (!fgets(line, sizeof line, stdin) || strncmp(line, "go", 2) != 0) return 0;
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(port))};
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (fd < 0 || inet_pton(AF_INET, ip, &sa.sin_addr) != 1 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
      listen(fd, 16) < 0) {
    printf("ERROR cannot listen on %s:%s\n", ip, port);
    return 1;
  }
  printf("READY\n");
  fflush(stdout);
  while (fgets(line, sizeof line, stdin)) {
  }
  return 0;
}
