/* Turning Redis replies into the model: INFO, CONFIG GET, SLOWLOG GET and
 * CLIENT LIST. Pure functions on replies (any thread); only built with
 * hiredis. */
#ifndef WARROOM_REDIS_REPLY_H
#define WARROOM_REDIS_REPLY_H

#include <hiredis/hiredis.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "core/snapshot.h"
#include "probes/redis.h"

#define REDIS_REPLICAS_MAX 64

/* What one INFO reply says. Numbers are NAN when absent. */
struct redis_info {
	char version[32];
	char role[16];
	char policy[32];
	char run_id[48];
	double used, rss, peak, frag, maxmem;
	double evicted, expired, rejected, hits, misses, cmds;
	double clients, blocked, repl_offset;
	double db_keys;
	bool seen_keyspace;
	struct {
		char addr[REDIS_HOST_MAX + 16];
		char state[24];
		double offset;
	} replicas[REDIS_REPLICAS_MAX];
	size_t n_replicas;
};

/* Parses an INFO reply; keys counts the keys of database db. */
void redis_info_parse(struct redis_info *in, const char *text, size_t len,
		      int db);
/* Takes maxmemory and maxmemory-policy from a CONFIG GET reply. */
void redis_info_config(struct redis_info *in, const redisReply *r);

/* The parts of m that INFO gives (strings into s). */
void redis_fill_info(struct snapshot *s, struct redis_model *m,
		     const struct redis_info *in);
/* m->slowlog from SLOWLOG GET: commands and clients clipped, raw bytes.
 * Returns 0, or -1 with err when the reply is not an array (then nothing
 * is filled: an empty slow log must not be claimed). */
int redis_fill_slowlog(struct snapshot *s, struct redis_model *m,
		       const redisReply *r, struct err *err);
/* m->client_list from CLIENT LIST, at most REDIS_CLIENTS_MAX entries.
 * Returns 0, or -1 with err when the reply is not a string. */
int redis_fill_clients(struct snapshot *s, struct redis_model *m,
		       const redisReply *r, struct err *err);
/* "a string", "an array", ...: the type of r in a message. */
const char *redis_reply_type_name(const redisReply *r);

bool redis_reply_is_str(const redisReply *r);

#endif
