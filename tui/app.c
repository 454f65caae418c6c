/* The UI context and the event loop: collect what changed (snapshots, the
 * timeline, finished actions, the clock), mark only what shows it dirty,
 * draw the dirty parts, one doupdate() per wakeup. An idle dashboard sleeps
 * in poll() and writes nothing but its clock. UI thread only. */
#include "tui/app.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/clock.h"
#include "core/sanitize.h"
#include "core/xalloc.h"
#include "tui/incident_ui.h"
#include "tui/keymap.h"
#include "tui/screen.h"
#include "tui/term.h"

/* Consecutive empty reads of a readable stdin taken as end of input. */
#define STDIN_EOF_READS 20

/* The panes in focus order: one line per pane. */
static const struct pane_ops *const pane_table[] = {
	&pane_pods_ops,
	&pane_db_ops,
	&pane_redis_ops,
	&pane_kafka_ops,
	&pane_metrics_ops,
	&pane_alerts_ops,
	&pane_timeline_ops,
};

#define N_PANES ((int)(sizeof(pane_table) / sizeof(pane_table[0])))

void
app_pane_names(char *buf, size_t n)
{
	buf[0] = '\0';
	for (int i = 0; i < N_PANES; i++) {
		struct pane p = { .ops = pane_table[i] };

		strappendf(buf, n, "%s%d %s", i > 0 ? " " : "", i + 1,
			   pane_title(&p));
	}
}

/* The grid band of each pane, for the layout. */
static void
pane_bands(const struct app *a, int *band)
{
	for (int i = 0; i < a->n_panes; i++) {
		band[i] = a->panes[i].ops->band;
	}
}

static void
relayout(struct app *a)
{
	int band[APP_PANES];

	pane_bands(a, band);
	layout_compute(&a->lay, a->cols, a->rows, band, a->n_panes, a->focus,
		       a->zoomed);
}

void
app_init(struct app *a, struct state *st, struct runner *r,
	 struct timeline *tl, struct actions *act, const struct theme *theme,
	 bool read_only, bool demo)
{
	memset(a, 0, sizeof(*a));
	a->st = st;
	a->r = r;
	a->tl = tl;
	a->act = act;
	a->theme = *theme;
	a->read_only = read_only;
	a->demo = demo;
	a->status_role = ROLE_STATUS;
	a->header_second = -1;
	_Static_assert(N_PANES <= APP_PANES, "too many panes");
	a->n_panes = N_PANES;
	for (int i = 0; i < a->n_panes; i++) {
		a->panes[i].ops = pane_table[i];
		a->panes[i].number = i + 1;
		a->panes[i].source = -1;
	}
	a->dirty_all = true;
}

void
app_finish(struct app *a)
{
	for (int i = 0; i < a->n_panes; i++) {
		if (a->panes[i].ops->free != NULL) {
			a->panes[i].ops->free(&a->panes[i]);
		}
		a->panes[i].priv = NULL;
	}
	for (int k = 0; k < SNAP_KIND_COUNT; k++) {
		free(a->kind_src[k]);
		a->kind_src[k] = NULL;
	}
	action_req_clear(&a->pending.req);
	textview_finish(&a->tv);
	free(a->seen_gen);
	free(a->health);
	a->seen_gen = NULL;
	a->health = NULL;
}

void
app_bind_sources(struct app *a)
{
	size_t n = state_source_count(a->st);

	for (int k = 0; k < SNAP_KIND_COUNT; k++) {
		free(a->kind_src[k]);
		a->kind_src[k] = NULL;
		a->n_kind_src[k] = 0;
	}
	for (size_t i = 0; i < n; i++) {
		enum snap_kind k = state_source_kind(a->st, (int)i);

		if ((int)k < 0 || k >= SNAP_KIND_COUNT) {
			continue;
		}
		a->kind_src[k] = xreallocarray(a->kind_src[k],
					       a->n_kind_src[k] + 1,
					       sizeof(int));
		a->kind_src[k][a->n_kind_src[k]++] = (int)i;
	}
	free(a->seen_gen);
	free(a->health);
	a->n_sources = n;
	a->seen_gen = xcalloc(n + 1, sizeof(*a->seen_gen));
	a->health = xcalloc(n + 1, sizeof(*a->health));
	for (int i = 0; i < a->n_panes; i++) {
		enum snap_kind k = a->panes[i].ops->kind;

		a->panes[i].source = k < SNAP_KIND_COUNT && a->n_kind_src[k] ?
			a->kind_src[k][0] : -1;
	}
	/* Start on the first pane that has something to show. */
	a->focus = 0;
	for (int i = 0; i < a->n_panes; i++) {
		if (a->panes[i].source >= 0) {
			a->focus = i;
			break;
		}
	}
	relayout(a);
	a->dirty_all = true;
}

