/* Helpers every pane shares. UI thread. */
#include "tui/pane.h"

#include <ctype.h>
#include <string.h>

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
