/* Modal dialogs: confirm (No unless the operator moves to Yes), text
 * input and type-to-confirm. Opening one discards typeahead. UI thread. */
#include "widgets/dialog.h"

#include <stdint.h>
#include <string.h>

#include "core/sanitize.h"
#include "core/xalloc.h"
#include "widgets/draw.h"

#define KEY_ESC 27
#define KEY_CTRL_U 0x15
#define KEY_CTRL_W 0x17

/* Copies src into dst (size n) without cutting a UTF-8 character. */
static void
copy_utf8(char *dst, const char *src, size_t n)
{
	size_t len = strlcpy_safe(dst, src != NULL ? src : "", n);

	if (len >= n) {
		size_t end = n - 1;

		while (end > 0 && ((unsigned char)dst[end] & 0xc0) == 0x80) {
			end--;
		}
		/* dst[end] starts the cut character (or is the NUL). */
		dst[end] = '\0';
	}
}

static void
open_common(struct dialog *d, enum dialog_kind kind, int tag,
	    const char *title, const char *body)
{
	memset(d, 0, sizeof(*d));
	d->kind = kind;
	d->tag = tag;
	copy_utf8(d->title, title, sizeof(d->title));
	copy_utf8(d->body, body, sizeof(d->body));
	d->yes_selected = false;
	/* Keys typed before the dialog appeared, or a terminal's answer to
	 * an escape sequence, must not answer it. ncurses' flushinp also
	 * empties its own queue, including ungetch'd keys. */
	flushinp();
}

void
dialog_open_confirm(struct dialog *d, int tag, const char *title,
		    const char *body)
{
	open_common(d, DIALOG_CONFIRM, tag, title, body);
}

void
dialog_open_input(struct dialog *d, int tag, const char *title,
		  const char *prompt, const char *initial)
{
	open_common(d, DIALOG_INPUT, tag, title, prompt);
	if (initial != NULL && sanitize_is_clean(initial)) {
		copy_utf8(d->input, initial, sizeof(d->input));
	}
}

void
dialog_open_type_to_confirm(struct dialog *d, int tag, const char *title,
			    const char *body, const char *expect)
{
	open_common(d, DIALOG_TYPE_TO_CONFIRM, tag, title, body);
	copy_utf8(d->expect, expect, sizeof(d->expect));
}

void
dialog_close(struct dialog *d)
{
	d->kind = DIALOG_NONE;
}

bool
dialog_is_open(const struct dialog *d)
{
	return d->kind != DIALOG_NONE;
}

static size_t
utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	} else if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	} else if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	} else if (cp <= 0x10ffff) {
		out[0] = (char)(0xf0 | (cp >> 18));
		out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[3] = (char)(0x80 | (cp & 0x3f));
		return 4;
	}
	return 0;
}

/* Appends a typed character; controls, C1, bidi controls and surrogates
 * are refused, as the sanitizer would escape them. */
static void
input_insert(struct dialog *d, uint32_t cp)
{
	char enc[5] = { 0 };
	size_t k = utf8_encode(cp, enc), len = strlen(d->input);

	if (k == 0 || !sanitize_is_clean(enc) || len + k >= sizeof(d->input)) {
		return;
	}
	memcpy(d->input + len, enc, k + 1);
}

/* Removes the last character (all its UTF-8 bytes). */
static void
input_backspace(struct dialog *d)
{
	size_t len = strlen(d->input);

	while (len > 0 && ((unsigned char)d->input[len - 1] & 0xc0) == 0x80) {
		len--;
	}
	if (len > 0) {
		len--;
	}
	d->input[len] = '\0';
}

static void
input_delete_word(struct dialog *d)
{
	size_t len = strlen(d->input);

	while (len > 0 && d->input[len - 1] == ' ') {
		len--;
	}
	while (len > 0 && d->input[len - 1] != ' ') {
		len--;
	}
	d->input[len] = '\0';
}

static enum dialog_result
finish(struct dialog *d, enum dialog_result r)
{
	/* Closed, but title, input and tag stay for the caller to read. */
	if (r != DIALOG_PENDING) {
		d->kind = DIALOG_NONE;
	}
	return r;
}

