/* Readiness wait for the HTTP servers tests start (see http_wait.h). Test
 * main thread. */
#include "tests/integration/http_wait.h"

#include <stdint.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/config.h"
#include "probes/http.h"

/* status 0: any 2xx. */
static bool
wait_for(const char *url, const char *path, long status, int timeout_ms)
{
	struct config cfg = { 0 };
	struct config_section *sec = config_add_section(&cfg, "http.t");
	struct http_client *c;
	int64_t end = clock_mono_ms() + timeout_ms;
	bool ok = false;
	struct err err;

	config_section_set(sec, "url", url);
	sec->timeout_ms = 1000;
	c = http_client_new(sec, &err);
	while (c != NULL && !ok && clock_mono_ms() < end) {
		struct http_resp resp;

		ok = http_get(c, path, &resp, &err) == 0;
		if (status != 0) {
			ok = resp.status == status;
		}
		http_resp_finish(&resp);
		if (!ok) {
			usleep(20000);
		}
	}
	http_client_free(c);
	config_finish(&cfg);
	return ok;
}

bool
http_wait_ready(const char *url, const char *path, int timeout_ms)
{
	return wait_for(url, path, 0, timeout_ms);
}

bool
http_wait_status(const char *url, const char *path, long status,
		 int timeout_ms)
{
	return wait_for(url, path, status, timeout_ms);
}
