/* One poll of the brokers (see kafka_internal.h): metadata (brokers up,
 * under-replicated partitions), the groups (ListConsumerGroups, else the
 * configured names), their descriptions (state, members, assignments),
 * their committed offsets (the admin ListConsumerGroupOffsets, which reads
 * without joining) and the log ends, in that order, so that a lag is never
 * negative. Every request ends by the poll's deadline. Probe thread. */
#include "build-config.h"

#include "probes/kafka_client.h"

#if HAVE_RDKAFKA

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "core/xalloc.h"
#include "probes/kafka_lag.h"

/* More groups than this are cut, with a notice: narrow groups =. */
#define KAFKA_GROUPS_MAX 1000

/* ---- metadata: brokers and under-replicated partitions --------------- */

static bool
known_broker(const struct kafka_client *c, int32_t id)
{
	for (size_t i = 0; i < c->n_known; i++) {
		if (c->known[i] == id) {
			return true;
		}
	}
	return false;
}

static void
remember_broker(struct kafka_client *c, int32_t id)
{
	if (id >= 0 && !known_broker(c, id)) {
		c->known = xreallocarray(c->known, c->n_known + 1,
					 sizeof(*c->known));
		c->known[c->n_known++] = id;
	}
}

static int
read_metadata(struct kafka_client *c, struct kafka_obs *obs,
	      int64_t deadline_ms, struct err *err)
{
	const struct rd_kafka_metadata *md = NULL;
	rd_kafka_resp_err_t e;
	int i, j, k;

	int budget = kafka_client_left(deadline_ms);
	char why[64], dur[32];

	if (budget == 0) {
		return kafka_client_failed(c, "metadata", "no time left", err);
	}
	e = rdkafka.rd_kafka_metadata(c->rk, 1, NULL, &md, budget);
	/* Waited out: librdkafka says "transport failure" when no broker
	 * became usable in time, whether refused, silent or slow. */
	if ((e == RD_KAFKA_RESP_ERR__TRANSPORT ||
	     e == RD_KAFKA_RESP_ERR__TIMED_OUT) &&
	    kafka_client_left(deadline_ms) == 0) {
		snprintf(why, sizeof(why), "no broker answered within %s",
			 clock_format_duration(budget, dur, sizeof(dur)));
		return kafka_client_failed(c, "metadata", why, err);
	}
	if (e != RD_KAFKA_RESP_ERR_NO_ERROR) {
		return kafka_client_failed(c, "metadata",
					   rdkafka.rd_kafka_err2str(e), err);
	}
	obs->brokers_up = md->broker_cnt;
	obs->under_replicated = 0;
	for (i = 0; i < md->broker_cnt; i++) {
		remember_broker(c, md->brokers[i].id);
	}
	for (i = 0; i < md->topic_cnt; i++) {
		const rd_kafka_metadata_topic_t *t = &md->topics[i];

		for (j = 0; j < t->partition_cnt; j++) {
			const rd_kafka_metadata_partition_t *p =
				&t->partitions[j];

			/* A replica on a broker metadata no longer lists
			 * is on a broker that is down. */
			for (k = 0; k < p->replica_cnt; k++) {
				remember_broker(c, p->replicas[k]);
			}
			if (p->isr_cnt < p->replica_cnt) {
				obs->under_replicated++;
			}
		}
	}
	obs->brokers_total = (int)c->n_known;
	rdkafka.rd_kafka_metadata_destroy(md);
	return 0;
}

/* ---- which groups ---------------------------------------------------- */

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
picked(const struct kafka_client_opts *o, const char *group)
{
	return kafka_names_match(&o->groups, group, true) &&
	       !kafka_names_match(&o->exclude, group, false);
}

/* The names of the groups to watch (sorted, at most KAFKA_GROUPS_MAX, the
 * caller frees them): the configured ones, or those ListConsumerGroups
 * finds that the patterns pick. */