static enum dialog_result
confirm_key(struct dialog *d, int key, bool ch)
{
	if (ch) {
		switch (key) {
		case 'y':
		case 'Y':
			return DIALOG_YES;
		case 'n':
		case 'N':
		case 'q':
			return DIALOG_NO;
		case '\t':
			d->yes_selected = !d->yes_selected;
			break;
		case 'h':
			d->yes_selected = true;
			break;
		case 'l':
			d->yes_selected = false;
			break;
		default:
			break;
		}
		return DIALOG_PENDING;
	}
	switch (key) {
	case KEY_LEFT:
		d->yes_selected = true;
		break;
	case KEY_RIGHT:
		d->yes_selected = false;
		break;
	case KEY_BTAB:
	case KEY_UP:
	case KEY_DOWN:
		d->yes_selected = !d->yes_selected;
		break;
	default:
		break;
	}
	return DIALOG_PENDING;
}

static void
edit_key(struct dialog *d, int key, bool ch, bool is_wchar)
{
	if ((!ch && key == KEY_BACKSPACE) ||
	    (ch && (key == 0x7f || key == '\b'))) {
		input_backspace(d);
	} else if (ch && key == KEY_CTRL_U) {
		d->input[0] = '\0';
	} else if (ch && key == KEY_CTRL_W) {
		input_delete_word(d);
	} else if (ch && (is_wchar || key < 0x80) && key >= 0x20) {
		/* Without is_wchar a byte above 0x7f is part of a UTF-8
		 * sequence that getch splits; only get_wch gives those. */
		input_insert(d, (uint32_t)key);
	}
}

enum dialog_result
dialog_key(struct dialog *d, int key, bool is_wchar)
{
	/* getch gives characters below KEY_MIN, get_wch says which. */
	const bool ch = is_wchar || (key >= 0 && key < KEY_MIN);
	const bool enter = (ch && (key == '\n' || key == '\r')) ||
			   (!ch && key == KEY_ENTER);

	if (d->kind == DIALOG_NONE) {
		return DIALOG_NO;
	}
	if (ch && key == KEY_ESC) {
		return finish(d, DIALOG_NO);
	}
	switch (d->kind) {
	case DIALOG_CONFIRM:
		if (enter) {
			return finish(d, d->yes_selected ? DIALOG_YES
							 : DIALOG_NO);
		}
		return finish(d, confirm_key(d, key, ch));
	case DIALOG_INPUT:
		if (enter) {
			return finish(d, DIALOG_YES);
		}
		edit_key(d, key, ch, is_wchar);
		return DIALOG_PENDING;
	case DIALOG_TYPE_TO_CONFIRM:
		if (enter) {
			/* Only the exact word confirms; anything else stays
			 * open, shown in the crit colour. */
			return finish(d, strcmp(d->input, d->expect) == 0
						 ? DIALOG_YES
						 : DIALOG_PENDING);
		}
		edit_key(d, key, ch, is_wchar);
		return DIALOG_PENDING;
	case DIALOG_NONE:
		break;
	}
	return DIALOG_NO;
}

/* ---- drawing ------------------------------------------------------- */

/* Widest line of the body, in columns. */
static int
body_width(const char *body)
{
	char line[DIALOG_TEXT_MAX];
	int w = 0;

	while (*body != '\0') {
		const char *nl = strchr(body, '\n');
		size_t len = nl != NULL ? (size_t)(nl - body) : strlen(body);
		int lw;

		memcpy(line, body, len);
		line[len] = '\0';
		lw = draw_width(line);
		w = lw > w ? lw : w;
		if (nl == NULL) {
			break;
		}
		body = nl + 1;
	}
	return w;
}

/* The input line: the end of the text stays in view, with "…" in front
 * when it is cut, and a block for the cursor. */
static void
draw_input(const struct dialog *d, WINDOW *win, int y, int x, int w,
	   enum role role, const struct theme *t)
{
	const char *s = d->input;
	int cx;

	draw_fill(win, y, x, 1, w, ROLE_NORMAL, t);
	if (w < 3) {
		return;
	}
	cx = x;
	if (draw_width(s) > w - 1) {
		while (*s != '\0' && draw_width(s) > w - 2) {
			s++;
			while (((unsigned char)*s & 0xc0) == 0x80) {
				s++;
			}
		}
		cx += draw_text(win, y, cx, 1, text_utf8 ? "\u2026" : "~",
				ROLE_DIM, t);
	}
	cx += draw_text(win, y, cx, x + w - 1 - cx, s, role, t);
	draw_fill(win, y, cx, 1, 1, ROLE_SELECTED, t);
	wmove(win, y, cx);
}

