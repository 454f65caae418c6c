/* Allocation that aborts on out-of-memory, and small string helpers.
 * Any thread. The caller frees everything these return. */
#ifndef WARROOM_XALLOC_H
#define WARROOM_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
/* Grows an array of nmemb elements of size bytes; checks for overflow. */
void *xreallocarray(void *ptr, size_t nmemb, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap);

/* Copies src into dst of size n, always NUL-terminated; returns strlen(src). */
size_t strlcpy_safe(char *dst, const char *src, size_t n);
/* snprintf() for a text whose cut is intended (a finding, one line of a
 * pane): formats into buf (size n > 0), truncating; buf stays
 * terminated. */
void strprintf(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Appends printf-style text to the string in buf (size n), truncating;
 * buf stays terminated. */
void strappendf(char *buf, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
