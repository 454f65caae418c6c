/* A real Alertmanager for tests (see am_server.h). Test main thread. */
#include "tests/integration/am_server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"
#include "core/xalloc.h"
#include "probes/http.h"
#include "tests/integration/harness.h"
#include "tests/integration/http_wait.h"

static const char am_yml[] =
	"route:\n"
	"  receiver: \"null\"\n"
	"  group_wait: 1h\n"
	"receivers:\n"
	"  - name: \"null\"\n";

/* A client for as->url, with its own config section in cfg. */
static struct http_client *
client(struct am_server *as, struct config *cfg)
{
	struct config_section *sec = config_add_section(cfg,
							"alertmanager.t");
	struct err err;

	config_section_set(sec, "url", as->url);
	sec->timeout_ms = 2000;
	return http_client_new(sec, &err);
}

bool
am_server_start(struct am_server *as)
{
	char *cfg, *log, *a1, *a2, *a3;
	const char *argv[6];
	FILE *f;
	bool ok = false;

	memset(as, 0, sizeof(*as));
	as->pid = -1;
	if (!http_global_init(NULL)) {
		return false;
	}
	as->dir = harness_tmpdir("warroom-am");
	if (as->dir == NULL) {
		return false;
	}
	cfg = xasprintf("%s/alertmanager.yml", as->dir);
	log = xasprintf("%s/alertmanager.log", as->dir);
	f = fopen(cfg, "w");
	if (f == NULL || fputs(am_yml, f) < 0 || fclose(f) != 0) {
		fprintf(stderr, "am_server: cannot write %s\n", cfg);
		free(cfg);
		free(log);
		return false;
	}
	as->port = harness_free_port();
	snprintf(as->url, sizeof(as->url), "http://127.0.0.1:%d", as->port);
	a1 = xasprintf("--config.file=%s", cfg);
	a2 = xasprintf("--storage.path=%s/data", as->dir);
	a3 = xasprintf("--web.listen-address=127.0.0.1:%d", as->port);
	argv[0] = "prometheus-alertmanager";
	argv[1] = a1;
	argv[2] = a2;
	argv[3] = a3;
	/* Without it Alertmanager binds 9094 on every interface and waits
	 * for gossip. */
	argv[4] = "--cluster.listen-address=";
	argv[5] = NULL;
	as->pid = harness_spawn(argv, log, NULL, as->dir);
	if (as->pid > 0 && harness_wait_port(as->port, 10000) &&
	    http_wait_ready(as->url, "/api/v2/status", 10000)) {
		ok = true;
	} else {
		fprintf(stderr, "am_server: alertmanager did not start, see "
			"%s\n", log);
	}
	free(a1);
	free(a2);
	free(a3);
	free(cfg);
	free(log);
	return ok;
}

void
am_server_stop(struct am_server *as)
{
	if (as->pid > 0) {
		harness_stop(as->pid, 2000);
	}
	as->pid = -1;
	harness_rmrf(as->dir);
	free(as->dir);
	as->dir = NULL;
}

bool
am_server_post_alerts(struct am_server *as, const char *json)
{
	struct config cfg = { 0 };
	struct http_client *c = client(as, &cfg);
	struct http_resp resp = { 0 };
	struct err err;
	bool ok;

	ok = c != NULL && http_post(c, "/api/v2/alerts", json, &resp,
				    &err) == 0;
	if (!ok && c != NULL) {
		fprintf(stderr, "am_server: POST alerts: %s\n", err.msg);
	}
	http_resp_finish(&resp);
	http_client_free(c);
	config_finish(&cfg);
	return ok;
}
