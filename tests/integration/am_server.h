/* Test fixture: a real Alertmanager on loopback (no clustering, its own
 * storage, one route to a receiver that sends nothing), and a way to post
 * alerts to it. Called from a test's main thread. */
#ifndef WARROOM_AM_SERVER_H
#define WARROOM_AM_SERVER_H

#include <stdbool.h>
#include <sys/types.h>

struct am_server {
	pid_t pid;
	int port;
	char *dir;
	char url[64];
};

/* Starts prometheus-alertmanager and waits until its API answers. Returns
 * false (with a note on stderr) when it did not. */
bool am_server_start(struct am_server *as);
void am_server_stop(struct am_server *as);

/* POSTs json (an array of alerts) to /api/v2/alerts; true on 200. */
bool am_server_post_alerts(struct am_server *as, const char *json);

#endif
