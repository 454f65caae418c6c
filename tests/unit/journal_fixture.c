/* A scratch directory for the tests that write incident journals. Test
 * processes only (see journal_fixture.h). */
#include "tests/unit/journal_fixture.h"

#include <criterion/criterion.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
journal_fixture_mkdir(char *dir, size_t size, const char *name)
{
	int n = snprintf(dir, size, "/tmp/%s-XXXXXX", name);

	cr_assert(n > 0 && (size_t)n < size);
	cr_assert_not_null(mkdtemp(dir));
}

void
journal_fixture_rm(const char *dir)
{
	struct dirent *de;
	char p[512];
	DIR *dd = opendir(dir);

	if (dd == NULL) {
		return;
	}
	while ((de = readdir(dd)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0) {
			continue;
		}
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (unlink(p) != 0) {
			journal_fixture_rm(p);
		}
	}
	closedir(dd);
	rmdir(dir);
}