void
app_ctx_get(struct app *a, int i, struct pane_ctx *c)
{
	struct pane *p = &a->panes[i];
	struct snapshot *snap = NULL;

	memset(c, 0, sizeof(*c));
	c->theme = &a->theme;
	c->timeline = a->tl;
	c->now_mono_ms = clock_mono_ms();
	c->now_wall_ms = clock_wall_ms();
	c->focused = i == a->focus;
	c->zoomed = a->zoomed && i == a->focus;
	c->read_only = a->read_only;
	if (p->source >= 0) {
		snap = state_get(a->st, p->source);
	}
	c->snap = snap;
	if (snap != NULL) {
		c->data = snap->data != NULL ? snap : snap->last_good;
	}
}

void
app_ctx_release(struct pane_ctx *c)
{
	if (c->snap != NULL) {
		snapshot_unref((struct snapshot *)c->snap);
	}
	c->snap = NULL;
	c->data = NULL;
}

void
app_set_status(struct app *a, enum role role, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->status, sizeof(a->status), fmt, ap);
	va_end(ap);
	a->status_role = role;
	a->dirty_status = true;
}

void
app_touch_all(struct app *a)
{
	a->dirty_all = true;
}

void
app_resize(struct app *a, int rows, int cols)
{
	a->rows = rows;
	a->cols = cols;
	relayout(a);
	a->dirty_all = true;
}

void
app_focus(struct app *a, int i)
{
	int old = a->focus;

	if (i < 0 || i >= a->n_panes || i == old) {
		return;
	}
	a->focus = i;
	a->dirty_status = true;
	if (a->lay.mode == LAYOUT_GRID) {
		/* Same geometry: only the two frames change. */
		a->pane_dirty[old] |= PANE_DIRTY_TITLE | PANE_DIRTY_BODY;
		a->pane_dirty[i] |= PANE_DIRTY_TITLE | PANE_DIRTY_BODY;
		return;
	}
	app_resize(a, a->rows, a->cols);
}

void
app_switch_source(struct app *a, int i, int delta)
{
	struct pane *p = &a->panes[i];
	enum snap_kind k = p->ops->kind;
	size_t n, pos = 0;

	if (k >= SNAP_KIND_COUNT || a->n_kind_src[k] < 2) {
		app_set_status(a, ROLE_DIM, "%s has one source", pane_title(p));
		return;
	}
	n = a->n_kind_src[k];
	for (size_t j = 0; j < n; j++) {
		if (a->kind_src[k][j] == p->source) {
			pos = j;
		}
	}
	pos = (pos + n + (size_t)(delta % (int)n + (int)n)) % n;
	p->source = a->kind_src[k][pos];
	memset(&p->view, 0, sizeof(p->view));
	a->pane_dirty[i] |= PANE_DIRTY_TITLE | PANE_DIRTY_BODY;
	app_set_status(a, ROLE_STATUS, "%s: %s (%zu/%zu)", pane_title(p),
		       state_source_name(a->st, p->source), pos + 1, n);
}

void
app_set_incident(struct app *a, const struct app_incident *inc)
{
	if (inc == NULL) {
		memset(&a->incident, 0, sizeof(a->incident));
	} else {
		a->incident = *inc;
	}
	a->dirty_header = true;
}

/* ---- what changed ------------------------------------------------- */

