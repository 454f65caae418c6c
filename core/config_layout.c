/* The [layout] section: which row each pane sits in, in which order, how
 * wide, how tall the rows are, and which panes start hidden. Checked
 * here key by key as core/config.c reads them; the panes are the kinds
 * (core/kind.h) and the timeline. Pure functions: any thread. */
#include "core/config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/config_check.h"
#include "core/kind.h"

static const char *const row_names[CONFIG_LAYOUT_ROWS] = {
	"top", "middle", "bottom",
};

/* Bits of struct config_layout.seen: one per key (the rows, heights,
 * hide), then one per pane's width. */
enum {
	SEEN_HEIGHTS = CONFIG_LAYOUT_ROWS,
	SEEN_HIDE,
	SEEN_WIDTH0,
};

int
config_layout_pane(const char *name)
{
	const struct kind_desc *kd;

	if (strcasecmp(name, "timeline") == 0) {
		return CONFIG_PANE_TIMELINE;
	}
	kd = kind_find(name);
	return kd != NULL && !kd->paneless ? (int)kd->kind : -1;
}

const char *
config_layout_pane_name(int pane)
{
	const struct kind_desc *kd = kind_of((enum snap_kind)pane);

	if (pane == CONFIG_PANE_TIMELINE) {
		return "timeline";
	}
	return kd != NULL ? kd->name : "?";
}

static int
unknown_pane(const char *name, struct err *why)
{
	char shown[CONFIG_ECHO_MAX + 1], names[160] = "";

	config_check_echo(shown, sizeof(shown), name);
	/* The kinds' names, from their table. */
	for (int k = 0; k < SNAP_KIND_COUNT; k++) {
		size_t len = strlen(names);

		if (kind_of((enum snap_kind)k)->paneless) {
			continue;
		}
		snprintf(names + len, sizeof(names) - len, "%s, ",
			 kind_of((enum snap_kind)k)->name);
	}
	return err_set(why, "unknown pane '%s' in [layout] (use %stimeline)",
		       shown, names);
}

/* Calls one(l, pane, pos, arg) for each name of a comma-separated list;
 * a name that is no pane, or an empty item, is an error. */
static int
each_pane(struct config_layout *l, const char *key, const char *list,
	  int (*one)(struct config_layout *l, int pane, int pos, int arg,
		     struct err *why),
	  int arg, struct err *why)
{
	char item[64];
	const char *s = list;
	int pos = 0;

	for (;;) {
		const char *end = strchr(s, ',');
		size_t len = end != NULL ? (size_t)(end - s) : strlen(s);
		int pane;

		while (len > 0 && isspace((unsigned char)*s)) {
			s++;
			len--;
		}
		while (len > 0 && isspace((unsigned char)s[len - 1])) {
			len--;
		}
		if (len == 0) {
			return err_set(why, "%s in [layout]: empty pane name "
				       "(separate names with commas)", key);
		}
		if (len >= sizeof(item)) {
			len = sizeof(item) - 1;
		}
		memcpy(item, s, len);
		item[len] = '\0';
		pane = config_layout_pane(item);
		if (pane < 0) {
			return unknown_pane(item, why);
		}
		if (one(l, pane, pos++, arg, why) < 0) {
			return -1;
		}
		if (end == NULL) {
			return 0;
		}
		s = end + 1;
	}
}

static int
put_in_row(struct config_layout *l, int pane, int pos, int row,
	   struct err *why)
{
	struct config_layout_pane *p = &l->pane[pane];

	if (p->row > 0) {
		if (p->row == row + 1) {
			return err_set(why, "pane '%s' is named twice in %s "
				       "in [layout]",
				       config_layout_pane_name(pane),
				       row_names[row]);
		}
		return err_set(why, "pane '%s' is in two rows of [layout] "
			       "(%s and %s)", config_layout_pane_name(pane),
			       row_names[p->row - 1], row_names[row]);
	}
	p->row = row + 1;
	p->pos = pos;
	return 0;
}

static int
hide(struct config_layout *l, int pane, int pos, int arg, struct err *why)
{
	(void)pos;
	(void)arg;
	(void)why;
	l->pane[pane].hidden = true;
	return 0;
}

