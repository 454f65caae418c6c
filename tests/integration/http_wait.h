/* Test fixture: waits until a freshly started HTTP server answers. Called
 * from a test's main thread. */
#ifndef WARROOM_HTTP_WAIT_H
#define WARROOM_HTTP_WAIT_H

#include <stdbool.h>

/* True once GET url+path answers 2xx, retried every 20 ms (each try may
 * take up to 1 s) until timeout_ms have passed. */
bool http_wait_ready(const char *url, const char *path, int timeout_ms);
/* The same, until GET url+path answers with HTTP status (a server that
 * wants credentials answers 401). */
bool http_wait_status(const char *url, const char *path, long status,
		      int timeout_ms);

#endif
