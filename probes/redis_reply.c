/* Turning Redis replies into the model (see redis_reply.h), and
 * redis_clip() for any text a model keeps. Any thread. */
#include "probes/redis.h"

#include "build-config.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *
redis_clip(char *dst, size_t n, const char *text, size_t len, size_t max)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, o = 0;
	bool cut = false;

	if (n < 5) {
		if (n > 0) {
			dst[0] = '\0';
		}
		return dst;
	}
	if (max > n - 4) {
		max = n - 4;    /* room for "..." and the NUL */
	}
	while (i < len) {
		size_t k = 1, j;

		if (s[i] == 0) {
			if (o + 4 > max) {
				cut = true;
				break;
			}
			memcpy(dst + o, "\\x00", 4);
			o += 4;
			i++;
			continue;
		}
		/* A whole UTF-8 sequence stays together; anything else is
		 * one byte (the sanitizer shows it as an escape). */
		if (s[i] >= 0xc2 && s[i] <= 0xf4) {
			k = s[i] < 0xe0 ? 2 : s[i] < 0xf0 ? 3 : 4;
			for (j = 1; j < k; j++) {
				if (i + j >= len || (s[i + j] & 0xc0) != 0x80) {
					k = 1;
					break;
				}
			}
		}
		if (o + k > max) {
			cut = true;
			break;
		}
		memcpy(dst + o, s + i, k);
		o += k;
		i += k;
	}
	if (cut) {
		memcpy(dst + o, "...", 3);
		o += 3;
	}
	dst[o] = '\0';
	return dst;
}

#if HAVE_HIREDIS

#include "probes/redis_reply.h"

struct info_num {
	const char *key;
	size_t off;
};

#define NUM(k, f) { k, offsetof(struct redis_info, f) }

static const struct info_num info_nums[] = {
	NUM("used_memory", used),
	NUM("used_memory_rss", rss),
	NUM("used_memory_peak", peak),
	NUM("mem_fragmentation_ratio", frag),
	NUM("maxmemory", maxmem),
	NUM("evicted_keys", evicted),
	NUM("expired_keys", expired),
	NUM("rejected_connections", rejected),
	NUM("keyspace_hits", hits),
	NUM("keyspace_misses", misses),
	NUM("total_commands_processed", cmds),
	NUM("connected_clients", clients),
	NUM("blocked_clients", blocked),
	NUM("master_repl_offset", repl_offset),
};

