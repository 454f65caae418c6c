/* --snapshot: the live screen's drawing code, aimed at an ncurses screen
 * on /dev/null of a known terminal type, read back cell by cell and
 * printed as UTF-8 lines; then every source, one line each, so that the
 * sources a pane shows only as a tab are in the ticket too. Main thread;
 * never touches the real terminal. */
#include "tui/snapshot_text.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <curses.h>

#include "core/clock.h"
#include "core/sanitize.h"
#include "core/xalloc.h"
#include "tui/app.h"
#include "tui/command.h"
#include "tui/screen.h"

/* Line-drawing characters stored as A_ALTCHARSET cells, in Unicode and in
 * ASCII. */
static const struct {
	char acs;
	const char *utf8;
	char ascii;
} acs_text[] = {
	{ 'q', "\u2500", '-' }, { 'x', "\u2502", '|' },
	{ 'l', "\u250c", '+' }, { 'k', "\u2510", '+' },
	{ 'm', "\u2514", '+' }, { 'j', "\u2518", '+' },
	{ 't', "\u251c", '+' }, { 'u', "\u2524", '+' },
	{ 'v', "\u2534", '+' }, { 'w', "\u252c", '+' },
	{ 'n', "\u253c", '+' }, { 'a', "\u2592", '#' },
	{ '0', "\u2588", '#' }, { '~', "\u00b7", 'o' },
	{ '`', "\u25c6", '+' }, { 'f', "\u00b0", '\'' },
	{ 'h', "\u2591", '#' }, { 'o', "\u23ba", '-' },
	{ 's', "\u23bd", '_' },
};

static size_t
put_utf8(char *out, unsigned long c)
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	if (c < 0x110000) {
		out[0] = (char)(0xf0 | (c >> 18));
		out[1] = (char)(0x80 | ((c >> 12) & 0x3f));
		out[2] = (char)(0x80 | ((c >> 6) & 0x3f));
		out[3] = (char)(0x80 | (c & 0x3f));
		return 4;
	}
	out[0] = '?';
	return 1;
}

static size_t
put_acs(char *out, wchar_t c)
{
	for (size_t i = 0; i < sizeof(acs_text) / sizeof(acs_text[0]); i++) {
		if ((wchar_t)acs_text[i].acs == c) {
			if (text_utf8) {
				size_t n = strlen(acs_text[i].utf8);

				memcpy(out, acs_text[i].utf8, n);
				return n;
			}
			out[0] = acs_text[i].ascii;
			return 1;
		}
	}
	out[0] = '?';
	return 1;
}

/* One screen line as UTF-8, trailing spaces trimmed, into line (room for
 * 4 * CCHARW_MAX bytes per cell). A double-width character fills two
 * cells; the second is skipped. */
static void
read_line(WINDOW *win, int y, int cols, char *line)
{
	size_t len = 0, keep = 0;
	int x = 0;

	while (x < cols) {
		cchar_t cc;
		wchar_t wch[CCHARW_MAX + 1];
		attr_t attrs;
		short pair;
		int w;

		if (mvwin_wch(win, y, x, &cc) == ERR ||
		    getcchar(&cc, wch, &attrs, &pair, NULL) == ERR ||
		    wch[0] == L'\0') {
			line[len++] = ' ';
			x++;
			continue;
		}
		if (attrs & A_ALTCHARSET) {
			len += put_acs(line + len, wch[0]);
			w = 1;
		} else {
			for (int k = 0; k < CCHARW_MAX && wch[k] != L'\0';
			     k++) {
				len += put_utf8(line + len,
						(unsigned long)wch[k]);
			}
			w = wcwidth(wch[0]);
			if (w < 1) {
				w = 1;
			}
		}
		if (wch[0] != L' ' || (attrs & A_ALTCHARSET)) {
			keep = len;
		}
		x += w;
	}
	line[keep] = '\0';
}

static const char *
state_word(const struct app *a, int src)
{
	if (app_source_glyph(a, src) == APP_GLYPH_DOWN) {
		return "down";
	}
	switch (a->health[src]) {
	case HEALTH_OK:
		return "ok";
	case HEALTH_WARN:
		return "warn";
	case HEALTH_CRIT:
		return "crit";
	case HEALTH_UNKNOWN:
		break;
	}
	return "waiting";
}

/* "  ✕ postgres.billing  down  no data  password authentication failed
 * ...": every source in the order configured, with its state, the age of
 * the data it shows, and its error or worst finding (sanitized, never
 * cut: this part is for the ticket, not the terminal). */
static void
print_sources(struct app *a, FILE *out)
{
	size_t n = 0;
	int name_w = 0;

	for (size_t i = 0; i < a->n_sources; i++) {
		if (!state_source_retired(a->st, (int)i)) {
			int w = (int)strlen(state_source_name(a->st, (int)i));

			n++;
			name_w = w > name_w ? w : name_w;
		}
	}
	fprintf(out, "\nSources (%zu)\n", n);
	for (size_t i = 0; i < a->n_sources; i++) {
		struct snapshot *s;
		const struct snapshot *data = NULL;
		char age[32] = "no data", *what = NULL;

		if (state_source_retired(a->st, (int)i)) {
			continue;
		}
		s = state_get(a->st, (int)i);
		if (s != NULL) {
			data = s->data != NULL ? s : s->last_good;
			if (s->error[0] != '\0') {
				what = sanitize(s->error);
			} else if (s->n_findings > 0) {
				what = sanitize(s->findings[0].text);
			}
		}
		if (data != NULL) {
			app_age_text(data, clock_mono_ms(), age, sizeof(age));
		}
		fprintf(out, "  %s %-*s  %-7s  %-*s%s%s\n",
			app_glyph_text(app_source_glyph(a, (int)i)), name_w,
			state_source_name(a->st, (int)i),
			state_word(a, (int)i), what != NULL ? 8 : 0, age,
			what != NULL ? "  " : "", what != NULL ? what : "");
		free(what);
		snapshot_unref(s);
	}
}

int
snapshot_text_render(struct app *a, int cols, int rows, FILE *out,
		     struct err *err)
{
	FILE *null_out, *null_in;
	SCREEN *scr;
	char *line;

	null_out = fopen("/dev/null", "w");
	null_in = fopen("/dev/null", "r");
	if (null_out == NULL || null_in == NULL) {
		if (null_out != NULL) {
			fclose(null_out);
		}
		if (null_in != NULL) {
			fclose(null_in);
		}
		return err_set(err, "/dev/null: %s", strerror(errno));
	}
	/* The size comes from --size only, never from LINES/COLUMNS. */
	use_env(FALSE);
	scr = newterm("xterm-256color", null_out, null_in);
	if (scr == NULL) {
		scr = newterm("xterm", null_out, null_in);
	}
	if (scr == NULL) {
		fclose(null_out);
		fclose(null_in);
		return err_set(err, "no terminfo entry for xterm-256color "
			       "or xterm (install ncurses-base)");
	}
	set_term(scr);
	resizeterm(rows, cols);
	a->win = stdscr;
	app_resize(a, rows, cols);
	command_collect(a);
	screen_draw(a);

	line = xmalloc((size_t)cols * 4 * (CCHARW_MAX + 1) + 1);
	for (int y = 0; y < rows; y++) {
		read_line(stdscr, y, cols, line);
		fputs(line, out);
		fputc('\n', out);
	}
	free(line);
	if (!a->first_run && a->lay.mode != LAYOUT_TOO_SMALL) {
		print_sources(a, out);
	}
	endwin();
	delscreen(scr);
	a->win = NULL;
	fclose(null_out);
	fclose(null_in);
	return 0;
}
