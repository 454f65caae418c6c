/* A scrolling view of wrapped, sanitized text. UI thread. */
#include "widgets/textview.h"

#include <stdlib.h>

#include "core/xalloc.h"
#include "widgets/draw.h"

void
textview_set(struct textview *tv, const char *text)
{
	free(tv->text);
	tv->text = xstrdup(text != NULL ? text : "");
	tv->top = 0;
	tv->n_lines = 0;
}

void
textview_finish(struct textview *tv)
{
	free(tv->text);
	tv->text = NULL;
	tv->top = 0;
	tv->n_lines = 0;
}

static size_t
last_top(const struct textview *tv)
{
	size_t page = tv->page > 0 ? (size_t)tv->page : 1;

	return tv->n_lines > page ? tv->n_lines - page : 0;
}

void
textview_draw(struct textview *tv, WINDOW *win, int y, int x, int h, int w,
	      const struct theme *t)
{
	if (h <= 0 || w <= 0) {
		return;
	}
	tv->page = h;
	tv->n_lines = draw_wrapped(NULL, 0, 0, 0, w, tv->text, 0, ROLE_NORMAL,
				   t);
	if (tv->top > last_top(tv)) {
		tv->top = last_top(tv);
	}
	draw_fill(win, y, x, h, w, ROLE_NORMAL, t);
	draw_wrapped(win, y, x, h, w, tv->text, tv->top, ROLE_NORMAL, t);
}

bool
textview_key(struct textview *tv, int key)
{
	size_t page = tv->page > 0 ? (size_t)tv->page : 1;
	size_t old = tv->top, end = last_top(tv);

	switch (key) {
	case KEY_UP:
	case 'k':
		tv->top = tv->top > 0 ? tv->top - 1 : 0;
		break;
	case KEY_DOWN:
	case 'j':
		tv->top = tv->top < end ? tv->top + 1 : end;
		break;
	case KEY_PPAGE:
		tv->top = tv->top > page ? tv->top - page : 0;
		break;
	case KEY_NPAGE:
		tv->top = tv->top + page < end ? tv->top + page : end;
		break;
	case KEY_HOME:
	case 'g':
		tv->top = 0;
		break;
	case KEY_END:
	case 'G':
		tv->top = end;
		break;
	default:
		return false;
	}
	return tv->top != old;
}
