/* The Kafka probe's librdkafka handle: one per source, a consumer with no
 * group.id, so it can neither join a group nor commit (and the function
 * table has no subscribe or commit to call); the section's pass-through
 * properties; librdkafka's logs and errors taken from its main queue
 * (nothing is printed: they become the poll's notice or error); and the
 * bounded waits the poll's requests share (probes/kafka_poll.c). Probe
 * thread. */
#include "build-config.h"

#include "probes/kafka_client.h"

#if HAVE_RDKAFKA

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

/* One wait on a result queue: how soon a stop is noticed. */
#define WAIT_SLICE_MS 100
/* Events drained at once: a flood of logs cannot hold the poll. */
#define DRAIN_MAX 256

int
kafka_client_left(int64_t deadline_ms)
{
	int64_t r = deadline_ms - kafka_now_ms();

	return r <= 0 ? 0 : r > 3600000 ? 3600000 : (int)r;
}

/* ---- settings warroom keeps to itself -------------------------------- */

/* Properties warroom sets itself: passing them on would let the probe
 * join or commit, or print. */
static const char *const owned[] = {
	"bootstrap.servers", "metadata.broker.list", "group.id",
	"group.instance.id", "enable.auto.commit", "enable.auto.offset.store",
	"isolation.level", "log.queue", "enabled_events", NULL,
};

static bool
is_owned(const char *prop)
{
	for (const char *const *o = owned; *o != NULL; o++) {
		if (strcmp(*o, prop) == 0) {
			return true;
		}
	}
	return false;
}

/* ---- secrets --------------------------------------------------------- */

/* Whether prop holds a secret, a password or a private key, rather
 * than a name (sasl.mechanism, ssl.ca.location): its value is scrubbed
 * from whatever librdkafka says. */
static bool
is_secret_prop(const char *prop)
{
	return strstr(prop, "password") != NULL ||
	       strstr(prop, "secret") != NULL ||
	       strstr(prop, "token") != NULL ||
	       strcmp(prop, "ssl.key.pem") == 0 ||
	       strcmp(prop, "ssl_key") == 0 ||
	       strcmp(prop, "sasl.oauthbearer.config") == 0 ||
	       strcmp(prop, "sasl.oauthbearer.extensions") == 0;
}

/* Remembers a secret value, so that whatever librdkafka says about it
 * can be scrubbed (too short a value would scrub ordinary words). */
static void
keep_secret(struct kafka_client *c, const char *value)
{
	if (strlen(value) >= 3) {
		c->secrets = xreallocarray(c->secrets, c->n_secrets + 1,
					   sizeof(*c->secrets));
		c->secrets[c->n_secrets++] = xstrdup(value);
	}
}

void
kafka_client_scrub(const struct kafka_client *c, char *buf, size_t n)
{
	static const char mask[] = "<secret>";
	size_t i, ml = sizeof(mask) - 1;

	for (i = 0; i < c->n_secrets; i++) {
		size_t sl = strlen(c->secrets[i]);
		char *hit = buf;

		while ((hit = strstr(hit, c->secrets[i])) != NULL) {
			size_t off = (size_t)(hit - buf), tail;

			if (off + ml + 1 > n) {
				*hit = '\0';
				break;
			}
			tail = strlen(hit + sl) + 1;
			if (off + ml + tail > n) {
				tail = n - off - ml;
				hit[sl + tail - 1] = '\0';
			}
			memmove(hit + ml, hit + sl, tail);
			memcpy(hit, mask, ml);
			hit += ml;
		}
	}
}

/* ---- the handle ------------------------------------------------------ */

/* A property for librdkafka. When it refuses the value, its words are
 * shown only for a value the configuration does not treat as secret
 * (secret); the value of a password or key is also scrubbed from what
 * librdkafka says later. */
static int
conf_set(struct kafka_client *c, rd_kafka_conf_t *conf, const char *prop,
	 const char *value, bool secret, const char *key, struct err *err)
{
	const char *section = c->opts->sec->name;
	char why[512];

	if (is_secret_prop(prop)) {
		keep_secret(c, value);
	}
	if (rdkafka.rd_kafka_conf_set(conf, prop, value, why, sizeof(why)) ==
	    RD_KAFKA_CONF_OK) {
		return 0;
	}
	if (secret) {
		return err_set(err, "librdkafka refuses %s in [%s] (the value "
			       "is not shown)", key, section);
	}
	kafka_client_scrub(c, why, sizeof(why));
	return err_set(err, "%s in [%s]: %s", key, section, why);
}

/* The first line of path into buf; -1 with err naming the key. */
static int
read_secret_file(const char *path, const char *key, const char *section,
		 char *buf, size_t n, struct err *err)
{
	FILE *f = fopen(path, "r");

	if (f == NULL || fgets(buf, (int)n, f) == NULL) {
		if (f != NULL) {
			fclose(f);
		}
		return err_set(err, "%s in [%s]: cannot read the file", key,
			       section);
	}
	fclose(f);
	buf[strcspn(buf, "\r\n")] = '\0';
	return 0;
}

