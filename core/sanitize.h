/* The one door from outside text to the screen. Text from backends (pod
 * names, query text, Redis keys, alert annotations) may hold escape
 * sequences meant for the operator's terminal; here every C0 control
 * (including TAB, CR, BS), DEL, ESC, every C1 control (raw bytes 0x80-0x9f
 * and their UTF-8 encodings U+0080-U+009F) and every byte of invalid UTF-8
 * becomes a visible escape: "\x1b", "\u009b", "\xff". Printable UTF-8
 * passes unchanged. Any thread; no allocation in the _into variants. */
#ifndef WARROOM_SANITIZE_H
#define WARROOM_SANITIZE_H

#include <stdbool.h>
#include <stddef.h>

/* Writes the sanitized form of src[0..len) into dst (size n, always
 * NUL-terminated, cut at a character boundary). Returns the length the full
 * result would have. */
size_t sanitize_into(char *dst, size_t n, const char *src, size_t len);

/* The sanitized form of a NUL-terminated string; the caller frees it. */
char *sanitize(const char *src);

/* True when s (NUL-terminated) would pass through unchanged. */
bool sanitize_is_clean(const char *s);

/* Display columns of a sanitized UTF-8 string (wcwidth per character; an
 * unprintable character counts 1). */
int text_width(const char *s);

/* Bytes of s that fit in cols columns without splitting a character; sets
 * *used to the columns they take (may be NULL). */
size_t text_fit(const char *s, int cols, int *used);

/* Copies sanitized s into dst, truncated to cols display columns with a
 * trailing "…" (or "~" when !utf8) when it did not fit. When !utf8 every
 * non-ASCII character becomes "?", so the result is plain ASCII. An escape
 * ("\x1b") is never split. Returns the columns used. */
int text_truncate(char *dst, size_t n, const char *s, int cols, bool utf8);

/* The longest visible form of one input character ("\u202e") plus NUL. */
#define SANITIZE_UNIT_MAX 8

/* Sanitizes the first character (or invalid byte) of src[0..len): writes
 * its visible form into out (NUL-terminated) and returns the bytes of src it
 * took, 0 when len is 0. *escaped (may be NULL) tells whether it became an
 * escape, so that a widget can draw escapes in their own colour. Unicode
 * bidi controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069)
 * are escaped too: they reorder what the operator reads. */
size_t sanitize_next(const char *src, size_t len,
		     char out[SANITIZE_UNIT_MAX], bool *escaped);

/* Whether the locale's charset is UTF-8 (set once by the UI at start). */
extern bool text_utf8;

#endif
