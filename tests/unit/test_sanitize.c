/* core/sanitize: what outside text may and may not carry to the screen. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sanitize.h"

static void
utf8_locale(void)
{
	cr_assert_not_null(setlocale(LC_ALL, "C.UTF-8"));
}

/* Arrays, not pointers: Criterion hands each parameter to a fresh
 * process, where a pointer into the parent's data is not valid. */
struct case_ {
	char in[32];
	size_t len;             /* 0: strlen(in) */
	char out[64];
};

ParameterizedTestParameters(sanitize, table)
{
	static struct case_ cases[] = {
		{ "plain text", 0, "plain text" },
		{ "back\\slash", 0, "back\\slash" },
		{ "tab\there", 0, "tab\\x09here" },
		{ "cr\rlf\n", 0, "cr\\x0dlf\\x0a" },
		{ "bs\b", 0, "bs\\x08" },
		{ "nul\0x", 5, "nul\\x00x" },
		{ "del\x7f", 0, "del\\x7f" },
		{ "\x1b[31mred\x1b[0m", 0, "\\x1b[31mred\\x1b[0m" },
		{ "\x1b]52;c;aGVsbG8=\a", 0, "\\x1b]52;c;aGVsbG8=\\x07" },
		{ "\x1b]0;title\x1b\\", 0, "\\x1b]0;title\\x1b\\" },
		/* Raw C1 bytes: CSI, OSC, ST. */
		{ "a\x9b" "31m", 0, "a\\x9b31m" },
		{ "\x9d\x9c\x80\x9f", 0, "\\x9d\\x9c\\x80\\x9f" },
		/* C1 controls encoded as UTF-8. */
		{ "\xc2\x9b" "31m", 0, "\\u009b31m" },
		{ "\xc2\x80\xc2\x9f", 0, "\\u0080\\u009f" },
		/* Invalid UTF-8, every byte escaped. */
		{ "\xff", 0, "\\xff" },
		{ "\xfe\xff", 0, "\\xfe\\xff" },
		{ "\xc0\xaf", 0, "\\xc0\\xaf" },
		{ "\xe0\x80\xaf", 0, "\\xe0\\x80\\xaf" },
		{ "\xed\xa0\x80", 0, "\\xed\\xa0\\x80" },
		{ "\xf4\x90\x80\x80", 0, "\\xf4\\x90\\x80\\x80" },
		{ "\xf8\x88\x80\x80\x80", 0, "\\xf8\\x88\\x80\\x80\\x80" },
		{ "\xe2\x82", 0, "\\xe2\\x82" },
		{ "x\xe2\x82y", 0, "x\\xe2\\x82y" },
		{ "\xbf", 0, "\\xbf" },
		/* Valid text passes, including the edges of the ranges. */
		{ "\xc2\xa0nbsp", 0, "\xc2\xa0nbsp" },
		{ "caf\xc3\xa9", 0, "caf\xc3\xa9" },
		{ "\xe6\x97\xa5\xe6\x9c\xac", 0, "\xe6\x97\xa5\xe6\x9c\xac" },
		{ "\xf0\x9f\x94\xa5 fire", 0, "\xf0\x9f\x94\xa5 fire" },
		{ "\xed\x9f\xbf", 0, "\xed\x9f\xbf" },
		{ "\xf4\x8f\xbf\xbf", 0, "\xf4\x8f\xbf\xbf" },
		{ "\xe2\x82\xac", 0, "\xe2\x82\xac" },
		/* Bidi controls reorder what the operator reads. */
		{ "a\xe2\x80\xae" "b", 0, "a\\u202eb" },
		{ "\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", 0,
		  "\\u202a\\u202b\\u202c\\u202d" },
		{ "\xe2\x81\xa6\xe2\x81\xa7\xe2\x81\xa8\xe2\x81\xa9", 0,
		  "\\u2066\\u2067\\u2068\\u2069" },
		{ "\xe2\x80\x8e\xe2\x80\x8f", 0, "\\u200e\\u200f" },
		{ "\xd8\x9c", 0, "\\u061c" },
		{ "", 0, "" },
	};

	return cr_make_param_array(struct case_, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct case_ *c, sanitize, table)
{
	size_t len = c->len ? c->len : strlen(c->in);
	char out[256];
	size_t n = sanitize_into(out, sizeof(out), c->in, len);

	cr_assert_str_eq(out, c->out, "input #%zu bytes", len);
	cr_assert_eq(n, strlen(c->out));
	if (c->len == 0) {
		char *dup = sanitize(c->in);

		cr_assert_str_eq(dup, c->out);
		free(dup);
		cr_assert_eq(sanitize_is_clean(c->in),
			     strcmp(c->in, c->out) == 0);
	}
}

/* Every single byte value, alone and after a valid character: the output
 * never holds a byte below 0x20, DEL, a raw C1 byte or a UTF-8 C1. */
Test(sanitize, no_control_survives_any_byte)
{
	for (int b = 0; b < 256; b++) {
		char in[4] = { 'a', (char)b, 'z', 0 };
		char out[64];

		sanitize_into(out, sizeof(out), in, 3);
		for (const unsigned char *p = (const unsigned char *)out; *p;
		     p++) {
			cr_assert(*p >= 0x20 && *p != 0x7f,
				  "byte 0x%02x left 0x%02x", b, *p);
			cr_assert(!(*p >= 0x80 && *p <= 0x9f &&
				    (p == (const unsigned char *)out ||
				     p[-1] < 0x80)),
				  "byte 0x%02x left a raw C1", b);
			cr_assert(!(p[0] == 0xc2 && p[1] >= 0x80 &&
				    p[1] <= 0x9f),
				  "byte 0x%02x left a UTF-8 C1", b);
		}
		cr_assert(sanitize_is_clean(out), "byte 0x%02x: %s", b, out);
	}
}

Test(sanitize, every_utf8_c1_escaped)
{
	for (int c = 0x80; c <= 0x9f; c++) {
		char in[3] = { (char)0xc2, (char)c, 0 };
		char want[8], out[16];

		snprintf(want, sizeof(want), "\\u%04x", c);
		sanitize_into(out, sizeof(out), in, 2);
		cr_assert_str_eq(out, want);
	}
}

Test(sanitize, truncates_at_character_boundary)
{
	char out[8];
	size_t n;

	/* "ab" then an escape of 4 bytes: only "ab" fits in 5 bytes. */
	n = sanitize_into(out, 5, "ab\x1b", 3);
	cr_assert_str_eq(out, "ab");
	cr_assert_eq(n, 6);
	/* A 3-byte character does not fit in 3 bytes after "a". */
	n = sanitize_into(out, 4, "a\xe6\x97\xa5", 4);
	cr_assert_str_eq(out, "a");
	cr_assert_eq(n, 4);
	n = sanitize_into(out, 5, "a\xe6\x97\xa5", 4);
	cr_assert_str_eq(out, "a\xe6\x97\xa5");
	/* Nothing is written after the first unit that did not fit. */
	n = sanitize_into(out, 4, "\x1b" "ab", 3);
	cr_assert_str_eq(out, "");
	cr_assert_eq(n, 6);
	out[0] = 'x';
	sanitize_into(out, 1, "abc", 3);
	cr_assert_eq(out[0], '\0');
}

Test(sanitize, next_reports_escapes)
{
	char unit[SANITIZE_UNIT_MAX];
	bool esc;

	cr_assert_eq(sanitize_next("\x1b[", 2, unit, &esc), 1);
	cr_assert(esc);
	cr_assert_str_eq(unit, "\\x1b");
	cr_assert_eq(sanitize_next("\\x1b", 4, unit, &esc), 1);
	cr_assert_not(esc);
	cr_assert_str_eq(unit, "\\");
	cr_assert_eq(sanitize_next("\xe2\x80\xae", 3, unit, &esc), 3);
	cr_assert(esc);
	cr_assert_str_eq(unit, "\\u202e");
	cr_assert_eq(sanitize_next("\xf0\x9f\x98\x80", 4, unit, &esc), 4);
	cr_assert_not(esc);
	cr_assert_eq(sanitize_next("", 0, unit, &esc), 0);
	cr_assert_str_eq(unit, "");
}

Test(text, width_counts_columns, .init = utf8_locale)
{
	cr_assert_eq(text_width("abc"), 3);
	cr_assert_eq(text_width("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e"), 6);
	cr_assert_eq(text_width("\xf0\x9f\x98\x80"), 2);
	cr_assert_eq(text_width("a\xf0\x9f\x94\xa5" "b"), 4);
	cr_assert_eq(text_width("e\xcc\x81"), 1);      /* e + combining */
	cr_assert_eq(text_width("caf\xc3\xa9"), 4);
	cr_assert_eq(text_width("\\x1b"), 4);
	cr_assert_eq(text_width(""), 0);
}

Test(text, fit_never_splits_a_character, .init = utf8_locale)
{
	const char *s = "ab\xe6\x97\xa5\xe6\x9c\xac";
	int used;

	cr_assert_eq(text_fit(s, 3, &used), 2);
	cr_assert_eq(used, 2);
	cr_assert_eq(text_fit(s, 4, &used), 5);
	cr_assert_eq(used, 4);
	cr_assert_eq(text_fit(s, 99, &used), strlen(s));
	cr_assert_eq(used, 6);
	/* The combining accent stays with its letter. */
	cr_assert_eq(text_fit("e\xcc\x81x", 1, &used), 3);
	cr_assert_eq(used, 1);
	cr_assert_eq(text_fit(s, 0, NULL), 0);
}

Test(text, truncate_adds_ellipsis, .init = utf8_locale)
{
	char out[64];

	cr_assert_eq(text_truncate(out, sizeof(out), "abcdef", 6, true), 6);
	cr_assert_str_eq(out, "abcdef");
	cr_assert_eq(text_truncate(out, sizeof(out), "abcdefg", 6, true), 6);
	cr_assert_str_eq(out, "abcde\u2026");
	cr_assert_eq(text_truncate(out, sizeof(out), "abcdefg", 6, false), 6);
	cr_assert_str_eq(out, "abcde~");
	/* Wide characters: 5 columns hold two of them and the ellipsis. */
	cr_assert_eq(text_truncate(out, sizeof(out),
				   "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 5,
				   true), 5);
	cr_assert_str_eq(out, "\xe6\x97\xa5\xe6\x9c\xac\u2026");
	cr_assert_eq(text_truncate(out, sizeof(out),
				   "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 4,
				   true), 3);
	cr_assert_str_eq(out, "\xe6\x97\xa5\u2026");
	/* The text is sanitized first and an escape is never split. */
	cr_assert_eq(text_truncate(out, sizeof(out), "\x1b[31m", 9, true), 8);
	cr_assert_str_eq(out, "\\x1b[31m");
	cr_assert_eq(text_truncate(out, sizeof(out), "a\x1b[31m", 4, true),
		     2);
	cr_assert_str_eq(out, "a\u2026");
	cr_assert_eq(text_truncate(out, sizeof(out), "abc", 0, true), 0);
	cr_assert_str_eq(out, "");
	cr_assert_eq(text_truncate(out, sizeof(out), "abc", 1, true), 1);
	cr_assert_str_eq(out, "\u2026");
}

Test(text, truncate_ascii_replaces_non_ascii, .init = utf8_locale)
{
	char out[64];

	cr_assert_eq(text_truncate(out, sizeof(out), "caf\xc3\xa9", 9, false),
		     4);
	cr_assert_str_eq(out, "caf?");
	cr_assert_eq(text_truncate(out, sizeof(out), "\xe6\x97\xa5x", 9,
				   false), 2);
	cr_assert_str_eq(out, "?x");
}

Test(text, truncate_respects_buffer_size, .init = utf8_locale)
{
	char out[6];
	int used = text_truncate(out, sizeof(out), "abcdefghij", 20, true);

	/* 5 bytes of room: "ab" + "…" (3 bytes) keeps within the buffer. */
	cr_assert_str_eq(out, "ab\u2026");
	cr_assert_eq(used, 3);
	used = text_truncate(out, sizeof(out), "\xe6\x97\xa5\xe6\x9c\xac", 20,
			     true);
	cr_assert_lt(strlen(out), sizeof(out));
	cr_assert_eq(used, text_width(out));
}

Test(text, utf8_defaults_to_true)
{
	cr_assert(text_utf8);
}