/* The section's pass-through properties: security.protocol, sasl.*,
 * ssl.*, and librdkafka.PROPERTY for any other. */
static int
pass_through(struct kafka_client *c, rd_kafka_conf_t *conf, struct err *err)
{
	const struct config_section *sec = c->opts->sec;
	size_t i;

	for (i = 0; i < sec->n_kv; i++) {
		const char *key = sec->kv[i].key, *val = sec->kv[i].value;
		const char *prop = key;
		bool secret = true;

		if (strcmp(key, "security.protocol") == 0) {
			secret = false;
		} else if (strcmp(key, "sasl.password_file") == 0) {
			char pw[512];
			int rc;

			if (read_secret_file(val, key, sec->name, pw,
					     sizeof(pw), err) < 0) {
				return -1;
			}
			rc = conf_set(c, conf, "sasl.password", pw, true, key,
				      err);
			memset(pw, 0, sizeof(pw));
			if (rc < 0) {
				return -1;
			}
			continue;
		} else if (strncmp(key, "librdkafka.", 11) == 0) {
			prop = key + 11;
		} else if (strncmp(key, "sasl.", 5) != 0 &&
			   strncmp(key, "ssl.", 4) != 0) {
			continue;
		}
		if (is_owned(prop)) {
			return err_set(err, "%s in [%s] is warroom's own "
				       "setting (it never joins a group nor "
				       "commits)", key, sec->name);
		}
		if (conf_set(c, conf, prop, val, secret, key, err) < 0) {
			return -1;
		}
	}
	return 0;
}

/* "k1:9092, k2" as librdkafka takes it: no blanks. */
static void
copy_brokers(char *dst, size_t n, const char *src)
{
	size_t o = 0;

	for (; *src != '\0' && o + 1 < n; src++) {
		if (*src != ' ' && *src != '\t') {
			dst[o++] = *src;
		}
	}
	dst[o] = '\0';
}

/* warroom's own settings: a client that reads, within the poll's time. */
static int
own_settings(struct kafka_client *c, rd_kafka_conf_t *conf, int timeout,
	     struct err *err)
{
	char num[16];

	/* socket.connection.setup.timeout.ms has a floor of 1000. */
	snprintf(num, sizeof(num), "%d", timeout < 1000 ? 1000 : timeout);
	if (conf_set(c, conf, "bootstrap.servers", c->bootstrap, false,
		     "brokers", err) < 0 ||
	    conf_set(c, conf, "client.id", "warroom", false, "client.id",
		     err) < 0 ||
	    conf_set(c, conf, "log.queue", "true", false, "log.queue",
		     err) < 0 ||
	    conf_set(c, conf, "log_level", "4", false, "log_level", err) < 0 ||
	    conf_set(c, conf, "log.connection.close", "false", false,
		     "log.connection.close", err) < 0 ||
	    conf_set(c, conf, "socket.timeout.ms", num, false,
		     "socket.timeout.ms", err) < 0 ||
	    conf_set(c, conf, "socket.connection.setup.timeout.ms", num,
		     false, "socket.connection.setup.timeout.ms", err) < 0 ||
	    /* A broker that comes back is seen within a poll or two. */
	    conf_set(c, conf, "reconnect.backoff.max.ms", "2000", false,
		     "reconnect.backoff.max.ms", err) < 0 ||
	    /* The log end (high watermark), as kafka-consumer-groups
	     * shows it, not the last stable offset. */
	    conf_set(c, conf, "isolation.level", "read_uncommitted", false,
		     "isolation.level", err) < 0 ||
	    conf_set(c, conf, "allow.auto.create.topics", "false", false,
		     "allow.auto.create.topics", err) < 0) {
		return -1;
	}
	return 0;
}