static int
group_names(struct kafka_client *c, rd_kafka_queue_t *q, struct kafka_obs *obs,
	    char ***out, size_t *n_out, int64_t deadline_ms, struct err *err)
{
	const struct kafka_client_opts *o = c->opts;
	const rd_kafka_ConsumerGroupListing_t **valid;
	const rd_kafka_ListConsumerGroups_result_t *res;
	const rd_kafka_error_t **errs;
	rd_kafka_AdminOptions_t *ao;
	rd_kafka_event_t *ev;
	size_t n_valid = 0, n_errs = 0, i, n = 0;
	char **names = NULL;

	if (o->groups.n > 0 && !o->groups.patterns) {
		names = xcalloc(o->groups.n, sizeof(*names));
		for (i = 0; i < o->groups.n; i++) {
			if (picked(o, o->groups.v[i])) {
				names[n++] = xstrdup(o->groups.v[i]);
			}
		}
		goto sorted;
	}
	ao = kafka_client_admin(c, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS,
				deadline_ms);
	rdkafka.rd_kafka_ListConsumerGroups(c->rk, ao, q);
	rdkafka.rd_kafka_AdminOptions_destroy(ao);
	ev = kafka_client_wait(c, q, RD_KAFKA_EVENT_LISTCONSUMERGROUPS_RESULT,
			       deadline_ms);
	if (ev == NULL) {
		return kafka_client_failed(c, "list groups",
					   "no answer in time", err);
	}
	if (rdkafka.rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		kafka_client_failed(c, "list groups",
				    rdkafka.rd_kafka_event_error_string(ev),
				    err);
		rdkafka.rd_kafka_event_destroy(ev);
		return -1;
	}
	res = rdkafka.rd_kafka_event_ListConsumerGroups_result(ev);
	valid = rdkafka.rd_kafka_ListConsumerGroups_result_valid(res,
								 &n_valid);
	errs = rdkafka.rd_kafka_ListConsumerGroups_result_errors(res, &n_errs);
	if (n_errs > 0) {
		snprintf(obs->notice, sizeof(obs->notice),
			 "list groups: %s", rdkafka.rd_kafka_error_string(
				 errs[0]));
	}
	names = xcalloc(n_valid + 1, sizeof(*names));
	for (i = 0; i < n_valid; i++) {
		const char *g = rdkafka.rd_kafka_ConsumerGroupListing_group_id(
			valid[i]);

		if (g != NULL && picked(o, g)) {
			names[n++] = xstrdup(g);
		}
	}
	rdkafka.rd_kafka_event_destroy(ev);
sorted:
	qsort(names, n, sizeof(*names), str_cmp);
	if (n > KAFKA_GROUPS_MAX) {
		snprintf(obs->notice, sizeof(obs->notice),
			 "showing %d of %zu groups (narrow groups =)",
			 KAFKA_GROUPS_MAX, n);
		for (i = KAFKA_GROUPS_MAX; i < n; i++) {
			free(names[i]);
		}
		n = KAFKA_GROUPS_MAX;
	}
	*out = names;
	*n_out = n;
	return 0;
}

/* ---- DescribeConsumerGroups: state, members, who owns what ----------- */

static char *
owner_of(const rd_kafka_MemberDescription_t *m)
{
	const char *id = rdkafka.rd_kafka_MemberDescription_client_id(m);
	const char *host = rdkafka.rd_kafka_MemberDescription_host(m);

	if (host != NULL && host[0] == '/') {
		host++;     /* the broker writes "/10.0.0.1" */
	}
	return xasprintf("%s@%s", id != NULL ? id : "",
			 host != NULL ? host : "");
}

static void
describe_one(struct kafka_client *c,
	     const rd_kafka_ConsumerGroupDescription_t *d,
	     struct kafka_obs_group *g)
{
	const rd_kafka_error_t *e =
		rdkafka.rd_kafka_ConsumerGroupDescription_error(d);
	size_t i, n;
	int j;

	if (e != NULL) {
		g->error = xasprintf("describe: %s",
				     rdkafka.rd_kafka_error_string(e));
		return;
	}
	g->state = xstrdup(rdkafka.rd_kafka_consumer_group_state_name(
		rdkafka.rd_kafka_ConsumerGroupDescription_state(d)));
	n = rdkafka.rd_kafka_ConsumerGroupDescription_member_count(d);
	g->members = (int)n;
	for (i = 0; i < n; i++) {
		const rd_kafka_MemberDescription_t *m =
			rdkafka.rd_kafka_ConsumerGroupDescription_member(d, i);
		const rd_kafka_MemberAssignment_t *a = NULL;
		const rd_kafka_topic_partition_list_t *parts = NULL;

		if (m != NULL) {
			a = rdkafka.rd_kafka_MemberDescription_assignment(m);
		}
		if (a != NULL) {
			parts = rdkafka.rd_kafka_MemberAssignment_partitions(a);
		}

		for (j = 0; parts != NULL && j < parts->cnt; j++) {
			const rd_kafka_topic_partition_t *tp =
				&parts->elems[j];

			if (!kafka_names_match(&c->opts->topics, tp->topic,
					       true)) {
				continue;
			}
			kafka_obs_add_part(g, tp->topic, tp->partition)->owner =
				owner_of(m);
		}
	}
}

