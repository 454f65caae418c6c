/* Test harness shared by the integration tests: free ports, server
 * processes that die with the test (PR_SET_PDEATHSIG), readiness waits, and
 * misbehaving peers (a port that accepts and never answers, one that sends
 * fixed bytes). Called from a test's main thread. */
#ifndef WARROOM_HARNESS_H
#define WARROOM_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* A TCP port on 127.0.0.1 that was free a moment ago. */
int harness_free_port(void);

/* A new directory under $TMPDIR (or /tmp); the caller frees the string. */
char *harness_tmpdir(const char *prefix);
/* Removes a directory tree (best effort). */
void harness_rmrf(const char *path);

/* Starts argv[0] (searched in PATH) with stdout and stderr appended to
 * log_path, as user `user` when not NULL (root drops to it), in directory
 * cwd when not NULL. The process gets SIGKILL when the test dies. Returns
 * its pid, or -1. */
pid_t harness_spawn(const char *const argv[], const char *log_path,
		    const char *user, const char *cwd);

/* Waits until 127.0.0.1:port accepts a connection; false after
 * timeout_ms. */
bool harness_wait_port(int port, int timeout_ms);

/* SIGTERM, then SIGKILL after timeout_ms; reaps the process. */
void harness_stop(pid_t pid, int timeout_ms);

/* Runs a shell command (for setup steps), output to log_path; returns its
 * exit status, or -1. */
int harness_sh(const char *log_path, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A listener on a free port that accepts connections and then either never
 * answers (reply NULL) or sends reply once and stays silent. Runs on its own
 * thread until harness_peer_stop(). */
struct harness_peer;
struct harness_peer *harness_peer_start(const void *reply, size_t len);
int harness_peer_port(const struct harness_peer *peer);
/* Connections accepted so far. */
int harness_peer_accepted(struct harness_peer *peer);
void harness_peer_stop(struct harness_peer *peer);

#endif
