/* struct err helpers. Any thread. */
#include "core/err.h"

#include <stdarg.h>
#include <stdio.h>

int
err_set(struct err *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL) {
		return -1;
	}
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void
err_clear(struct err *e)
{
	if (e != NULL) {
		e->msg[0] = '\0';
	}
}

char *
err_size(size_t b, char *buf, size_t n)
{
	if (b >= (1u << 20) && b % (1u << 20) == 0) {
		snprintf(buf, n, "%zu MiB", b >> 20);
	} else if (b >= 1024 && b % 1024 == 0) {
		snprintf(buf, n, "%zu KiB", b >> 10);
	} else {
		snprintf(buf, n, "%zu bytes", b);
	}
	return buf;
}
