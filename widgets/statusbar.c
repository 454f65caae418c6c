/* The status line: message on the left, key hints on the right; when the
 * line is narrow the hints go first (from the last), then the message is
 * cut. UI thread. */
#include "widgets/statusbar.h"

#include <string.h>

#include "widgets/draw.h"

#define MAX_HINTS 32

struct hint {
	char key[32];
	char label[96];
	int w;                  /* columns of "key label" */
};

/* Splits "key\tlabel\n..." into hints; returns how many. */
static int
parse_hints(const char *s, struct hint *h, int max)
{
	int n = 0;

	while (s != NULL && *s != '\0' && n < max) {
		const char *nl = strchr(s, '\n');
		size_t len = nl != NULL ? (size_t)(nl - s) : strlen(s);
		const char *tab = memchr(s, '\t', len);
		size_t kl = tab != NULL ? (size_t)(tab - s) : len;
		size_t ll = tab != NULL ? len - kl - 1 : 0;

		if (len > 0) {
			kl = kl < sizeof(h[n].key) ? kl : sizeof(h[n].key) - 1;
			ll = ll < sizeof(h[n].label) ? ll
						     : sizeof(h[n].label) - 1;
			memcpy(h[n].key, s, kl);
			h[n].key[kl] = '\0';
			if (tab != NULL) {
				memcpy(h[n].label, tab + 1, ll);
			}
			h[n].label[ll] = '\0';
			h[n].w = draw_width(h[n].key);
			if (ll > 0) {
				h[n].w += 1 + draw_width(h[n].label);
			}
			n++;
		}
		s = nl != NULL ? nl + 1 : NULL;
	}
	return n;
}

void
statusbar_draw(WINDOW *win, int y, int width, const char *msg,
	       enum role msg_role, const char *hints, const struct theme *t)
{
	struct hint h[MAX_HINTS];
	int n = parse_hints(hints, h, MAX_HINTS);
	int msg_w = draw_width(msg);
	int avail, shown = 0, hints_w = 0, x;

	if (width <= 0) {
		return;
	}
	if (msg_role == ROLE_NORMAL) {
		msg_role = ROLE_STATUS;
	}
	draw_fill(win, y, 0, 1, width, ROLE_STATUS, t);
	/* One column of margin on each side, two between message and
	 * hints and between hints. */
	avail = width - 2 - (msg_w > 0 ? msg_w + 2 : 0);
	while (shown < n) {
		int add = h[shown].w + (shown > 0 ? 2 : 0);

		if (hints_w + add > avail) {
			break;
		}
		hints_w += add;
		shown++;
	}
	if (msg != NULL) {
		draw_text(win, y, 1, width - 2, msg, msg_role, t);
	}
	x = width - 1 - hints_w;
	for (int i = 0; i < shown; i++) {
		x += draw_text(win, y, x, h[i].w, h[i].key, ROLE_KEY, t);
		if (h[i].label[0] != '\0') {
			x++;
			x += draw_text(win, y, x, h[i].w, h[i].label,
				       ROLE_STATUS, t);
		}
		x += 2;
	}
}
