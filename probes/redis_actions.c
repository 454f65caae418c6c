/* The Redis actions: delete keys by pattern (SCAN + UNLINK, never KEYS),
 * FLUSHDB, CLIENT KILL and SLOWLOG RESET. describe() and confirm_word()
 * run on any thread and touch neither the network nor the disk; preview()
 * and run() run on the action worker, each on a connection of its own
 * made from the request's section. */
#include "probes/redis.h"

#include "build-config.h"

#if HAVE_HIREDIS

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/action.h"
#include "core/clock.h"
#include "core/kind.h"
#include "core/sanitize.h"
#include "core/xalloc.h"
#include "probes/redis_conn.h"

/* How long the confirmation's counting scan may take. */
#define COUNT_BUDGET_MS 5000
#define ACTION_CONN_NAME "warroom-action"

/* ---- the pattern delete ------------------------------------------------ */

static bool
scan_reply_ok(const redisReply *r)
{
	return r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
	       r->element[0]->type == REDIS_REPLY_STRING &&
	       r->element[1]->type == REDIS_REPLY_ARRAY;
}

/* Reads one SCAN reply; on success *r holds it. */
static int
read_scan(struct redis_conn *c, redisReply **r, struct err *err)
{
	if (redis_conn_read(c, redis_conn_deadline(c), r, err) < 0) {
		return -1;
	}
	if ((*r)->type == REDIS_REPLY_ERROR) {
		redis_conn_reply_error(c, *r, "SCAN", err);
		hiredis.freeReplyObject(*r);
		*r = NULL;
		return -1;
	}
	if (!scan_reply_ok(*r)) {
		hiredis.freeReplyObject(*r);
		*r = NULL;
		return err_set(err, "SCAN: unexpected reply from %s",
			       c->addr);
	}
	return 0;
}

static void
append_scan(struct redis_conn *c, const char *cursor, const char *pattern,
	    size_t batch)
{
	/* hiredis's format knows no %zu. */
	redis_conn_append(c, "SCAN %s MATCH %s COUNT %llu", cursor, pattern,
			  (unsigned long long)batch);
}

/* Queues "UNLINK key..." (or DEL) for the keys of a SCAN reply. */
static void
append_unlink(struct redis_conn *c, const redisReply *keys, bool use_del)
{
	size_t n = keys->elements + 1, i;
	const char **argv = xcalloc(n, sizeof(*argv));
	size_t *lens = xcalloc(n, sizeof(*lens));

	argv[0] = use_del ? "DEL" : "UNLINK";
	lens[0] = strlen(argv[0]);
	for (i = 0; i < keys->elements; i++) {
		argv[i + 1] = keys->element[i]->str != NULL
				      ? keys->element[i]->str : "";
		lens[i + 1] = keys->element[i]->len;
	}
	redis_conn_append_argv(c, (int)n, argv, lens);
	free(argv);
	free(lens);
}

static bool
unknown_command(const redisReply *r)
{
	return r->type == REDIS_REPLY_ERROR && r->str != NULL &&
	       strstr(r->str, "unknown command") != NULL;
}

/* Reads the reply to UNLINK; an old server without it gets the same keys
 * again with DEL. */
static int
read_unlink(struct redis_conn *c, const redisReply *keys, bool *use_del,
	    size_t *deleted, struct err *err)
{
	redisReply *r;

	if (redis_conn_read(c, redis_conn_deadline(c), &r, err) < 0) {
		return -1;
	}
	if (!*use_del && unknown_command(r)) {
		hiredis.freeReplyObject(r);
		*use_del = true;
		append_unlink(c, keys, true);
		return read_unlink(c, keys, use_del, deleted, err);
	}
	if (r->type != REDIS_REPLY_INTEGER) {
		if (r->type == REDIS_REPLY_ERROR) {
			redis_conn_reply_error(c, r, *use_del ? "DEL" :
					       "UNLINK", err);
		} else {
			err_set(err, "UNLINK: unexpected reply from %s",
				c->addr);
		}
		hiredis.freeReplyObject(r);
		return -1;
	}
	*deleted += (size_t)(r->integer > 0 ? r->integer : 0);
	hiredis.freeReplyObject(r);
	return 0;
}

