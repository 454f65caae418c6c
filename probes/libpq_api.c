/* libpq's function table: see libpq_api.h. */
#include "build-config.h"

#if HAVE_LIBPQ

#include "probes/libpq_api.h"

#include "probes/dynlib.h"

struct libpq_api libpq;

static const char *const names[] = {
#define LIBPQ_NAME(fn) #fn,
    LIBPQ_FUNCTIONS(LIBPQ_NAME)
#undef LIBPQ_NAME
};

_Static_assert(sizeof(struct libpq_api) ==
		   sizeof(names) / sizeof(*names) * sizeof(void *),
	       "struct libpq_api holds exactly one pointer per name");

static struct dynlib lib = {
    .soname = DL_LIBPQ_SONAME,
    .what = "PostgreSQL",
    .package = DL_LIBPQ_PACKAGE,
    .names = names,
    .n = sizeof(names) / sizeof(*names),
    .table = &libpq,
    .lock = PTHREAD_MUTEX_INITIALIZER,
};

bool
libpq_load(struct err *err)
{
	return dynlib_load(&lib, err);
}

#endif /* HAVE_LIBPQ */
