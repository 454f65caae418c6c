/* :reload (see reload.h): the worker that reads the configuration and
 * stops the old probes, and the swap on the UI thread. */
#include "tui/reload.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/sanitize.h"
#include "core/timeline.h"
#include "core/xalloc.h"
#include "probes/probe.h"
#include "tui/adhoc.h"
#include "tui/app.h"
#include "tui/cli.h"

/* How long a reload waits for the old probes before it leaves the ones
 * stuck in a call to end on their own (they publish nothing after). */
#define RELOAD_STOP_MS 900

struct reload {
	const char *config_path;
	pthread_mutex_t lock;
	pthread_t thread;
	bool running;           /* the worker runs: it owns old */
	bool closed;            /* reload_abandon() gave it up at exit */
	/* The worker's in and out (under lock once it runs). */
	struct state *st;
	struct runner *old;
	struct config *next;    /* NULL: it failed */
	struct err err;
	bool done;
	/* Every configuration a reload started: a request on the action
	 * worker may still hold a section of an older one. */
	struct config **cfgs;
	size_t n_cfgs;
};

struct reload *
reload_new(const char *config_path)
{
	struct reload *rl = xcalloc(1, sizeof(*rl));

	rl->config_path = config_path;
	pthread_mutex_init(&rl->lock, NULL);
	return rl;
}

static void
free_all(struct reload *rl)
{
	for (size_t i = 0; i < rl->n_cfgs; i++) {
		config_finish(rl->cfgs[i]);
		free(rl->cfgs[i]);
	}
	free(rl->cfgs);
	if (rl->next != NULL) {
		config_finish(rl->next);
		free(rl->next);
	}
	pthread_mutex_destroy(&rl->lock);
	free(rl);
}

static void *
reload_main(void *arg)
{
	struct reload *rl = arg;
	struct config *cfg = xcalloc(1, sizeof(*cfg));
	struct cli_opts o = { .config_path = rl->config_path };
	struct err err = { { 0 } };

	if (cli_load_config(&o, cfg, &err) < 0) {
		config_finish(cfg);
		free(cfg);
		cfg = NULL;
	} else if (cfg->n_sections == 0) {
		err_set(&err, "%s names no source; the running ones stay",
			cfg->path != NULL ? cfg->path : "the environment");
		config_finish(cfg);
		free(cfg);
		cfg = NULL;
	} else {
		runner_stop(rl->old, RELOAD_STOP_MS);
	}
	pthread_mutex_lock(&rl->lock);
	if (rl->closed) {
		/* The dashboard is gone and the process about to be: nobody
		 * takes the result, and what older configurations a request
		 * may hold is left to the exit. */
		pthread_mutex_unlock(&rl->lock);
		if (cfg != NULL) {
			config_finish(cfg);
			free(cfg);
		}
		return NULL;
	}
	rl->next = cfg;
	rl->err = err;
	rl->done = true;
	state_wakeup(rl->st);
	pthread_mutex_unlock(&rl->lock);
	return NULL;
}

bool
reload_start(struct app *a, struct err *err)
{
	struct reload *rl = a->reload;
	sigset_t all, old;
	int rc;

	if (rl == NULL || a->demo) {
		err_set(err, a->demo ? "the demo has no configuration to "
			"reload" : "no configuration to reload");
		return false;
	}
	if (rl->running) {
		err_set(err, "a reload is already under way");
		return false;
	}
	rl->st = a->st;
	rl->old = a->r;
	rl->done = false;
	rl->next = NULL;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&rl->thread, NULL, reload_main, rl);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		err_set(err, "cannot start a thread: %s", strerror(rc));
		return false;
	}
	rl->running = true;
	return true;
}

/* "postgres.main, redis.cache" of the sources, and how many are new and
 * gone against the names before. */
static void
describe(const struct app *a, char **before, size_t n_before, char *list,
	 size_t n, int *added, int *removed)
{
	size_t count = state_source_count(a->st);

	list[0] = '\0';
	*added = 0;
	*removed = 0;
	for (size_t i = 0; i < count; i++) {
		const char *name = state_source_name(a->st, (int)i);
		bool old = false;

		if (state_source_retired(a->st, (int)i)) {
			continue;
		}
		strappendf(list, n, "%s%s", list[0] ? ", " : "", name);
		for (size_t j = 0; j < n_before; j++) {
			old |= strcmp(before[j], name) == 0;
		}
		*added += !old;
	}
	for (size_t j = 0; j < n_before; j++) {
		*removed += state_find_source(a->st, before[j]) < 0;
	}
}

