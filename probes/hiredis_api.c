/* hiredis's function table: see hiredis_api.h. */
#include "build-config.h"

#if HAVE_HIREDIS

#include "probes/hiredis_api.h"

#include "probes/dynlib.h"

struct hiredis_api hiredis;

static const char *const names[] = {
#define HIREDIS_NAME(fn) #fn,
    HIREDIS_FUNCTIONS(HIREDIS_NAME)
#undef HIREDIS_NAME
};

_Static_assert(sizeof(struct hiredis_api) ==
		   sizeof(names) / sizeof(*names) * sizeof(void *),
	       "struct hiredis_api holds exactly one pointer per name");

static struct dynlib lib = {
    .soname = DL_HIREDIS_SONAME,
    .what = "Redis",
    .package = DL_HIREDIS_PACKAGE,
    .names = names,
    .n = sizeof(names) / sizeof(*names),
    .table = &hiredis,
    .lock = PTHREAD_MUTEX_INITIALIZER,
};

bool
hiredis_load(struct err *err)
{
	return dynlib_load(&lib, err);
}

#endif /* HAVE_HIREDIS */