static void
mark_source(struct app *a, int src)
{
	for (int i = 0; i < a->n_panes; i++) {
		if (a->panes[i].source == src) {
			a->pane_dirty[i] |= PANE_DIRTY_TITLE | PANE_DIRTY_BODY;
		}
	}
}

/* A long action's progress line ("deleted 40000 keys"), shown while it
 * runs; read on every wakeup and clock tick. */
static void
collect_progress(struct app *a)
{
	uint64_t id;
	char line[ERR_MSG_MAX];

	if (!actions_progress(a->act, &id, line, sizeof(line)) ||
	    line[0] == '\0') {
		a->running_id = 0;
		return;
	}
	if (id != a->running_id || strcmp(line, a->progress) != 0) {
		a->running_id = id;
		strlcpy_safe(a->progress, line, sizeof(a->progress));
		app_set_status(a, ROLE_STATUS, "%s  (Esc cancels)", line);
	}
}

static void
collect_actions(struct app *a)
{
	struct action_done d;

	if (a->act == NULL) {
		return;
	}
	collect_progress(a);
	while (actions_poll_done(a->act, &d)) {
		int src = state_find_source(a->st, d.source);

		if (keymap_preview_done(a, &d)) {
			continue;
		}
		app_set_status(a, d.ok ? ROLE_OK : ROLE_CRIT, "%s %s: %s",
			       d.name, d.ok ? "done" : "failed", d.message);
		incident_ui_action_done(a, &d);
		/* Show the effect without waiting for the next interval. */
		if (src >= 0) {
			runner_refresh(a->r, src);
		}
	}
}

bool
app_any_dirty(const struct app *a)
{
	if (a->dirty_all || a->dirty_header || a->dirty_status ||
	    a->dirty_overlay) {
		return true;
	}
	for (int i = 0; i < a->n_panes; i++) {
		if (a->pane_dirty[i] != 0) {
			return true;
		}
	}
	return false;
}

bool
app_collect(struct app *a)
{
	int64_t sec;

	state_drain(a->st);
	for (size_t i = 0; i < a->n_sources; i++) {
		uint64_t g = state_source_generation(a->st, (int)i);
		struct snapshot *snap;
		enum health h;

		if (g == a->seen_gen[i]) {
			continue;
		}
		a->seen_gen[i] = g;
		snap = state_get(a->st, (int)i);
		if (snap == NULL) {
			continue;
		}
		/* Derived when it was published: only read here. */
		h = snap->health;
		if (h != a->health[i]) {
			a->health[i] = h;
			a->dirty_header = true;
		}
		snapshot_unref(snap);
		mark_source(a, (int)i);
	}
	if (a->tl != NULL && timeline_count(a->tl) != a->seen_timeline) {
		a->seen_timeline = timeline_count(a->tl);
		for (int i = 0; i < a->n_panes; i++) {
			if (a->panes[i].ops->kind == SNAP_KIND_COUNT) {
				a->pane_dirty[i] |= PANE_DIRTY_TITLE |
						    PANE_DIRTY_BODY;
			}
		}
	}
	collect_actions(a);
	incident_ui_collect(a);

	if (a->first_run || a->lay.mode == LAYOUT_TOO_SMALL) {
		return app_any_dirty(a);
	}
	sec = clock_wall_ms() / 1000;
	if (sec != a->header_second) {
		a->header_second = sec;
		a->dirty_header = true;
		for (int i = 0; i < a->n_panes; i++) {
			struct pane_ctx c;
			char key[48];

			if (a->lay.pane[i].h == 0 || a->panes[i].source < 0) {
				continue;
			}
			app_ctx_get(a, i, &c);
			screen_age_key(&c, key, sizeof(key));
			app_ctx_release(&c);
			if (strcmp(key, a->title_age[i]) != 0) {
				a->pane_dirty[i] |= a->lay.pane[i].h == 1 ?
					PANE_DIRTY_BODY : PANE_DIRTY_TITLE;
			}
		}
	}
	return app_any_dirty(a);
}

/* ---- the loop ----------------------------------------------------- */

/* Sleep until the next wall-clock second while a clock is on screen;
 * otherwise until something happens. */
