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
