/* libcurl's function table: see libcurl_api.h. */
#include "build-config.h"

#if HAVE_LIBCURL

#include "probes/libcurl_api.h"

#include "probes/dynlib.h"

struct libcurl_api libcurl;

static const char *const names[] = {
#define LIBCURL_NAME(fn) #fn,
    LIBCURL_FUNCTIONS(LIBCURL_NAME)
#undef LIBCURL_NAME
};

_Static_assert(sizeof(struct libcurl_api) ==
		   sizeof(names) / sizeof(*names) * sizeof(void *),
	       "struct libcurl_api holds exactly one pointer per name");

static struct dynlib lib = {
    .soname = DL_LIBCURL_SONAME,
    .what = "HTTP (Prometheus, Alertmanager, Slack)",
    .package = DL_LIBCURL_PACKAGE,
    .names = names,
    .n = sizeof(names) / sizeof(*names),
    .table = &libcurl,
    .lock = PTHREAD_MUTEX_INITIALIZER,
};

bool
libcurl_load(struct err *err)
{
	return dynlib_load(&lib, err);
}

#endif /* HAVE_LIBCURL */
