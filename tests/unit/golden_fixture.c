/* Golden files (see golden_fixture.h). Test processes only. */
#include "tests/unit/golden_fixture.h"

#include <criterion/criterion.h>
#include <criterion/logging.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/xalloc.h"

void
golden_check(const char *name, const char *actual)
{
	const char *src = getenv("WARROOM_SOURCE_DIR");
	char path[512], out[256];
	char *expect = NULL;
	size_t len = 0;
	FILE *f;

	cr_assert_not_null(src, "WARROOM_SOURCE_DIR is not set");
	snprintf(path, sizeof(path), "%s/tests/fixtures/%s", src, name);
	if (getenv("WARROOM_UPDATE_GOLDEN") != NULL) {
		f = fopen(path, "w");
		cr_assert_not_null(f, "%s", path);
		fputs(actual, f);
		fclose(f);
		cr_log_warn("rewrote %s", path);
		return;
	}
	f = fopen(path, "r");
	cr_assert_not_null(f, "missing golden file %s", path);
	expect = xmalloc(262144);
	len = fread(expect, 1, 262143, f);
	expect[len] = '\0';
	fclose(f);
	if (strcmp(expect, actual) != 0) {
		snprintf(out, sizeof(out), "/tmp/%s.actual", name);
		f = fopen(out, "w");
		if (f != NULL) {
			fputs(actual, f);
			fclose(f);
		}
		cr_assert_fail("%s differs from the golden file; see diff -u "
			       "%s %s", name, path, out);
	}
	free(expect);
}
