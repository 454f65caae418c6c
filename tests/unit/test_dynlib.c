/* probes/dynlib: opening a library on first use, the message when it or
 * one of its functions is missing, and that the first outcome sticks. */
#include <criterion/criterion.h>

#include <pthread.h>
#include <string.h>

#include "build-config.h"
#include "probes/dynlib.h"
#if HAVE_LIBPQ
#include "probes/libpq_api.h"
#endif

struct libm_api {
	double (*cos)(double);
	double (*sqrt)(double);
};

static const char *const libm_names[] = {"cos", "sqrt"};

Test(dynlib, fills_the_table_and_calls_through_it)
{
	struct libm_api api = {0};
	struct dynlib lib = {
	    .soname = "libm.so.6",
	    .what = "maths",
	    .package = "libc6",
	    .names = libm_names,
	    .n = 2,
	    .table = &api,
	    .lock = PTHREAD_MUTEX_INITIALIZER,
	};
	struct err err = {{0}};

	cr_assert(dynlib_load(&lib, &err), "%s", err.msg);
	cr_assert_not_null(api.cos);
	cr_assert_not_null(api.sqrt);
	cr_assert_float_eq(api.cos(0.0), 1.0, 1e-12);
	cr_assert_float_eq(api.sqrt(81.0), 9.0, 1e-12);
	cr_assert_str_empty(err.msg);
}

Test(dynlib, a_missing_library_names_the_file_and_the_package)
{
	struct libm_api api = {0};
	struct dynlib lib = {
	    .soname = "libwarroom-absent.so.7",
	    .what = "Absent",
	    .package = "libwarroom-absent7",
	    .names = libm_names,
	    .n = 2,
	    .table = &api,
	    .lock = PTHREAD_MUTEX_INITIALIZER,
	};
	struct err err = {{0}}, again = {{0}};

	cr_assert_not(dynlib_load(&lib, &err));
	cr_assert_str_eq(err.msg,
			 "Absent support needs libwarroom-absent.so.7 "
			 "(package libwarroom-absent7): cannot open shared "
			 "object file: No such file or directory");
	cr_assert_null(api.cos);
	/* The first outcome sticks: no second dlopen, the same words. */
	cr_assert_not(dynlib_load(&lib, &again));
	cr_assert_str_eq(again.msg, err.msg);
	cr_assert_not(dynlib_load(&lib, NULL));
}

Test(dynlib, a_missing_function_is_named_and_nothing_is_half_filled)
{
	static const char *const names[] = {"cos", "warroom_no_such_function"};
	struct libm_api api = {0};
	struct dynlib lib = {
	    .soname = "libm.so.6",
	    .what = "maths",
	    .package = "libc6",
	    .names = names,
	    .n = 2,
	    .table = &api,
	    .lock = PTHREAD_MUTEX_INITIALIZER,
	};
	struct err err = {{0}};

	cr_assert_not(dynlib_load(&lib, &err));
	cr_assert_str_eq(err.msg, "libm.so.6 has no warroom_no_such_function "
				  "(too old a version?)");
	cr_assert_null(api.cos, "the table is filled only when all resolve");
}

#if HAVE_LIBPQ
/* This test binary does not link libpq: the table is the only way in. */
Test(dynlib, libpq_opens_by_the_soname_found_at_build_time)
{
	struct err err = {{0}};

	PQconninfoOption *opts;
	const char *dbname = NULL;

	cr_assert(libpq_load(&err), "%s", err.msg);
	opts = libpq.PQconninfoParse("host=db.internal dbname=shop", NULL);
	cr_assert_not_null(opts);
	for (PQconninfoOption *o = opts; o->keyword != NULL; o++) {
		if (strcmp(o->keyword, "dbname") == 0) {
			dbname = o->val;
			break;
		}
	}
	cr_assert_str_eq(dbname, "shop");
	libpq.PQconninfoFree(opts);
}
#endif
