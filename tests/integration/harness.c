/* Integration test harness: see harness.h. Test main thread, except the
 * peer's own thread. */
#include "tests/integration/harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/xalloc.h"

union addr {
	struct sockaddr sa;
	struct sockaddr_in in;
};

static union addr
loopback(int port)
{
	union addr a;

	memset(&a, 0, sizeof(a));
	a.in.sin_family = AF_INET;
	a.in.sin_port = htons((uint16_t)port);
	a.in.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static int
bind_loopback(int port)
{
	union addr a = loopback(port);
	int one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0) {
		return -1;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, &a.sa, sizeof(a.in)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
local_port(int fd)
{
	union addr a;
	socklen_t len = sizeof(a.in);

	if (getsockname(fd, &a.sa, &len) < 0) {
		return -1;
	}
	return ntohs(a.in.sin_port);
}

int
harness_free_port(void)
{
	int fd = bind_loopback(0);
	int port;

	if (fd < 0) {
		return -1;
	}
	port = local_port(fd);
	close(fd);
	return port;
}

char *
harness_tmpdir(const char *prefix)
{
	const char *base = getenv("TMPDIR");
	char *path;

	path = xasprintf("%s/%s.XXXXXX", base && *base ? base : "/tmp",
			 prefix);
	if (mkdtemp(path) == NULL) {
		free(path);
		return NULL;
	}
	chmod(path, 0755);
	return path;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void
harness_rmrf(const char *path)
{
	if (path != NULL) {
		nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	}
}

pid_t
harness_spawn(const char *const argv[], const char *log_path,
	      const char *user, const char *cwd)
{
	struct passwd *pw = NULL;
	pid_t parent = getpid();
	pid_t pid;

	if (user != NULL && (pw = getpwnam(user)) == NULL) {
		fprintf(stderr, "harness: no user %s\n", user);
		return -1;
	}
	pid = fork();
	if (pid != 0) {
		return pid;
	}

	/* child */
	int fd = open(log_path ? log_path : "/dev/null",
		      O_WRONLY | O_CREAT | O_APPEND, 0644);
	int nul = open("/dev/null", O_RDONLY);

	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
	}
	if (nul >= 0) {
		dup2(nul, STDIN_FILENO);
	}
	if (cwd != NULL && chdir(cwd) < 0) {
		_exit(127);
	}
	if (pw != NULL && geteuid() == 0) {
		if (setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
			_exit(127);
		}
		setenv("HOME", pw->pw_dir, 1);
		setenv("USER", pw->pw_name, 1);
	}
	/* After setuid(): a change of credentials clears the death signal. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent) {
		_exit(127);
	}
	/* Servers must not inherit a test's blocked signals. */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(argv[0], (char *const *)argv);
	fprintf(stderr, "harness: exec %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

bool
harness_wait_port(int port, int timeout_ms)
{
	int64_t end = clock_mono_ms() + timeout_ms;
	union addr a = loopback(port);

	while (clock_mono_ms() < end) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		int rc = connect(fd, &a.sa, sizeof(a.in));

		close(fd);
		if (rc == 0) {
			return true;
		}
		usleep(10000);
	}
	return false;
}

void
harness_stop(pid_t pid, int timeout_ms)
{
	int64_t end = clock_mono_ms() + timeout_ms;

	if (pid <= 0) {
		return;
	}
	kill(pid, SIGTERM);
	while (clock_mono_ms() < end) {
		if (waitpid(pid, NULL, WNOHANG) == pid) {
			return;
		}
		usleep(5000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

int
harness_sh(const char *log_path, const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	char *full;
	int rc;

	va_start(ap, fmt);
	cmd = xvasprintf(fmt, ap);
	va_end(ap);
	full = xasprintf("(%s) >>'%s' 2>&1", cmd,
			 log_path ? log_path : "/dev/null");
	rc = system(full);
	free(cmd);
	free(full);
	if (rc == -1 || !WIFEXITED(rc)) {
		return -1;
	}
	return WEXITSTATUS(rc);
}

struct harness_peer {
	int fd;
	int port;
	int wake[2];
	void *reply;
	size_t len;
	atomic_int accepted;
	pthread_t thread;
	int clients[64];
	int n_clients;
};

static void *
peer_main(void *arg)
{
	struct harness_peer *p = arg;

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = p->fd, .events = POLLIN },
			{ .fd = p->wake[0], .events = POLLIN },
		};

		if (poll(pfd, 2, -1) < 0 && errno != EINTR) {
			break;
		}
		if (pfd[1].revents) {
			break;
		}
		if (pfd[0].revents & POLLIN) {
			int c = accept(p->fd, NULL, NULL);

			if (c < 0) {
				continue;
			}
			atomic_fetch_add(&p->accepted, 1);
			if (p->reply != NULL) {
				ssize_t w = write(c, p->reply, p->len);
				(void)w;
			}
			if (p->n_clients < 64) {
				p->clients[p->n_clients++] = c;
			} else {
				close(c);
			}
		}
	}
	return NULL;
}

struct harness_peer *
harness_peer_start(const void *reply, size_t len)
{
	struct harness_peer *p = xcalloc(1, sizeof(*p));

	p->fd = bind_loopback(0);
	if (p->fd < 0 || listen(p->fd, 16) < 0 ||
	    pipe(p->wake) < 0) {
		free(p);
		return NULL;
	}
	p->port = local_port(p->fd);
	if (reply != NULL) {
		p->reply = xmalloc(len);
		memcpy(p->reply, reply, len);
		p->len = len;
	}
	pthread_create(&p->thread, NULL, peer_main, p);
	return p;
}

int
harness_peer_port(const struct harness_peer *peer)
{
	return peer->port;
}

int
harness_peer_accepted(struct harness_peer *peer)
{
	return atomic_load(&peer->accepted);
}

void
harness_peer_stop(struct harness_peer *peer)
{
	ssize_t w;

	if (peer == NULL) {
		return;
	}
	w = write(peer->wake[1], "x", 1);
	(void)w;
	pthread_join(peer->thread, NULL);
	for (int i = 0; i < peer->n_clients; i++) {
		close(peer->clients[i]);
	}
	close(peer->fd);
	close(peer->wake[0]);
	close(peer->wake[1]);
	free(peer->reply);
	free(peer);
}
