/* Golden files: output compared byte for byte with tests/fixtures/NAME
 * (WARROOM_UPDATE_GOLDEN=1 rewrites them instead). Test processes only. */
#ifndef WARROOM_GOLDEN_FIXTURE_H
#define WARROOM_GOLDEN_FIXTURE_H

/* Asserts that actual is the golden file name; on a difference writes
 * actual to /tmp/NAME.actual for a diff. */
void golden_check(const char *name, const char *actual);

#endif