static int
describe_groups(struct kafka_client *c, rd_kafka_queue_t *q,
		struct kafka_obs *obs, char **names, size_t n,
		int64_t deadline_ms, struct err *err)
{
	const rd_kafka_ConsumerGroupDescription_t **ds;
	rd_kafka_AdminOptions_t *ao;
	rd_kafka_event_t *ev;
	size_t n_ds = 0, i, k;

	ao = kafka_client_admin(c, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS,
				deadline_ms);
	rdkafka.rd_kafka_DescribeConsumerGroups(c->rk, (const char **)names,
						n, ao, q);
	rdkafka.rd_kafka_AdminOptions_destroy(ao);
	ev = kafka_client_wait(c, q,
			       RD_KAFKA_EVENT_DESCRIBECONSUMERGROUPS_RESULT,
			       deadline_ms);
	if (ev == NULL) {
		return kafka_client_failed(c, "describe groups",
					   "no answer in time", err);
	}
	if (rdkafka.rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		kafka_client_failed(c, "describe groups",
				    rdkafka.rd_kafka_event_error_string(ev),
				    err);
		rdkafka.rd_kafka_event_destroy(ev);
		return -1;
	}
	ds = rdkafka.rd_kafka_DescribeConsumerGroups_result_groups(
		rdkafka.rd_kafka_event_DescribeConsumerGroups_result(ev),
		&n_ds);
	for (i = 0; i < n_ds; i++) {
		const char *id =
			rdkafka.rd_kafka_ConsumerGroupDescription_group_id(
				ds[i]);

		if (id == NULL) {
			continue;
		}
		/* The answers come in the order asked, as the groups
		 * were added. */
		k = i < obs->n_groups && strcmp(obs->groups[i].name, id) == 0 ?
		    i : 0;
		for (; k < obs->n_groups; k++) {
			if (strcmp(obs->groups[k].name, id) == 0) {
				describe_one(c, ds[i], &obs->groups[k]);
				break;
			}
		}
	}
	rdkafka.rd_kafka_event_destroy(ev);
	return 0;
}

/* ---- ListConsumerGroupOffsets: what each group committed ------------- */

static void
offsets_one(struct kafka_client *c, rd_kafka_event_t *ev,
	    struct kafka_obs_group *g)
{
	const rd_kafka_group_result_t **gr;
	const rd_kafka_topic_partition_list_t *parts;
	const rd_kafka_error_t *e;
	size_t n = 0;
	int j;

	if (rdkafka.rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
		free(g->error);
		g->error = xasprintf("offsets: %s",
				     rdkafka.rd_kafka_event_error_string(ev));
		return;
	}
	gr = rdkafka.rd_kafka_ListConsumerGroupOffsets_result_groups(
		rdkafka.rd_kafka_event_ListConsumerGroupOffsets_result(ev),
		&n);
	if (n != 1) {
		return;
	}
	if ((e = rdkafka.rd_kafka_group_result_error(gr[0])) != NULL) {
		free(g->error);
		g->error = xasprintf("offsets: %s",
				     rdkafka.rd_kafka_error_string(e));
		return;
	}
	parts = rdkafka.rd_kafka_group_result_partitions(gr[0]);
	for (j = 0; parts != NULL && j < parts->cnt; j++) {
		const rd_kafka_topic_partition_t *tp = &parts->elems[j];

		if (tp->err != RD_KAFKA_RESP_ERR_NO_ERROR ||
		    !kafka_names_match(&c->opts->topics, tp->topic, true)) {
			continue;
		}
		kafka_obs_add_part(g, tp->topic, tp->partition)->committed =
			tp->offset >= 0 ? tp->offset : KAFKA_NO_OFFSET;
	}
}

static int
list_offsets(struct kafka_client *c, rd_kafka_queue_t *q,
	     struct kafka_obs *obs, int64_t deadline_ms, struct err *err)
{
	rd_kafka_AdminOptions_t *ao;
	size_t i, got = 0;

	ao = kafka_client_admin(c, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS,
				deadline_ms);
	/* librdkafka 2.0 takes one group per request; they run at once. */
	for (i = 0; i < obs->n_groups; i++) {
		rd_kafka_ListConsumerGroupOffsets_t *req =
			rdkafka.rd_kafka_ListConsumerGroupOffsets_new(
				obs->groups[i].name, NULL);

		rdkafka.rd_kafka_AdminOptions_set_opaque(ao, (void *)(i + 1));
		rdkafka.rd_kafka_ListConsumerGroupOffsets(c->rk, &req, 1, ao,
							  q);
		rdkafka.rd_kafka_ListConsumerGroupOffsets_destroy(req);
	}
	rdkafka.rd_kafka_AdminOptions_destroy(ao);
	while (got < obs->n_groups) {
		rd_kafka_event_t *ev = kafka_client_wait(
			c, q, RD_KAFKA_EVENT_LISTCONSUMERGROUPOFFSETS_RESULT,
			deadline_ms);
		size_t k;

		if (ev == NULL) {
			return kafka_client_failed(c, "committed offsets",
						   "no answer in time", err);
		}
		k = (size_t)rdkafka.rd_kafka_event_opaque(ev);
		if (k >= 1 && k <= obs->n_groups) {
			offsets_one(c, ev, &obs->groups[k - 1]);
		}
		rdkafka.rd_kafka_event_destroy(ev);
		got++;
	}
	return 0;
}