struct kafka_client *
kafka_client_new(const struct kafka_client_opts *opts, struct err *err)
{
	const struct config_section *sec = opts->sec;
	int timeout = sec->timeout_ms > 0 ? sec->timeout_ms : 5000;
	struct kafka_client *c;
	rd_kafka_conf_t *conf;
	char why[512];

	if (!rdkafka_load(err)) {
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->opts = opts;
	copy_brokers(c->bootstrap, sizeof(c->bootstrap),
		     config_get(sec, "brokers"));
	conf = rdkafka.rd_kafka_conf_new();
	if (own_settings(c, conf, timeout, err) < 0 ||
	    pass_through(c, conf, err) < 0) {
		rdkafka.rd_kafka_conf_destroy(conf);
		kafka_client_free(c);
		return NULL;
	}
	rdkafka.rd_kafka_conf_set_events(conf, RD_KAFKA_EVENT_LOG |
						       RD_KAFKA_EVENT_ERROR);
	/* A consumer without group.id: admin requests and offsets, no
	 * group membership. */
	c->rk = rdkafka.rd_kafka_new(RD_KAFKA_CONSUMER, conf, why,
				     sizeof(why));
	if (c->rk == NULL) {
		rdkafka.rd_kafka_conf_destroy(conf);
		kafka_client_scrub(c, why, sizeof(why));
		err_set(err, "librdkafka: %s", why);
		kafka_client_free(c);
		return NULL;
	}
	c->mainq = rdkafka.rd_kafka_queue_get_main(c->rk);
	rdkafka.rd_kafka_set_log_queue(c->rk, c->mainq);
	return c;
}

void
kafka_client_free(struct kafka_client *c)
{
	size_t i;

	if (c == NULL) {
		return;
	}
	if (c->mainq != NULL) {
		rdkafka.rd_kafka_queue_destroy(c->mainq);
	}
	/* Nothing to leave or commit: no consumer close. */
	if (c->rk != NULL) {
		rdkafka.rd_kafka_destroy_flags(
			c->rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
	}
	for (i = 0; i < c->n_secrets; i++) {
		memset(c->secrets[i], 0, strlen(c->secrets[i]));
		free(c->secrets[i]);
	}
	free(c->secrets);
	free(c->known);
	free(c);
}

/* ---- librdkafka's own words ------------------------------------------ */

/* Keeps msg (scrubbed, without the "[thrd:...]: " some carry) in buf. */
static void
note(struct kafka_client *c, char *buf, size_t n, const char *msg)
{
	if (msg == NULL || msg[0] == '\0') {
		return;
	}
	if (strncmp(msg, "[thrd:", 6) == 0 && strstr(msg, "]: ") != NULL) {
		msg = strstr(msg, "]: ") + 3;
	}
	strlcpy_safe(buf, msg, n);
	kafka_client_scrub(c, buf, n);
}

/* Takes the logs and errors librdkafka queued since the last call: errors
 * (error events, logs at LOG_ERR) into last_error, warnings (a request
 * that timed out) into last_warning. */
void
kafka_client_drain(struct kafka_client *c)
{
	rd_kafka_event_t *ev;
	int i;

	for (i = 0; i < DRAIN_MAX; i++) {
		const char *fac, *str;
		int level;

		ev = rdkafka.rd_kafka_queue_poll(c->mainq, 0);
		if (ev == NULL) {
			break;
		}
		switch (rdkafka.rd_kafka_event_type(ev)) {
		case RD_KAFKA_EVENT_ERROR:
			note(c, c->last_error, sizeof(c->last_error),
			     rdkafka.rd_kafka_event_error_string(ev));
			c->fresh = true;
			break;
		case RD_KAFKA_EVENT_LOG:
			if (rdkafka.rd_kafka_event_log(ev, &fac, &str,
						       &level) != 0) {
				break;
			}
			if (level <= 3) {
				note(c, c->last_error, sizeof(c->last_error),
				     str);
				c->fresh = true;
			} else if (level == 4) {
				note(c, c->last_warning,
				     sizeof(c->last_warning), str);
			}
			break;
		default:
			break;
		}
		rdkafka.rd_kafka_event_destroy(ev);
	}
}

/* A step that failed: "metadata: Local: Timed out (k1:9092: Connect to
 * ipv4#10.0.0.1:9092 failed: Connection refused)", librdkafka's last
 * error, else its last warning, else the bootstrap servers. */
int
kafka_client_failed(struct kafka_client *c, const char *step,
		    const char *why, struct err *err)
{
	kafka_client_drain(c);
	if (c->last_error[0] != '\0') {
		return err_set(err, "%s: %s (%s)", step, why, c->last_error);
	}
	if (c->last_warning[0] != '\0') {
		return err_set(err, "%s: %s (%s)", step, why,
			       c->last_warning);
	}
	return err_set(err, "%s: %s (%s)", step, why, c->bootstrap);
}

static bool
stopping(const struct kafka_client *c)
{
	return c->stop != NULL && c->stop(c->stop_arg);
}

/* The next event of type on q, by deadline; NULL on timeout or stop. */
rd_kafka_event_t *
kafka_client_wait(struct kafka_client *c, rd_kafka_queue_t *q, int type,
		  int64_t deadline_ms)
{
	for (;;) {
		int left = kafka_client_left(deadline_ms);
		rd_kafka_event_t *ev;

		if (left == 0 || stopping(c)) {
			return NULL;
		}
		ev = rdkafka.rd_kafka_queue_poll(
			q, left < WAIT_SLICE_MS ? left : WAIT_SLICE_MS);
		if (ev == NULL) {
			continue;
		}
		if (rdkafka.rd_kafka_event_type(ev) == type) {
			return ev;
		}
		rdkafka.rd_kafka_event_destroy(ev);
	}
}

rd_kafka_AdminOptions_t *
kafka_client_admin(struct kafka_client *c, rd_kafka_admin_op_t op,
		   int64_t deadline_ms)
{
	rd_kafka_AdminOptions_t *o = rdkafka.rd_kafka_AdminOptions_new(c->rk,
								       op);
	char why[256];
	int left = kafka_client_left(deadline_ms);

	rdkafka.rd_kafka_AdminOptions_set_request_timeout(
		o, left > 0 ? left : 1, why, sizeof(why));
	return o;
}

#endif /* HAVE_RDKAFKA */
