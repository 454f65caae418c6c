/* Whether a backend's address accepts connections: what the runner asks
 * while a source backs off after errors, at the normal interval, so that
 * a server that comes back is polled at once (a TCP or Unix connect, no
 * request, closed at once). Probe thread. */
#include "probes/probe.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"

/* Longest slice of a wait, so that a stop is seen quickly. */
#define SLICE_MS 100

/* Connects fd (non-blocking) to addr; 1 connected, 0 refused or timed
 * out, also when p is stopping. */
static int
connect_fd(int fd, const struct sockaddr *addr, socklen_t len,
	   const struct probe *p, int timeout_ms)
{
	int64_t end = clock_mono_ms() + timeout_ms;
	int soerr = 0;
	socklen_t sl = sizeof(soerr);

	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) {
		return 0;
	}
	if (connect(fd, addr, len) == 0) {
		return 1;
	}
	if (errno != EINPROGRESS) {
		return 0;
	}
	for (;;) {
		int64_t left = end - clock_mono_ms();
		struct pollfd pfd = { .fd = fd, .events = POLLOUT };
		int rc;

		if (left <= 0 || (p != NULL && probe_stopping(p))) {
			return 0;
		}
		rc = poll(&pfd, 1, left > SLICE_MS ? SLICE_MS : (int)left);
		if (rc > 0) {
			break;
		}
		if (rc < 0 && errno != EINTR) {
			return 0;
		}
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0) {
		return 0;
	}
	return soerr == 0;
}

int
probe_reach_tcp(const struct probe *p, const char *host, const char *port,
		int timeout_ms)
{
	struct addrinfo hints, *res = NULL, *ai;
	int ok = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if (host == NULL || port == NULL ||
	    getaddrinfo(host, port, &hints, &res) != 0) {
		return 0;
	}
	for (ai = res; ai != NULL && !ok; ai = ai->ai_next) {
		int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
				ai->ai_protocol);

		if (fd < 0) {
			continue;
		}
		ok = connect_fd(fd, ai->ai_addr, ai->ai_addrlen, p,
				timeout_ms);
		close(fd);
	}
	freeaddrinfo(res);
	return ok;
}

int
probe_reach_unix(const struct probe *p, const char *path, int timeout_ms)
{
	union {
		struct sockaddr sa;
		struct sockaddr_un un;
	} a;
	int fd, ok;

	if (path == NULL || strlen(path) >= sizeof(a.un.sun_path)) {
		return 0;
	}
	memset(&a, 0, sizeof(a));
	a.un.sun_family = AF_UNIX;
	memcpy(a.un.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		return 0;
	}
	ok = connect_fd(fd, &a.sa, sizeof(a.un), p, timeout_ms);
	close(fd);
	return ok;
}