static double
parse_double(const char *s, size_t len)
{
	char buf[64];
	char *end;
	double v;

	if (len == 0 || len >= sizeof(buf)) {
		return NAN;
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	v = strtod(buf, &end);
	return end == buf ? NAN : v;
}

static void
copy_field(char *dst, size_t n, const char *s, size_t len)
{
	if (len >= n) {
		len = n - 1;
	}
	memcpy(dst, s, len);
	dst[len] = '\0';
}

/* The value of key=VALUE in a "k=v,k=v" (sep ',') or "k=v k=v" (sep ' ')
 * list; NULL when absent. */
static const char *
kv_field(const char *s, size_t len, const char *key, char sep,
	 size_t *vlen)
{
	size_t klen = strlen(key), i = 0;

	while (i < len) {
		size_t end = i;

		while (end < len && s[end] != sep) {
			end++;
		}
		if (end - i > klen && strncmp(s + i, key, klen) == 0 &&
		    s[i + klen] == '=') {
			*vlen = end - i - klen - 1;
			return s + i + klen + 1;
		}
		i = end + 1;
	}
	return NULL;
}

/* slaveN:ip=10.0.0.2,port=6379,state=online,offset=1234,lag=0 */
static void
info_replica(struct redis_info *in, const char *v, size_t len)
{
	const char *ip, *port, *state, *off;
	size_t lip, lport, lstate, loff;

	if (in->n_replicas == REDIS_REPLICAS_MAX) {
		return;
	}
	ip = kv_field(v, len, "ip", ',', &lip);
	port = kv_field(v, len, "port", ',', &lport);
	state = kv_field(v, len, "state", ',', &lstate);
	off = kv_field(v, len, "offset", ',', &loff);
	if (ip == NULL || port == NULL) {
		return;
	}
	snprintf(in->replicas[in->n_replicas].addr,
		 sizeof(in->replicas[0].addr),
		 memchr(ip, ':', lip) ? "[%.*s]:%.*s" : "%.*s:%.*s",
		 (int)lip, ip, (int)lport, port);
	copy_field(in->replicas[in->n_replicas].state,
		   sizeof(in->replicas[0].state), state ? state : "",
		   state ? lstate : 0);
	in->replicas[in->n_replicas].offset =
		off != NULL ? parse_double(off, loff) : NAN;
	in->n_replicas++;
}

static void
info_line(struct redis_info *in, const char *k, size_t klen, const char *v,
	  size_t vlen, int db)
{
	char dbname[24];
	size_t i;

	for (i = 0; i < sizeof(info_nums) / sizeof(info_nums[0]); i++) {
		if (strlen(info_nums[i].key) == klen &&
		    memcmp(info_nums[i].key, k, klen) == 0) {
			*(double *)((char *)in + info_nums[i].off) =
				parse_double(v, vlen);
			return;
		}
	}
#define IS(name) (klen == sizeof(name) - 1 && memcmp(k, name, klen) == 0)
	if (IS("redis_version")) {
		copy_field(in->version, sizeof(in->version), v, vlen);
	} else if (IS("role")) {
		copy_field(in->role, sizeof(in->role), v, vlen);
	} else if (IS("maxmemory_policy")) {
		copy_field(in->policy, sizeof(in->policy), v, vlen);
	} else if (IS("run_id")) {
		copy_field(in->run_id, sizeof(in->run_id), v, vlen);
	} else if (klen > 5 && memcmp(k, "slave", 5) == 0 &&
		   k[5] >= '0' && k[5] <= '9') {
		info_replica(in, v, vlen);
	} else {
		const char *keys;
		size_t lkeys;

		snprintf(dbname, sizeof(dbname), "db%d", db);
		if (klen == strlen(dbname) && memcmp(k, dbname, klen) == 0 &&
		    (keys = kv_field(v, vlen, "keys", ',', &lkeys)) != NULL) {
			in->db_keys = parse_double(keys, lkeys);
		}
	}
#undef IS
}

void
redis_info_parse(struct redis_info *in, const char *text, size_t len, int db)
{
	size_t i = 0, j;

	memset(in, 0, sizeof(*in));
	for (j = 0; j < sizeof(info_nums) / sizeof(info_nums[0]); j++) {
		*(double *)((char *)in + info_nums[j].off) = NAN;
	}
	in->db_keys = NAN;
	while (i < len) {
		const char *line = text + i, *colon;
		size_t n = 0;

		while (i + n < len && text[i + n] != '\n') {
			n++;
		}
		i += n + 1;
		if (n > 0 && line[n - 1] == '\r') {
			n--;
		}
		if (n == 0) {
			continue;
		}
		if (line[0] == '#') {
			if (n >= 10 && memcmp(line, "# Keyspace", 10) == 0) {
				in->seen_keyspace = true;
			}
			continue;
		}
		colon = memchr(line, ':', n);
		if (colon != NULL) {
			info_line(in, line, (size_t)(colon - line), colon + 1,
				  n - (size_t)(colon - line) - 1, db);
		}
	}
	if (in->seen_keyspace && isnan(in->db_keys)) {
		in->db_keys = 0;        /* INFO leaves out empty databases */
	}
}

/* ---- slow log and clients ------------------------------------------------ */

bool
redis_reply_is_str(const redisReply *r)
{
	return r != NULL && (r->type == REDIS_REPLY_STRING ||
			     r->type == REDIS_REPLY_STATUS);
}

/* Appends bytes to a command being built; false once it is full. */
struct cmdbuf {
	char b[REDIS_COMMAND_MAX * 2];
	size_t n;
};

static bool
cmd_add(struct cmdbuf *c, const char *s, size_t len)
{
	size_t room = sizeof(c->b) - c->n;

	if (len > room) {
		memcpy(c->b + c->n, s, room);
		c->n += room;
		return false;
	}
	memcpy(c->b + c->n, s, len);
	c->n += len;
	return true;
}

/* SLOWLOG GET's arguments, joined by spaces; an empty argument or one
 * with a space in it is quoted. The raw bytes are kept (the pane
 * sanitizes); the text is clipped to REDIS_COMMAND_MAX. */
static const char *
slow_command(struct snapshot *s, const redisReply *args)
{
	struct cmdbuf c = { .n = 0 };
	char out[REDIS_COMMAND_MAX + 8];
	size_t i;

	for (i = 0; args != NULL && i < args->elements; i++) {
		const redisReply *a = args->element[i];
		bool quote;

		if (!redis_reply_is_str(a)) {
			continue;
		}
		quote = a->len == 0 || memchr(a->str, ' ', a->len) != NULL;
		if ((i > 0 && !cmd_add(&c, " ", 1)) ||
		    (quote && !cmd_add(&c, "\"", 1)) ||
		    !cmd_add(&c, a->str, a->len) ||
		    (quote && !cmd_add(&c, "\"", 1))) {
			break;
		}
	}
	redis_clip(out, sizeof(out), c.b, c.n, REDIS_COMMAND_MAX);
	return snapshot_strdup(s, out);
}

const char *
redis_reply_type_name(const redisReply *r)
{
	switch (r != NULL ? r->type : 0) {
	case REDIS_REPLY_STRING:
		return "a string";
	case REDIS_REPLY_ARRAY:
		return "an array";
	case REDIS_REPLY_INTEGER:
		return "an integer";
	case REDIS_REPLY_NIL:
		return "nil";
	case REDIS_REPLY_STATUS:
		return "a status";
	case REDIS_REPLY_ERROR:
		return "an error";
	default:
		return "an unknown type";
	}
}

static int
wrong_type(const char *cmd, const redisReply *r, const char *want,
	   struct err *err)
{
	return err_set(err, "%s: unexpected reply (%s, not %s)", cmd,
		       redis_reply_type_name(r), want);
}

int
redis_fill_slowlog(struct snapshot *s, struct redis_model *m,
		   const redisReply *r, struct err *err)
{
	size_t i, n = 0;

	if (r->type != REDIS_REPLY_ARRAY) {
		return wrong_type("SLOWLOG GET", r, "an array", err);
	}
	m->slowlog = snapshot_alloc(s, (r->elements ? r->elements : 1) *
					       sizeof(*m->slowlog));
	for (i = 0; i < r->elements && n < REDIS_SLOWLOG_N; i++) {
		const redisReply *e = r->element[i];
		struct redis_slowlog *o = &m->slowlog[n];
		char client[REDIS_HOST_MAX + 80], clip[REDIS_HOST_MAX + 80];
		size_t clen = 0;

		if (e->type != REDIS_REPLY_ARRAY || e->elements < 4 ||
		    e->element[0]->type != REDIS_REPLY_INTEGER ||
		    e->element[1]->type != REDIS_REPLY_INTEGER ||
		    e->element[2]->type != REDIS_REPLY_INTEGER ||
		    e->element[3]->type != REDIS_REPLY_ARRAY) {
			continue;
		}
		o->id = e->element[0]->integer;
		o->at_ms = e->element[1]->integer * 1000;
		o->duration_us = (double)e->element[2]->integer;
		o->command = slow_command(s, e->element[3]);
		client[0] = '\0';
		if (e->elements >= 5 && redis_reply_is_str(e->element[4])) {
			clen = (size_t)snprintf(client, sizeof(client), "%.*s",
						(int)e->element[4]->len,
						e->element[4]->str);
		}
		if (e->elements >= 6 && redis_reply_is_str(e->element[5]) &&
		    e->element[5]->len > 0 && clen < sizeof(client)) {
			clen += (size_t)snprintf(client + clen,
						 sizeof(client) - clen,
						 " (%.*s)",
						 (int)e->element[5]->len,
						 e->element[5]->str);
		}
		if (clen >= sizeof(client)) {
			clen = sizeof(client) - 1;
		}
		o->client = snapshot_strdup(s, redis_clip(clip, sizeof(clip),
							  client, clen,
							  sizeof(clip)));
		n++;
	}
	m->n_slowlog = n;
	return 0;
}

static const char *
field_str(struct snapshot *s, const char *line, size_t len, const char *key)
{
	size_t vlen;
	const char *v = kv_field(line, len, key, ' ', &vlen);
	char clip[REDIS_HOST_MAX + 8];

	if (v == NULL) {
		return snapshot_strdup(s, "");
	}
	return snapshot_strdup(s, redis_clip(clip, sizeof(clip), v, vlen,
					     sizeof(clip)));
}

static double
field_num(const char *line, size_t len, const char *key)
{
	size_t vlen;
	const char *v = kv_field(line, len, key, ' ', &vlen);

	return v != NULL ? parse_double(v, vlen) : NAN;
}

/* CLIENT LIST: one "id=3 addr=... name=... age=... idle=... cmd=..." line
 * per client; the first REDIS_CLIENTS_MAX are kept. */
int
redis_fill_clients(struct snapshot *s, struct redis_model *m,
		   const redisReply *r, struct err *err)
{
	size_t i = 0, lines = 0, n = 0;

	if (!redis_reply_is_str(r)) {
		return wrong_type("CLIENT LIST", r, "a string", err);
	}
	for (i = 0; i < r->len; i++) {
		lines += r->str[i] == '\n';
	}
	lines++;
	if (lines > REDIS_CLIENTS_MAX) {
		lines = REDIS_CLIENTS_MAX;
	}
	m->client_list = snapshot_alloc(s, lines * sizeof(*m->client_list));
	i = 0;
	while (i < r->len && n < lines) {
		const char *line = r->str + i;
		size_t len = 0;
		struct redis_client *c = &m->client_list[n];
		double id;

		while (i + len < r->len && r->str[i + len] != '\n') {
			len++;
		}
		i += len + 1;
		if (len > 0 && line[len - 1] == '\r') {
			len--;
		}
		id = field_num(line, len, "id");
		if (isnan(id)) {
			continue;
		}
		c->id = (int64_t)id;
		c->addr = field_str(s, line, len, "addr");
		c->name = field_str(s, line, len, "name");
		c->cmd = field_str(s, line, len, "cmd");
		c->age_s = field_num(line, len, "age");
		c->idle_s = field_num(line, len, "idle");
		n++;
	}
	m->n_client_list = n;
	return 0;
}

void
redis_info_config(struct redis_info *in, const redisReply *r)
{
	size_t i;

	for (i = 0; r->type == REDIS_REPLY_ARRAY && i + 1 < r->elements;
	     i += 2) {
		const redisReply *k = r->element[i], *v = r->element[i + 1];

		if (!redis_reply_is_str(k) || !redis_reply_is_str(v)) {
			continue;
		}
		if (strcmp(k->str, "maxmemory") == 0) {
			in->maxmem = parse_double(v->str, v->len);
		} else if (strcmp(k->str, "maxmemory-policy") == 0) {
			copy_field(in->policy, sizeof(in->policy), v->str,
				   v->len);
		}
	}
}

void
redis_fill_info(struct snapshot *s, struct redis_model *m,
		const struct redis_info *in)
{
	size_t i;

	m->version = snapshot_strdup(s, in->version);
	m->role = snapshot_strdup(s, in->role);
	m->policy = snapshot_strdup(s, in->policy);
	m->used_bytes = in->used;
	m->max_bytes = in->maxmem;
	m->rss_bytes = in->rss;
	m->peak_bytes = in->peak;
	m->frag_ratio = in->frag;
	m->clients = in->clients;
	m->blocked_clients = in->blocked;
	m->keys = in->db_keys;
	m->replicas = snapshot_alloc(s, (in->n_replicas ? in->n_replicas : 1) *
						sizeof(*m->replicas));
	m->n_replicas = in->n_replicas;
	for (i = 0; i < in->n_replicas; i++) {
		double lag = in->repl_offset - in->replicas[i].offset;

		m->replicas[i].addr = snapshot_strdup(s, in->replicas[i].addr);
		m->replicas[i].state = snapshot_strdup(s,
						       in->replicas[i].state);
		m->replicas[i].offset_lag = isnan(lag) ? NAN :
					    lag < 0 ? 0 : lag;
	}
}

#endif