int
redis_delete_pattern(struct redis_conn *c, const char *pattern,
		     size_t batch, const struct redis_delete_hooks *hooks,
		     size_t *deleted, struct err *err)
{
	redisReply *scan = NULL, *next = NULL;
	bool use_del = false, more, has_keys;
	char cursor[32];
	int rc = -1;

	*deleted = 0;
	if (batch == 0) {
		batch = REDIS_DELETE_BATCH;
	}
	append_scan(c, "0", pattern, batch);
	if (read_scan(c, &scan, err) < 0) {
		return -1;
	}
	for (;;) {
		snprintf(cursor, sizeof(cursor), "%s",
			 scan->element[0]->str);
		more = strcmp(cursor, "0") != 0;
		has_keys = scan->element[1]->elements > 0;
		/* The next SCAN travels with this batch's UNLINK: the
		 * cursor stays valid while keys are deleted. */
		if (has_keys) {
			append_unlink(c, scan->element[1], use_del);
		}
		if (more) {
			append_scan(c, cursor, pattern, batch);
		}
		if (has_keys && read_unlink(c, scan->element[1], &use_del,
					    deleted, err) < 0) {
			break;
		}
		if (more && read_scan(c, &next, err) < 0) {
			break;
		}
		hiredis.freeReplyObject(scan);
		scan = next;
		next = NULL;
		if (hooks != NULL && hooks->progress != NULL && has_keys) {
			hooks->progress(hooks->arg, *deleted);
		}
		if (!more) {
			rc = 0;
			break;
		}
		if (hooks != NULL && hooks->cancelled != NULL &&
		    hooks->cancelled(hooks->arg)) {
			rc = 1;
			break;
		}
	}
	if (scan != NULL) {
		hiredis.freeReplyObject(scan);
	}
	return rc;
}

int
redis_count_pattern(struct redis_conn *c, const char *pattern,
		    int budget_ms, struct redis_match_count *out,
		    struct err *err)
{
	int64_t end = clock_mono_ms() + budget_ms;
	char cursor[32] = "0";
	redisReply *r;
	size_t i;

	memset(out, 0, sizeof(*out));
	for (;;) {
		append_scan(c, cursor, pattern, REDIS_DELETE_BATCH);
		if (read_scan(c, &r, err) < 0) {
			return -1;
		}
		out->count += r->element[1]->elements;
		for (i = 0; i < r->element[1]->elements &&
			    out->n_examples < REDIS_EXAMPLES_MAX; i++) {
			const redisReply *k = r->element[1]->element[i];

			redis_clip(out->examples[out->n_examples++],
				   sizeof(out->examples[0]), k->str, k->len,
				   REDIS_KEY_SHOWN);
		}
		snprintf(cursor, sizeof(cursor), "%s", r->element[0]->str);
		hiredis.freeReplyObject(r);
		if (strcmp(cursor, "0") == 0) {
			out->complete = true;
			return 0;
		}
		if (clock_mono_ms() >= end) {
			return 0;
		}
	}
}

/* ---- helpers for the actions ------------------------------------------- */

/* The section's URL without its secrets: address and database, for text
 * that any thread may build. */
static void
section_where(const struct action_req *req, char *addr, size_t n, int *db)
{
	struct redis_url u;
	struct err e;

	*db = 0;
	if (redis_url_parse(config_get(req->section, "url"), &u, &e) < 0) {
		/* e.msg never repeats the URL. */
		strlcpy_safe(addr, e.msg, n);
		return;
	}
	redis_url_addr(&u, addr, n);
	*db = u.db;
	memset(&u, 0, sizeof(u));
}

