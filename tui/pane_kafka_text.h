/* What the Kafka pane's files (tui/pane_kafka.c, tui/pane_kafka_text.c)
 * share, and no other file includes: the words and colours of the pane's
 * numbers and statuses, and a group's detail record. UI thread only. */
#ifndef WARROOM_PANE_KAFKA_TEXT_H
#define WARROOM_PANE_KAFKA_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"
#include "themes/theme.h"
#include "tui/pane_common.h"

/* Whether g reads several topics (its partitions then say which). */
bool pane_kafka_text_several(const struct kafka_group *g);
/* "3", or "orders/3" in a group of several topics, into buf (size n). */
void pane_kafka_text_part(const struct kafka_group *g,
			  const struct kafka_partition *pt, char *buf,
			  size_t n);

/* The colour of a status (dim when not judged), of a lag growth rate
 * (messages/s) and of a lag. */
enum role pane_kafka_text_status_role(enum kafka_status s);
enum role pane_kafka_text_rate_role(double r);
enum role pane_kafka_text_lag_role(double lag);

/* "+1.2k/s" (signed when growing), "4m10s" or "≥4m10s" when only a lower
 * bound is known, an exact offset; "—" for what is unknown. */
void pane_kafka_text_rate(double r, char *buf, size_t n);
void pane_kafka_text_lag_time(double s, bool floor, char *buf, size_t n);
void pane_kafka_text_offset(double v, char *buf, size_t n);

/* The detail record of g in m: status and rule, state, members, lag, a
 * table of its partitions, and each partition's owner and rule. */
void pane_kafka_text_detail(struct pane_buf *b, const struct kafka_model *m,
			    const struct kafka_group *g);

#endif