static int
extra_rows(enum dialog_kind kind)
{
	switch (kind) {
	case DIALOG_CONFIRM:
		return 2;       /* blank, buttons */
	case DIALOG_INPUT:
		return 3;       /* blank, input, hint */
	case DIALOG_TYPE_TO_CONFIRM:
		return 4;       /* blank, "Type X", input, hint */
	case DIALOG_NONE:
		break;
	}
	return 0;
}

void
dialog_draw(const struct dialog *d, WINDOW *win, const struct theme *t)
{
	int H, W, dw, dh, iw, want, body_shown, y0, x0, row;
	size_t body_rows;

	if (d->kind == DIALOG_NONE) {
		return;
	}
	getmaxyx(win, H, W);
	if (H < 4 || W < 12) {
		return;
	}
	want = body_width(d->body);
	if (draw_width(d->title) + 4 > want) {
		want = draw_width(d->title) + 4;
	}
	if (d->kind == DIALOG_TYPE_TO_CONFIRM &&
	    draw_width(d->expect) + 20 > want) {
		want = draw_width(d->expect) + 20;
	}
	if (want < 30) {
		want = 30;
	}
	want += 4;      /* frame and a column of air on each side */
	dw = W * 9 / 10;
	if (dw < 24) {
		dw = W;
	}
	if (want < dw) {
		dw = want;
	}
	iw = dw - 4;
	body_rows = draw_wrapped(NULL, 0, 0, 0, iw, d->body, 0, ROLE_DIALOG,
				 t);
	/* frame, a blank line, the body, then the kind's rows */
	dh = 3 + (int)body_rows + extra_rows(d->kind);
	body_shown = (int)body_rows;
	if (dh > H) {
		body_shown -= dh - H;
		if (body_shown < 0) {
			body_shown = 0;
		}
		dh = H;
	}
	y0 = (H - dh) / 2;
	x0 = (W - dw) / 2;

	draw_fill(win, y0, x0, dh, dw, ROLE_DIALOG, t);
	draw_box_role(win, y0, x0, dh, dw, d->title, ROLE_DIALOG_BORDER,
		      ROLE_DIALOG_BORDER, t);
	draw_wrapped(win, y0 + 2, x0 + 2, body_shown, iw, d->body, 0,
		     ROLE_DIALOG, t);
	if (body_shown > 0 && (size_t)body_shown < body_rows) {
		/* More body than screen: say so at the end of what shows. */
		draw_text(win, y0 + 1 + body_shown, x0 + 1 + iw, 1,
			  text_utf8 ? "\u2026" : "~", ROLE_DIALOG, t);
	}
	row = y0 + 2 + body_shown + 1;

	if (d->kind == DIALOG_CONFIRM) {
		int bx = x0 + (dw - 16) / 2;

		draw_text(win, row, bx, 7, "[ Yes ]",
			  d->yes_selected ? ROLE_SELECTED : ROLE_DIALOG, t);
		draw_text(win, row, bx + 10, 6, "[ No ]",
			  d->yes_selected ? ROLE_DIALOG : ROLE_SELECTED, t);
		return;
	}
	if (d->kind == DIALOG_TYPE_TO_CONFIRM) {
		size_t il = strlen(d->input);
		bool off = il > 0 && strncmp(d->expect, d->input, il) != 0;

		draw_textf(win, row++, x0 + 2, iw, ROLE_DIALOG, t,
			   "Type %s to confirm:", d->expect);
		draw_text(win, row + 1, x0 + 2, iw, "Enter confirm  Esc cancel",
			  ROLE_DIALOG, t);
		draw_input(d, win, row, x0 + 2, iw,
			   off ? ROLE_CRIT : ROLE_NORMAL, t);
		return;
	}
	draw_text(win, row + 1, x0 + 2, iw, "Enter accept  Esc cancel",
		  ROLE_DIALOG, t);
	draw_input(d, win, row, x0 + 2, iw, ROLE_NORMAL, t);
}
