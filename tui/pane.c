/* Helpers every pane shares. UI thread. */
#include "tui/pane.h"

#include <ctype.h>
#include <string.h>

#include "core/kind.h"

const char *
pane_title(const struct pane *p)
{
	const struct kind_desc *kd = kind_of(p->ops->kind);

	return kd != NULL ? kd->title : p->ops->title;
}

bool
pane_filter_match(const struct pane *p, const char *s)
{
	const char *f = p->filter;
	size_t fl = strlen(f);

	if (fl == 0) {
		return true;
	}
	if (s == NULL) {
		return false;
	}
	/* ASCII case folding: filters are typed names, pids and states. */
	for (; *s != '\0'; s++) {
		size_t k = 0;

		while (k < fl && s[k] != '\0' &&
		       tolower((unsigned char)s[k]) ==
		       tolower((unsigned char)f[k])) {
			k++;
		}
		if (k == fl) {
			return true;
		}
	}
	return false;
}
