/* The diagnosis kind: the findings the correlation rules concluded
 * (core/correlate.c) from every other source's latest snapshot. Its
 * derive() only hands them to the tracker, which gives them a life like
 * any other finding's. Pure functions: any thread. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/kind.h"
#include "core/rules_internal.h"

static void
diag_derive(struct snapshot *s, struct derive *d)
{
	const struct diag_model *m = s->data;

	for (size_t i = 0; i < m->n_findings; i++) {
		const struct finding *src = &m->findings[i];
		struct finding *f = rules_list_add(d->findings, src->sev,
						   src->key, "%s", src->text);
		int64_t opened = f->opened_ms;

		*f = *src;
		f->opened_ms = opened;
		f->clearing = false;
	}
}

static double
diag_cleared(const struct snapshot *s, const char *key, char *buf, size_t n)
{
	(void)s;
	(void)key;
	snprintf(buf, n, "its evidence no longer holds");
	return NAN;
}

const struct kind_desc kind_diag = {
	.kind = SNAP_DIAGNOSIS,
	.name = "diagnosis",
	.title = "Diagnosis",
	.abbrev = "dx",
	.paneless = true,
	.aliases = (const char *const[]){ "findings", NULL },
	.derive = diag_derive,
	.cleared = diag_cleared,
};