/* ---- log ends -------------------------------------------------------- */

/* Each partition's high watermark in one batched ListOffsets (LATEST,
 * read_uncommitted): the log end. */
static int
log_ends(struct kafka_client *c, struct kafka_obs *obs, int64_t deadline_ms,
	 struct err *err)
{
	struct kafka_log_end *v = NULL;
	size_t n = 0, cap = 0, i, j;
	rd_kafka_topic_partition_list_t *l;
	rd_kafka_resp_err_t e;

	for (i = 0; i < obs->n_groups; i++) {
		for (j = 0; j < obs->groups[i].n_parts; j++) {
			if (n == cap) {
				cap = cap ? cap * 2 : 64;
				v = xreallocarray(v, cap, sizeof(*v));
			}
			v[n].topic = obs->groups[i].parts[j].topic;
			v[n].partition = obs->groups[i].parts[j].partition;
			n++;
		}
	}
	/* One request per partition, however many groups read it. */
	n = kafka_log_ends_sort(v, n);
	if (n == 0) {
		free(v);
		return 0;
	}
	l = rdkafka.rd_kafka_topic_partition_list_new((int)n);
	for (i = 0; i < n; i++) {
		rdkafka.rd_kafka_topic_partition_list_add(l, v[i].topic,
							  v[i].partition)
			->offset = RD_KAFKA_OFFSET_END;
	}
	e = kafka_client_left(deadline_ms) == 0 ? RD_KAFKA_RESP_ERR__TIMED_OUT :
	    rdkafka.rd_kafka_offsets_for_times(c->rk, l,
					       kafka_client_left(deadline_ms));
	if (e == RD_KAFKA_RESP_ERR__TIMED_OUT) {
		rdkafka.rd_kafka_topic_partition_list_destroy(l);
		free(v);
		return kafka_client_failed(c, "log end offsets",
					   rdkafka.rd_kafka_err2str(e), err);
	}
	if (e != RD_KAFKA_RESP_ERR_NO_ERROR && obs->notice[0] == '\0') {
		snprintf(obs->notice, sizeof(obs->notice),
			 "log end offsets: %s", rdkafka.rd_kafka_err2str(e));
	}
	/* The answers, in the list's own order: a table of their own. */
	for (i = 0, n = 0; i < (size_t)l->cnt; i++) {
		const rd_kafka_topic_partition_t *tp = &l->elems[i];

		if (tp->err == RD_KAFKA_RESP_ERR_NO_ERROR && tp->offset >= 0) {
			v[n].topic = tp->topic;
			v[n].partition = tp->partition;
			v[n].high = tp->offset;
			n++;
		}
	}
	kafka_obs_set_log_ends(obs, v, kafka_log_ends_sort(v, n));
	rdkafka.rd_kafka_topic_partition_list_destroy(l);
	free(v);
	return 0;
}

/* ---- one poll -------------------------------------------------------- */

int
kafka_client_poll(struct kafka_client *c, struct kafka_obs *obs,
		  int64_t deadline_ms, bool (*stop)(void *), void *arg,
		  struct err *err)
{
	rd_kafka_queue_t *q;
	char **names = NULL;
	size_t n = 0, i;
	int rc = -1;

	c->stop = stop;
	c->stop_arg = arg;
	c->fresh = false;
	kafka_client_drain(c);
	if (read_metadata(c, obs, deadline_ms, err) < 0) {
		return -1;
	}
	/* Results of a request the last poll gave up on must not land
	 * here: a queue per poll. */
	q = rdkafka.rd_kafka_queue_new(c->rk);
	if (group_names(c, q, obs, &names, &n, deadline_ms, err) < 0) {
		goto out;
	}
	for (i = 0; i < n; i++) {
		kafka_obs_add_group(obs, names[i]);
	}
	if (n > 0 && (describe_groups(c, q, obs, names, n, deadline_ms,
				      err) < 0 ||
		      list_offsets(c, q, obs, deadline_ms, err) < 0)) {
		goto out;
	}
	kafka_obs_sort(obs);
	if (log_ends(c, obs, deadline_ms, err) < 0) {
		goto out;
	}
	kafka_client_drain(c);
	if (obs->notice[0] == '\0' && c->fresh) {
		size_t l = strlcpy_safe(obs->notice, "librdkafka: ",
					sizeof(obs->notice));

		strlcpy_safe(obs->notice + l, c->last_error,
			     sizeof(obs->notice) - l);
	}
	rc = 0;
out:
	for (i = 0; i < n; i++) {
		free(names[i]);
	}
	free(names);
	rdkafka.rd_kafka_queue_destroy(q);
	return rc;
}

#endif /* HAVE_RDKAFKA */