static struct redis_conn *
action_conn(const struct action_req *req, struct err *err)
{
	struct redis_settings set;
	struct redis_conn *c;

	if (req->section == NULL) {
		err_set(err, "no configuration for %s", req->source);
		return NULL;
	}
	if (redis_settings_from_section(req->section, &set, err) < 0) {
		return NULL;
	}
	c = redis_conn_open(&set, ACTION_CONN_NAME,
			    clock_mono_ms() + set.timeout_ms, err);
	redis_settings_wipe(&set);
	return c;
}

/* A pattern the operator typed: one line of printable text. */
static int
check_pattern(const char *p, struct err *err)
{
	if (p[0] == '\0') {
		return err_set(err, "no pattern given (e.g. cache:user:*)");
	}
	for (; *p != '\0'; p++) {
		if (iscntrl((unsigned char)*p)) {
			return err_set(err, "the pattern holds a control "
				       "character");
		}
	}
	return 0;
}

/* A one-line, sanitized form of the pattern for results and text. */
static void
shown_pattern(const char *p, char *buf, size_t n)
{
	sanitize_into(buf, n, p, strlen(p));
}

static long long
integer_of(const redisReply *r)
{
	return r != NULL && r->type == REDIS_REPLY_INTEGER ? r->integer : -1;
}

/* ---- K: delete keys by pattern ------------------------------------------ */

static void
describe_delete(const struct action_req *req, char *buf, size_t n)
{
	char addr[REDIS_HOST_MAX + 64], pat[sizeof(req->arg) * 4];
	int db;

	section_where(req, addr, sizeof(addr), &db);
	shown_pattern(req->arg[0] != '\0' ? req->arg : "PATTERN", pat,
		      sizeof(pat));
	snprintf(buf, n,
		 "SCAN 0 MATCH %s COUNT %d, then UNLINK in batches of %d "
		 "keys\n"
		 "on %s, database %d\n"
		 "Every key whose name matches the pattern is deleted; "
		 "SCAN never blocks the server as KEYS would.",
		 pat, REDIS_DELETE_BATCH, REDIS_DELETE_BATCH, addr, db);
}

static int
preview_delete(const struct action_req *req, char *buf, size_t n,
	       struct err *err)
{
	struct redis_match_count mc;
	struct redis_conn *c;
	char pat[sizeof(req->arg) * 4], key[REDIS_KEY_SHOWN * 4 + 16];
	size_t i;
	int rc;

	if (check_pattern(req->arg, err) < 0 ||
	    (c = action_conn(req, err)) == NULL) {
		return -1;
	}
	rc = redis_count_pattern(c, req->arg, COUNT_BUDGET_MS, &mc, err);
	redis_conn_free(c);
	if (rc < 0) {
		return -1;
	}
	shown_pattern(req->arg, pat, sizeof(pat));
	buf[0] = '\0';
	if (mc.count == 0 && mc.complete) {
		strappendf(buf, n, "No key matches %s.", pat);
		return 0;
	}
	strappendf(buf, n, "%s%zu key%s match %s%s", mc.complete ? "" :
		   "At least ", mc.count, mc.count == 1 ? "" : "s", pat,
		   mc.complete ? "." : " (the count stopped after 5 s).");
	strappendf(buf, n, "\nFor example:");
	for (i = 0; i < mc.n_examples; i++) {
		/* Escaped here: a newline in a key must not start a line. */
		sanitize_into(key, sizeof(key), mc.examples[i],
			      strlen(mc.examples[i]));
		strappendf(buf, n, "\n  %s", key);
	}
	return 0;
}

void
redis_delete_progress(char *buf, size_t n, size_t deleted,
		      const struct redis_match_count *counted,
		      const char *pattern)
{
	size_t total = counted != NULL ? counted->count : 0;

	if (total == 0 || (counted->complete && deleted > total)) {
		/* Nothing counted, or more keys than counted (written
		 * meanwhile): no total to measure against. */
		snprintf(buf, n, "deleted %zu keys matching %s%s", deleted,
			 pattern, total > 0 ? " (more than counted)" : "");
	} else if (!counted->complete) {
		snprintf(buf, n, "deleted %zu of at least %zu keys matching %s",
			 deleted, total, pattern);
	} else {
		/* 100 % only once every counted key is gone. */
		unsigned pct = deleted >= total ? 100 :
			       (unsigned)((double)deleted * 100.0 /
					  (double)total);

		snprintf(buf, n, "deleted %zu of %zu keys matching %s (%u%%)",
			 deleted, total, pattern, pct > 99 && deleted < total ?
			 99 : pct);
	}
}

