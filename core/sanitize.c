/* Outside text made safe to show: a strict UTF-8 decoder that turns every
 * control, C1, bidi control and invalid byte into a visible escape, and the
 * display-width helpers built on it. Any thread (text_width and friends
 * read the locale the UI set once at start). */
#include "core/sanitize.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include "core/xalloc.h"

bool text_utf8 = true;

/* Decodes one strict UTF-8 character (no overlongs, no surrogates, nothing
 * above U+10FFFF) at s[0..len); returns its length, or 0 when s does not
 * start with a valid character. */
static size_t
utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char b = s[0];
	unsigned char lo = 0x80, hi = 0xbf;
	size_t need;
	uint32_t c;

	if (b < 0x80) {
		*cp = b;
		return 1;
	} else if (b >= 0xc2 && b <= 0xdf) {
		need = 2;
		c = b & 0x1f;
	} else if (b >= 0xe0 && b <= 0xef) {
		need = 3;
		c = b & 0x0f;
		if (b == 0xe0) {
			lo = 0xa0;
		} else if (b == 0xed) {
			hi = 0x9f;
		}
	} else if (b >= 0xf0 && b <= 0xf4) {
		need = 4;
		c = b & 0x07;
		if (b == 0xf0) {
			lo = 0x90;
		} else if (b == 0xf4) {
			hi = 0x8f;
		}
	} else {
		return 0;
	}
	if (len < need) {
		return 0;
	}
	for (size_t i = 1; i < need; i++) {
		unsigned char t = s[i];

		/* Only the second byte has the narrowed range. */
		if (t < (i == 1 ? lo : 0x80) || t > (i == 1 ? hi : 0xbf)) {
			return 0;
		}
		c = (c << 6) | (t & 0x3f);
	}
	*cp = c;
	return need;
}

static bool
is_bidi_control(uint32_t cp)
{
	return cp == 0x061c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

size_t
sanitize_next(const char *src, size_t len, char out[SANITIZE_UNIT_MAX],
	      bool *escaped)
{
	const unsigned char *s = (const unsigned char *)src;
	uint32_t cp;
	size_t k;
	bool esc = true;

	if (len == 0) {
		out[0] = '\0';
		if (escaped != NULL) {
			*escaped = false;
		}
		return 0;
	}
	k = utf8_decode(s, len, &cp);
	if (k == 0) {
		snprintf(out, SANITIZE_UNIT_MAX, "\\x%02x", s[0]);
		k = 1;
	} else if (cp < 0x20 || cp == 0x7f) {
		snprintf(out, SANITIZE_UNIT_MAX, "\\x%02x",
			 (unsigned)(cp & 0xff));
	} else if ((cp >= 0x80 && cp <= 0x9f) || is_bidi_control(cp)) {
		/* Every escaped code point is below U+10000. */
		snprintf(out, SANITIZE_UNIT_MAX, "\\u%04x",
			 (unsigned)(cp & 0xffff));
	} else {
		memcpy(out, s, k);
		out[k] = '\0';
		esc = false;
	}
	if (escaped != NULL) {
		*escaped = esc;
	}
	return k;
}

size_t
sanitize_into(char *dst, size_t n, const char *src, size_t len)
{
	size_t total = 0, pos = 0, done = 0;
	bool full = false;

	while (pos < len) {
		char unit[SANITIZE_UNIT_MAX];
		size_t k = sanitize_next(src + pos, len - pos, unit, NULL);
		size_t ul = strlen(unit);

		pos += k;
		/* Stop copying at the first unit that does not fit, so the
		 * output is never cut inside a character or an escape. */
		if (!full && done + ul < n) {
			memcpy(dst + done, unit, ul);
			done += ul;
		} else {
			full = true;
		}
		total += ul;
	}
	if (n > 0) {
		dst[done] = '\0';
	}
	return total;
}

char *
sanitize(const char *src)
{
	size_t len = strlen(src);
	size_t need = sanitize_into(NULL, 0, src, len);
	char *out = xmalloc(need + 1);

	sanitize_into(out, need + 1, src, len);
	return out;
}

bool
sanitize_is_clean(const char *s)
{
	size_t len = strlen(s), pos = 0;

	while (pos < len) {
		char unit[SANITIZE_UNIT_MAX];
		bool esc;

		pos += sanitize_next(s + pos, len - pos, unit, &esc);
		if (esc) {
			return false;
		}
	}
	return true;
}

/* Columns of the character at s (length *k set); invalid bytes and
 * characters wcwidth calls unprintable count 1. */
static int
char_width(const char *s, size_t len, size_t *k)
{
	uint32_t cp;
	int w;

	*k = utf8_decode((const unsigned char *)s, len, &cp);
	if (*k == 0) {
		*k = 1;
		return 1;
	}
	if (cp < 0x80) {
		return 1;
	}
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

int
text_width(const char *s)
{
	size_t len = strlen(s), pos = 0, k;
	int w = 0;

	while (pos < len) {
		w += char_width(s + pos, len - pos, &k);
		pos += k;
	}
	return w;
}

size_t
text_fit(const char *s, int cols, int *used)
{
	size_t len = strlen(s), pos = 0, k;
	int w = 0;

	while (pos < len) {
		int cw = char_width(s + pos, len - pos, &k);

		/* Zero-width characters (combining marks) stay with the
		 * character before them. */
		if (cw > 0 && w + cw > cols) {
			break;
		}
		w += cw;
		pos += k;
	}
	if (used != NULL) {
		*used = w;
	}
	return pos;
}

/* The visible form of one unit of raw s for text_truncate: sanitized, and
 * "?" for anything non-ASCII when !utf8. Returns bytes of s taken. */
static size_t
truncate_unit(const char *s, size_t len, bool utf8, char *unit, int *cols)
{
	size_t k = sanitize_next(s, len, unit, NULL);

	if (!utf8 && (unsigned char)unit[0] >= 0x80) {
		strcpy(unit, "?");
	}
	*cols = 0;
	for (size_t p = 0, ul = strlen(unit); p < ul;) {
		size_t ck;

		*cols += char_width(unit + p, ul - p, &ck);
		p += ck;
	}
	return k;
}

int
text_truncate(char *dst, size_t n, const char *s, int cols, bool utf8)
{
	const char *ell = utf8 ? "\u2026" : "~";
	size_t len = strlen(s), pos, done = 0, bytes = 0;
	size_t ell_len = strlen(ell);
	char unit[SANITIZE_UNIT_MAX];
	int total = 0, used = 0, uc;
	bool fits = true;

	if (n == 0) {
		return 0;
	}
	dst[0] = '\0';
	if (cols <= 0) {
		return 0;
	}
	for (pos = 0; pos < len && fits;) {
		pos += truncate_unit(s + pos, len - pos, utf8, unit, &uc);
		total += uc;
		bytes += strlen(unit);
		fits = total <= cols && bytes < n;
	}
	/* When it does not fit, keep room for the ellipsis (1 column). */
	int budget = fits ? cols : cols - 1;
	size_t room = fits ? n - 1 : (n - 1 > ell_len ? n - 1 - ell_len : 0);

	for (pos = 0; pos < len;) {
		size_t k = truncate_unit(s + pos, len - pos, utf8, unit, &uc);
		size_t ul = strlen(unit);

		if (used + uc > budget || done + ul > room) {
			break;
		}
		memcpy(dst + done, unit, ul);
		done += ul;
		used += uc;
		pos += k;
	}
	if (!fits && done + ell_len < n) {
		memcpy(dst + done, ell, ell_len);
		done += ell_len;
		used += 1;
	}
	dst[done] = '\0';
	return used;
}