/* A whole number lo..hi with nothing else around it but blanks. */
static bool
parse_int(const char *s, int lo, int hi, int *out, const char **end)
{
	long v;
	char *e;

	while (isspace((unsigned char)*s)) {
		s++;
	}
	if (!isdigit((unsigned char)*s)) {
		return false;
	}
	v = strtol(s, &e, 10);
	if (v < lo || v > hi) {
		return false;
	}
	while (isspace((unsigned char)*e)) {
		e++;
	}
	*out = (int)v;
	*end = e;
	return true;
}

static int
set_heights(struct config_layout *l, const char *value, struct err *why)
{
	const char *s = value, *end;

	for (int i = 0; i < CONFIG_LAYOUT_ROWS; i++) {
		if (!parse_int(s, 1, 100, &l->heights[i], &end) ||
		    (i + 1 < CONFIG_LAYOUT_ROWS ? *end != ',' :
		     *end != '\0')) {
			memset(l->heights, 0, sizeof(l->heights));
			return err_set(why, "heights in [layout]: expected "
				       "three numbers from 1 to 100 (top, "
				       "middle, bottom), e.g. 50, 20, 30");
		}
		s = end + 1;
	}
	return 0;
}

/* "database.width": the pane's share of its row. */
static int
set_width(struct config_layout *l, const char *key, const char *value,
	  struct err *why)
{
	const char *dot = strrchr(key, '.');
	char name[64], shown[CONFIG_ECHO_MAX + 1];
	size_t len = (size_t)(dot - key);
	const char *end;
	int pane, w;

	if (len == 0 || len >= sizeof(name)) {
		config_check_echo(shown, sizeof(shown), key);
		return err_set(why, "unknown key '%s' in [layout]", shown);
	}
	memcpy(name, key, len);
	name[len] = '\0';
	pane = config_layout_pane(name);
	if (pane < 0) {
		return unknown_pane(name, why);
	}
	if (l->seen & (1u << (SEEN_WIDTH0 + pane))) {
		return err_set(why, "duplicate key '%s.width' in [layout]",
			       config_layout_pane_name(pane));
	}
	if (!parse_int(value, 1, CONFIG_LAYOUT_WIDTH_MAX, &w, &end) ||
	    *end != '\0') {
		return err_set(why, "%s.width in [layout]: expected a whole "
			       "number from 1 to %d",
			       config_layout_pane_name(pane),
			       CONFIG_LAYOUT_WIDTH_MAX);
	}
	l->seen |= 1u << (SEEN_WIDTH0 + pane);
	l->pane[pane].width = w;
	return 0;
}

int
config_layout_key(struct config_layout *l, const char *key,
		  const char *value, struct err *why)
{
	const char *dot = strrchr(key, '.');
	char shown[CONFIG_ECHO_MAX + 1];
	int bit = -1;

	l->set = true;
	config_check_echo(shown, sizeof(shown), key);
	if (dot != NULL && strcmp(dot, ".width") == 0) {
		if (*value == '\0') {
			return err_set(why, "empty value for %s in [layout]",
				       shown);
		}
		return set_width(l, key, value, why);
	}
	for (int r = 0; r < CONFIG_LAYOUT_ROWS; r++) {
		if (strcmp(key, row_names[r]) == 0) {
			bit = r;
		}
	}
	if (strcmp(key, "heights") == 0) {
		bit = SEEN_HEIGHTS;
	} else if (strcmp(key, "hide") == 0) {
		bit = SEEN_HIDE;
	}
	if (bit < 0) {
		if (!config_check_echoable(key)) {
			return err_set(why, "malformed key in [layout]");
		}
		return err_set(why, "unknown key '%s' in [layout] (use top, "
			       "middle, bottom, heights, hide or "
			       "PANE.width)", shown);
	}
	if (l->seen & (1u << bit)) {
		return err_set(why, "duplicate key '%s' in [layout]", key);
	}
	l->seen |= 1u << bit;
	if (*value == '\0') {
		return err_set(why, "empty value for %s in [layout]", key);
	}
	if (bit == SEEN_HEIGHTS) {
		return set_heights(l, value, why);
	}
	if (bit == SEEN_HIDE) {
		return each_pane(l, key, value, hide, 0, why);
	}
	return each_pane(l, key, value, put_in_row, bit, why);
}
