/* Posting a status update to a Slack incoming webhook, as an action: it is
 * confirmed, journaled through the action gate (its operation reads
 * "POST <slack webhook> {text: ...}", never the URL) and run on the action
 * worker, which reads the URL from its file and POSTs
 * export_slack_payload() with a connect and a total timeout. The URL is a
 * secret: it is never shown, logged, journaled or put in a message.
 * slack_prepare(), the UI's way in, is declared in probe.h. Any thread. */
#ifndef WARROOM_SLACK_H
#define WARROOM_SLACK_H

#include "probes/probe.h"

/* The deadline of one post, connecting included. */
#define SLACK_TIMEOUT_MS 10000

extern const struct action_impl slack_post_action;

#endif