/* The swap: new sources in the state, a new runner, the panes bound
 * again. The old runner is stopped already. */
static void
swap_in(struct app *a, struct config *cfg)
{
	struct reload *rl = a->reload;
	size_t n_before = state_source_count(a->st), k = 0;
	char **before = xcalloc(n_before + 1, sizeof(*before));
	char list[512], who[128], text[700];
	struct err err = { { 0 } };
	struct runner *r;
	int focus = a->focus, added, removed;

	for (size_t i = 0; i < n_before; i++) {
		if (!state_source_retired(a->st, (int)i)) {
			before[k++] = xstrdup(state_source_name(a->st,
								(int)i));
		}
	}
	adhoc_stop(a);
	action_req_clear(&a->pending.req);
	memset(&a->pending, 0, sizeof(a->pending));
	if (dialog_is_open(&a->dlg) &&
	    (a->dlg.tag == APP_DLG_ACTION_ARG ||
	     a->dlg.tag == APP_DLG_ACTION_CONFIRM)) {
		/* Its source is gone; the operator asks again. */
		dialog_close(&a->dlg);
	}
	runner_free(rl->old);
	state_retire_sources(a->st);
	r = runner_new(a->st);
	if (probe_add_sources(cfg, r, &err) < 0 || runner_start(r, &err) < 0) {
		app_set_status(a, ROLE_CRIT, "reload: %s", err.msg);
	}
	a->r = r;
	rl->cfgs = xreallocarray(rl->cfgs, rl->n_cfgs + 1, sizeof(*rl->cfgs));
	rl->cfgs[rl->n_cfgs++] = cfg;
	/* Read-only only ever tightens. */
	a->read_only |= cfg->read_only;
	app_set_layout(a, &cfg->layout);
	a->focus = focus;
	app_bind_sources(a);
	describe(a, before, k, list, sizeof(list), &added, &removed);
	if (err.msg[0] == '\0') {
		app_set_status(a, ROLE_OK, "reloaded %s: %zu sources (%d new, "
			       "%d gone)", cfg->path != NULL ? cfg->path :
			       "from the environment",
			       state_source_count(a->st) - n_before,
			       added, removed);
	}
	if (a->tl != NULL) {
		actions_who(who, sizeof(who));
		snprintf(text, sizeof(text), "configuration reloaded from %s: "
			 "%s", cfg->path != NULL ? cfg->path :
			 "the environment", list);
		timeline_append(a->tl, TL_INFO, "", who, text, "");
	}
	for (size_t i = 0; i < k; i++) {
		free(before[i]);
	}
	free(before);
	app_touch_all(a);
}

void
reload_collect(struct app *a)
{
	struct reload *rl = a->reload;
	struct config *cfg;
	struct err err;
	bool done;

	if (rl == NULL || !rl->running) {
		return;
	}
	pthread_mutex_lock(&rl->lock);
	done = rl->done;
	cfg = rl->next;
	err = rl->err;
	rl->next = NULL;
	pthread_mutex_unlock(&rl->lock);
	if (!done) {
		return;
	}
	/* It has returned or is about to: nothing left to wait for. */
	pthread_join(rl->thread, NULL);
	rl->running = false;
	if (cfg == NULL) {
		app_set_status(a, ROLE_WARN, "reload: %s", err.msg);
		return;
	}
	swap_in(a, cfg);
}

bool
reload_abandon(struct reload *rl)
{
	bool busy;

	if (rl == NULL || !rl->running) {
		return false;
	}
	pthread_mutex_lock(&rl->lock);
	busy = !rl->done;
	rl->closed = busy;
	pthread_mutex_unlock(&rl->lock);
	if (busy) {
		pthread_detach(rl->thread);
		rl->running = false;
	}
	return busy;
}

void
reload_free(struct reload *rl)
{
	if (rl == NULL || rl->closed) {
		return;
	}
	if (rl->running) {
		/* Done: it only has to return. */
		pthread_join(rl->thread, NULL);
	}
	free_all(rl);
}