/* What the delete's progress reports are measured against. */
struct delete_run {
	const char *pattern;    /* shown */
	struct redis_match_count counted;
};

static void
progress_hook(void *arg, size_t deleted)
{
	const struct delete_run *dr = arg;
	char text[ERR_MSG_MAX];

	redis_delete_progress(text, sizeof(text), deleted, &dr->counted,
			      dr->pattern);
	action_progress("%s", text);
}

static bool
cancelled_hook(void *arg)
{
	return action_cancelled();
}

static int
run_delete(const struct action_req *req, char *result, size_t n,
	   struct err *err)
{
	char pat[sizeof(req->arg) * 4];
	struct delete_run dr = { .pattern = pat };
	struct redis_delete_hooks hooks = {
		.progress = progress_hook,
		.cancelled = cancelled_hook,
		.arg = &dr,
	};
	struct redis_conn *c;
	size_t deleted = 0;
	int rc;

	if (check_pattern(req->arg, err) < 0 ||
	    (c = action_conn(req, err)) == NULL) {
		return -1;
	}
	shown_pattern(req->arg, pat, sizeof(pat));
	/* A first pass counts the keys, so that progress can say how far
	 * along the delete is: as long as the confirmation's count may
	 * take, after which the total is a lower bound. */
	action_progress("counting keys matching %s", pat);
	if (redis_count_pattern(c, req->arg, COUNT_BUDGET_MS, &dr.counted,
				err) < 0) {
		redis_conn_free(c);
		return -1;
	}
	if (action_cancelled()) {
		redis_conn_free(c);
		return err_set(err, "cancelled before deleting any key "
			       "matching %s", pat);
	}
	rc = redis_delete_pattern(c, req->arg, REDIS_DELETE_BATCH, &hooks,
				  &deleted, err);
	redis_conn_free(c);
	if (rc < 0) {
		char why[ERR_MSG_MAX];

		strlcpy_safe(why, err->msg, sizeof(why));
		return err_set(err, "%s after deleting %zu of %s%zu keys "
			       "matching %s", why, deleted,
			       dr.counted.complete ? "~" : "at least ",
			       dr.counted.count, pat);
	}
	if (rc == 1) {
		snprintf(result, n, "cancelled after deleting %zu of %s%zu "
			 "keys matching %s", deleted,
			 dr.counted.complete ? "~" : "at least ",
			 dr.counted.count, pat);
		return ACTION_RUN_CANCELLED;
	}
	snprintf(result, n, "deleted %zu keys matching %s", deleted, pat);
	return 0;
}

/* ---- F: FLUSHDB ---------------------------------------------------------- */

static void
describe_flush(const struct action_req *req, char *buf, size_t n)
{
	char addr[REDIS_HOST_MAX + 64];
	int db;

	section_where(req, addr, sizeof(addr), &db);
	snprintf(buf, n,
		 "FLUSHDB ASYNC\n"
		 "on %s, database %d: every key in it is deleted\n"
		 "Type the database number (%d) to confirm.",
		 addr, db, db);
}

static int
dbsize(struct redis_conn *c, long long *keys, struct err *err)
{
	redisReply *r = redis_conn_command(c, err, "DBSIZE");

	if (r == NULL) {
		return -1;
	}
	*keys = integer_of(r);
	hiredis.freeReplyObject(r);
	return 0;
}

static int
preview_flush(const struct action_req *req, char *buf, size_t n,
	      struct err *err)
{
	struct redis_conn *c = action_conn(req, err);
	char addr[REDIS_HOST_MAX + 64];
	long long keys;
	int rc, db;

