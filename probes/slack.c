/* The Slack status-update post (see slack.h). The drafted texts wait in a
 * small ring, keyed by a token in the request's target, from the confirm
 * dialog to the worker. Any thread. */
#include "probes/slack.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "core/export.h"
#include "core/sanitize.h"
#include "core/xalloc.h"
#include "probes/http.h"

#define RING 4
#define URL_MAX 1024
#define SUMMARY_MAX 120

static pthread_mutex_t ring_lock = PTHREAD_MUTEX_INITIALIZER;
static struct {
	unsigned long token;
	char *text;
} ring[RING];
static unsigned long next_token;

static unsigned long
token_of(const struct action_req *req)
{
	return req->target.type == TARGET_UPDATE ? req->target.u.update.token : 0;
}

/* A copy of the text for token, or NULL when it is gone. */
static char *
ring_get(unsigned long token)
{
	char *text = NULL;

	pthread_mutex_lock(&ring_lock);
	for (int i = 0; i < RING; i++) {
		if (token != 0 && ring[i].token == token) {
			text = xstrdup(ring[i].text);
		}
	}
	pthread_mutex_unlock(&ring_lock);
	return text;
}

const struct action_impl *
slack_prepare(struct action_req *req, const char *id, int no,
	      const char *webhook_file, const char *text)
{
	unsigned long token;
	int slot;

	pthread_mutex_lock(&ring_lock);
	token = ++next_token;
	slot = (int)(token % RING);
	free(ring[slot].text);
	ring[slot].token = token;
	ring[slot].text = xstrdup(text);
	pthread_mutex_unlock(&ring_lock);

	memset(req, 0, sizeof(*req));
	req->impl = &slack_post_action;
	strlcpy_safe(req->source, "slack", sizeof(req->source));
	req->target.type = TARGET_UPDATE;
	req->target.u.update.token = token;
	snprintf(req->target.label, sizeof(req->target.label),
		 "status update #%d of %s", no, id);
	strlcpy_safe(req->arg, webhook_file, sizeof(req->arg));
	return req->impl;
}

static void
slack_describe(const struct action_req *req, char *buf, size_t n)
{
	char *text = ring_get(token_of(req));
	char summary[SUMMARY_MAX + 8];
	size_t len;

	/* The body summarized on one line; the URL never appears. */
	strlcpy_safe(summary, text != NULL ? text : "", SUMMARY_MAX);
	for (char *p = summary; *p != '\0'; p++) {
		if (*p == '\n' || *p == '\r' || *p == '\t') {
			*p = ' ';
		}
	}
	len = strlen(summary);
	if (text != NULL && strlen(text) >= SUMMARY_MAX - 1 && len > 3) {
		memcpy(summary + len - 3, "...", 4);
	}
	snprintf(buf, n, "POST <slack webhook> {text: \"%s\"}\n"
		 "Sends %s to the Slack channel of the webhook in %s "
		 "(a shared channel).", summary, req->target.label, req->arg);
	free(text);
}

static bool
cancelled(void *arg)
{
	(void)arg;
	return action_cancelled();
}

/* The first line of path, trimmed; NULL with err when unusable. */
static char *
read_url(const char *path, struct err *err)
{
	FILE *fp = fopen(path, "r");
	char buf[URL_MAX + 2], *s, *e, *url;

	if (fp == NULL) {
		err_set(err, "slack_webhook_file: cannot read %s: %s", path,
			strerror(errno));
		return NULL;
	}
	if (fgets(buf, sizeof(buf), fp) == NULL) {
		buf[0] = '\0';
	}
	fclose(fp);
	for (s = buf; *s == ' ' || *s == '\t'; s++) {
	}
	for (e = s + strlen(s); e > s && (e[-1] == '\n' || e[-1] == '\r' ||
					  e[-1] == ' ' || e[-1] == '\t'); e--) {
	}
	*e = '\0';
	url = *s != '\0' ? xstrdup(s) : NULL;
	explicit_bzero(buf, sizeof(buf));
	if (url == NULL) {
		err_set(err, "slack_webhook_file: %s is empty", path);
	}
	return url;
}

/* Wipes the URL from the scratch section before it is freed. */
static void
forget_url(const struct config_section *sec)
{
	char *v = (char *)config_get(sec, "url");

	if (v != NULL) {
		explicit_bzero(v, strlen(v));
	}
}

static int
slack_run(const struct action_req *req, char *result, size_t n,
	  struct err *err)
{
	char *text = ring_get(token_of(req)), *url, *payload;
	struct config cfg;
	struct config_section *sec;
	struct http_client *c;
	struct http_resp resp = { 0 };
	int rc;

	if (text == NULL) {
		return err_set(err, "the drafted update is gone; draft it "
			       "again (u)");
	}
	url = read_url(req->arg, err);
	if (url == NULL) {
		free(text);
		return -1;
	}
	memset(&cfg, 0, sizeof(cfg));
	sec = config_add_section(&cfg, "slack.webhook");
	config_section_set(sec, "url", url);
	sec->timeout_ms = SLACK_TIMEOUT_MS;
	explicit_bzero(url, strlen(url));
	free(url);

	c = http_client_new(sec, err);
	if (c == NULL) {
		char why[ERR_MSG_MAX];

		strlcpy_safe(why, err->msg, sizeof(why));
		err_set(err, "slack webhook: %s", why);
		forget_url(sec);
		config_finish(&cfg);
		free(text);
		return -1;
	}
	http_client_set_cancel(c, cancelled, NULL);
	payload = export_slack_payload(text);
	rc = http_post(c, "", payload, &resp, err);
	if (rc == 0) {
		snprintf(result, n, "posted to Slack (HTTP %ld)", resp.status);
	}
	http_resp_finish(&resp);
	http_client_free(c);
	free(payload);
	free(text);
	forget_url(sec);
	config_finish(&cfg);
	return rc;
}

static const struct action_spec slack_post_spec = {
	.name = "slack-update",
	.label = "Post status update to Slack",
	.hint = "post to Slack",
	.key = 0,
	.target = TARGET_UPDATE,
	/* Not a mitigation: --read-only keeps it, as it keeps exports. */
	.destructive = false,
};

const struct action_impl slack_post_action = {
	.spec = &slack_post_spec,
	.describe = slack_describe,
	.run = slack_run,
};
