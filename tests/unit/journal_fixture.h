/* A scratch directory for the tests that write incident journals: made
 * fresh for each test and removed with everything below it. Test
 * processes only. */
#ifndef WARROOM_JOURNAL_FIXTURE_H
#define WARROOM_JOURNAL_FIXTURE_H

#include <stddef.h>

/* Makes a new directory /tmp/NAME-XXXXXX and puts its path in dir (size
 * bytes); asserts that it worked. */
void journal_fixture_mkdir(char *dir, size_t size, const char *name);
/* Removes dir and everything below it. */
void journal_fixture_rm(const char *dir);

#endif