	if (c == NULL) {
		return -1;
	}
	section_where(req, addr, sizeof(addr), &db);
	rc = dbsize(c, &keys, err);
	if (rc == 0) {
		snprintf(buf, n, "Database %d holds %lld key%s now.", db,
			 keys, keys == 1 ? "" : "s");
	}
	redis_conn_free(c);
	return rc;
}

static int
run_flush(const struct action_req *req, char *result, size_t n,
	  struct err *err)
{
	struct redis_conn *c = action_conn(req, err);
	char addr[REDIS_HOST_MAX + 64];
	redisReply *r;
	long long keys = -1;
	int db;

	if (c == NULL) {
		return -1;
	}
	section_where(req, addr, sizeof(addr), &db);
	if (dbsize(c, &keys, err) < 0) {
		redis_conn_free(c);
		return -1;
	}
	r = redis_conn_command(c, err, "FLUSHDB ASYNC");
	if (r == NULL && !c->dead && strstr(err->msg, "syntax") != NULL) {
		/* Before Redis 4 there is only the blocking form. */
		r = redis_conn_command(c, err, "FLUSHDB");
	}
	redis_conn_free(c);
	if (r == NULL) {
		return -1;
	}
	hiredis.freeReplyObject(r);
	snprintf(result, n, "FLUSHDB: database %d emptied (%lld keys)", db,
		 keys);
	return 0;
}

/* ---- X: CLIENT KILL ------------------------------------------------------ */

/* The request's client: its id and address. */
static int
parse_client(const struct action_req *req, long long *id, char *addr,
	     size_t n, struct err *err)
{
	const struct action_target *t = &req->target;

	if (t->type != TARGET_REDIS_CLIENT || t->u.client.id <= 0) {
		return err_set(err, "no client selected");
	}
	if (t->u.client.addr[0] == '\0' ||
	    strlen(t->u.client.addr) >= n) {
		return err_set(err, "bad client address in the target");
	}
	*id = (long long)t->u.client.id;
	strlcpy_safe(addr, t->u.client.addr, n);
	return 0;
}

static void
describe_kill(const struct action_req *req, char *buf, size_t n)
{
	char addr[REDIS_HOST_MAX + 64], caddr[128], shown[512];
	long long id;
	struct err e;
	int db;

	section_where(req, addr, sizeof(addr), &db);
	if (parse_client(req, &id, caddr, sizeof(caddr), &e) < 0) {
		snprintf(buf, n, "CLIENT KILL\n%s", e.msg);
		return;
	}
	sanitize_into(shown, sizeof(shown), caddr, strlen(caddr));
	snprintf(buf, n,
		 "CLIENT KILL ID %lld ADDR %s\n"
		 "on %s: closes that client's connection (most clients "
		 "reconnect at once)",
		 id, shown, addr);
}

static int
preview_kill(const struct action_req *req, char *buf, size_t n,
	     struct err *err)
{
	char caddr[128];
	long long id;
	struct redis_conn *c;
	redisReply *r;

	if (parse_client(req, &id, caddr, sizeof(caddr), err) < 0 ||
	    (c = action_conn(req, err)) == NULL) {
		return -1;
	}
	/* CLIENT LIST ID exists from Redis 6.2; older servers just get no
	 * preview. */
	r = redis_conn_command(c, err, "CLIENT LIST ID %lld", id);
	buf[0] = '\0';
	if (r == NULL && c->dead) {
		redis_conn_free(c);
		return -1;
	}
	redis_conn_free(c);
	err_clear(err);
	if (r == NULL) {
		return 0;
	}
	if (r->type == REDIS_REPLY_STRING && r->len == 0) {
		hiredis.freeReplyObject(r);
		return err_set(err, "client %lld is no longer connected", id);
	}
	if (r->type == REDIS_REPLY_STRING) {
		char line[1024];

		sanitize_into(line, sizeof(line), r->str,
			      strcspn(r->str, "\r\n"));
		snprintf(buf, n, "Now: %s", line);
	}
	hiredis.freeReplyObject(r);
	return 0;
}