static int
loop_timeout(const struct app *a)
{
	int64_t now;

	if (a->first_run || a->lay.mode == LAYOUT_TOO_SMALL) {
		return -1;
	}
	now = clock_wall_ms();
	return (int)(1000 - now % 1000) + 1;
}

static void
handle_signals(struct app *a)
{
	int sig, rows, cols;

	while ((sig = term_next_signal()) != 0) {
		if (sig == SIGWINCH) {
			if (term_size(&rows, &cols)) {
				resizeterm(rows, cols);
				app_resize(a, rows, cols);
			}
			continue;
		}
		/* INT, TERM, HUP (the SSH session went away), QUIT: no
		 * confirmation, nobody may be there to give it. */
		a->quit = true;
		a->exit_status = 128 + sig;
	}
}

/* Reads every key ncurses has; returns how many. */
static int
read_keys(struct app *a, WINDOW *in)
{
	wint_t wch;
	int rc, n = 0;

	while (!a->quit && !a->start_demo &&
	       (rc = wget_wch(in, &wch)) != ERR) {
		n++;
		if (rc == KEY_CODE_YES && wch == KEY_MOUSE) {
			MEVENT ev;

			if (getmouse(&ev) == OK) {
				keymap_mouse(a, &ev);
			}
		} else if (rc == KEY_CODE_YES) {
			keymap_key(a, (int)wch, false);
		} else {
			keymap_key(a, (int)wch, true);
		}
	}
	return n;
}

/* Probes that share an interval publish within a few ms of one another.
 * After a wakeup that brought only data, the loop waits this long for the
 * rest, so that they reach the terminal as one update; a key or a signal
 * ends the wait at once. */
#define SETTLE_MS 15

int
app_run(struct app *a)
{
	WINDOW *in = newpad(1, 1);
	int rows, cols, empty_reads = 0;
	int64_t settle_until = 0;

	/* Keys are read through a pad: wget_wch() on a pad never refreshes,
	 * so the only screen output is the one doupdate() per wakeup. */
	keypad(in, TRUE);
	nodelay(in, TRUE);
	a->win = stdscr;
	getmaxyx(stdscr, rows, cols);
	app_resize(a, rows, cols);
	a->quit = false;
	a->exit_status = 0;
	app_collect(a);
	screen_draw(a);
	wnoutrefresh(stdscr);
	doupdate();

	while (!a->quit && !a->start_demo) {
		struct pollfd fds[3] = {
			{ .fd = STDIN_FILENO, .events = POLLIN },
			{ .fd = state_wakeup_fd(a->st), .events = POLLIN },
			{ .fd = term_signal_fd(), .events = POLLIN },
		};

		int64_t now = clock_mono_ms();
		int timeout = settle_until > now ? (int)(settle_until - now)
						 : loop_timeout(a);

		if (poll(fds, 3, timeout) < 0 && errno != EINTR) {
			a->exit_status = 1;
			break;
		}
		if ((fds[1].revents & POLLIN) && !(fds[0].revents & POLLIN) &&
		    !(fds[2].revents & POLLIN)) {
			state_drain(a->st);
			now = clock_mono_ms();
			if (settle_until == 0) {
				settle_until = now + SETTLE_MS;
			}
			if (settle_until > now) {
				continue;
			}
		}
		settle_until = 0;
		if (fds[2].revents & POLLIN) {
			handle_signals(a);
		}
		if (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL) &&
		    !(fds[0].revents & POLLIN)) {
			a->quit = true;
			a->exit_status = 1;
		} else if (fds[0].revents & POLLIN) {
			/* A readable stdin that yields nothing, again and
			 * again, is a closed one. */
			if (read_keys(a, in) == 0) {
				if (++empty_reads >= STDIN_EOF_READS) {
					a->quit = true;
					a->exit_status = 1;
				}
			} else {
				empty_reads = 0;
			}
		}
		if (a->quit) {
			break;
		}
		app_collect(a);
		if (screen_draw(a)) {
			wnoutrefresh(stdscr);
			doupdate();
		}
	}
	delwin(in);
	return a->exit_status;
}
