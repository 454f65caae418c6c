/* Errors a person can act on: every fallible call fills one of these.
 * Any thread. Messages never carry a password or a token. */
#ifndef WARROOM_ERR_H
#define WARROOM_ERR_H

#include <stddef.h>

#define ERR_MSG_MAX 256

struct err {
	char msg[ERR_MSG_MAX];
};

/* Formats into e->msg (truncating); always returns -1 so callers can write
 * "return err_set(e, ...);". e may be NULL. */
int err_set(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Clears the message. */
void err_clear(struct err *e);

/* A size limit as a message states it: "8 MiB", "64 KiB", "100 bytes"
 * (whole units only). Returns buf. */
char *err_size(size_t bytes, char *buf, size_t n);

#endif
