/* :reload: the configuration read again and its sources started in place
 * of the running ones, without restarting; the incident, its timeline,
 * the action worker and each pane's view stay. The file is read and the
 * old probes stopped on a thread of the reload's own (disk I/O, and a
 * bounded wait for probes stuck in a call), while the dashboard keeps
 * answering; the UI thread then swaps in the new sources, runner and
 * layout. A configuration that does not load, or names no source, leaves
 * the running sources alone. UI thread, but for that worker. */
#ifndef WARROOM_RELOAD_H
#define WARROOM_RELOAD_H

#include <stdbool.h>

#include "core/err.h"

struct app;
struct reload;

/* How the configuration is found again: config_path (--config; not
 * copied, must outlive the reload), else the default file when it
 * exists, else the environment. */
struct reload *reload_new(const char *config_path);

/* Starts a reload of a's sources; false with the reason in err (the demo,
 * one already running). */
bool reload_start(struct app *a, struct err *err);

/* Takes in a finished reload: swaps the sources and the runner (a->r),
 * or says why not on the status line. */
void reload_collect(struct app *a);

/* At exit, before the runner is stopped: true when a reload is still
 * stopping the old probes. It then owns a->r, which must be neither
 * stopped nor freed, nor anything its probes may touch (the state, the
 * timeline); it is given up, and frees only its own result when it
 * ends. */
bool reload_abandon(struct reload *rl);

/* At exit, once the action worker is stopped: frees the configurations
 * the reloads made (but for one given up: then nothing). */
void reload_free(struct reload *rl);

#endif