static int
run_kill(const struct action_req *req, char *result, size_t n,
	 struct err *err)
{
	char caddr[128], shown[512];
	long long id, killed;
	struct redis_conn *c;
	redisReply *r;

	if (parse_client(req, &id, caddr, sizeof(caddr), err) < 0 ||
	    (c = action_conn(req, err)) == NULL) {
		return -1;
	}
	sanitize_into(shown, sizeof(shown), caddr, strlen(caddr));
	if (id == c->id) {
		redis_conn_free(c);
		return err_set(err, "refusing to kill this action's own "
			       "connection (id %lld)", id);
	}
	r = redis_conn_command(c, err, "CLIENT KILL ID %lld ADDR %s", id,
			       caddr);
	redis_conn_free(c);
	if (r == NULL) {
		return -1;
	}
	killed = integer_of(r);
	hiredis.freeReplyObject(r);
	if (killed < 1) {
		return err_set(err, "no client with id %lld at %s (it has "
			       "disconnected)", id, shown);
	}
	snprintf(result, n, "killed client id=%lld addr=%s", id, shown);
	return 0;
}

/* ---- L: SLOWLOG RESET ---------------------------------------------------- */

static void
describe_slowlog_reset(const struct action_req *req, char *buf, size_t n)
{
	char addr[REDIS_HOST_MAX + 64];
	int db;

	section_where(req, addr, sizeof(addr), &db);
	snprintf(buf, n,
		 "SLOWLOG RESET\n"
		 "on %s: the slow log is emptied; its entries cannot be "
		 "read again",
		 addr);
}

static int
slowlog_len(struct redis_conn *c, long long *len, struct err *err)
{
	redisReply *r = redis_conn_command(c, err, "SLOWLOG LEN");

	if (r == NULL) {
		return -1;
	}
	*len = integer_of(r);
	hiredis.freeReplyObject(r);
	return 0;
}

static int
preview_slowlog_reset(const struct action_req *req, char *buf, size_t n,
		      struct err *err)
{
	struct redis_conn *c = action_conn(req, err);
	long long len;
	int rc;

	if (c == NULL) {
		return -1;
	}
	rc = slowlog_len(c, &len, err);
	redis_conn_free(c);
	if (rc == 0) {
		snprintf(buf, n, "The slow log holds %lld entr%s now.", len,
			 len == 1 ? "y" : "ies");
	}
	return rc;
}

static int
run_slowlog_reset(const struct action_req *req, char *result, size_t n,
		  struct err *err)
{
	struct redis_conn *c = action_conn(req, err);
	redisReply *r;
	long long len = -1;

	if (c == NULL) {
		return -1;
	}
	if (slowlog_len(c, &len, err) < 0) {
		redis_conn_free(c);
		return -1;
	}
	r = redis_conn_command(c, err, "SLOWLOG RESET");
	redis_conn_free(c);
	if (r == NULL) {
		return -1;
	}
	hiredis.freeReplyObject(r);
	snprintf(result, n, "SLOWLOG RESET: cleared %lld entr%s", len,
		 len == 1 ? "y" : "ies");
	return 0;
}

const struct action_impl redis_actions[] = {
	{
		.spec = &action_redis_delete_keys,
		.describe = describe_delete,
		.run = run_delete,
		.preview = preview_delete,
	},
	{
		.spec = &action_redis_flushdb,
		.describe = describe_flush,
		.run = run_flush,
		.preview = preview_flush,
	},
	{
		.spec = &action_redis_client_kill,
		.describe = describe_kill,
		.run = run_kill,
		.preview = preview_kill,
	},
	{
		.spec = &action_redis_slowlog_reset,
		.describe = describe_slowlog_reset,
		.run = run_slowlog_reset,
		.preview = preview_slowlog_reset,
	},
	{ .spec = NULL },
};

#endif
