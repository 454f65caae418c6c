/* Backend client libraries (libpq, hiredis, libcurl, librdkafka) are
 * opened with dlopen() the first time a source of their kind starts, not
 * linked into the binary: a dashboard with no PostgreSQL source never maps
 * libpq and the dozen libraries it pulls in (TLS, Kerberos, LDAP), and a
 * bastion without libpq5 installed still runs, its Database pane saying
 * what is missing.
 *
 * Each library has a table of its functions (probes/libpq_api.h,
 * probes/hiredis_api.h, probes/libcurl_api.h, probes/rdkafka_api.h), typed
 * from the library's own header, defined in probes/dynlib_libs.c and filled
 * once, under a mutex, by its load function (libpq_load(), ...). Any
 * thread. */
#ifndef WARROOM_DYNLIB_H
#define WARROOM_DYNLIB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"

/* One library: what it is, and the table its functions go into. */
struct dynlib {
	const char *soname;  /* "libpq.so.5" */
	const char *what;    /* "PostgreSQL", for messages */
	const char *package; /* the Debian package that has it: "libpq5" */
	const char *const *names;
	size_t n;
	/* n function pointers in the order of names: a struct whose members
	 * are all function pointers (the size is checked where it is
	 * defined) */
	void *table;
	pthread_mutex_t lock;
	bool tried;
	bool loaded;
	struct err err; /* why it failed, the same on every call */
};

/* Opens the library and fills its table the first time; later calls
 * return the first outcome. False with err when the library or one of
 * its functions is missing. */
bool dynlib_load(struct dynlib *lib, struct err *err);

/* Defines, for one library, the table `name` (a struct name##_api whose
 * members FUNCTIONS lists, declared in probes/name_api.h) and
 * name##_load(). probes/dynlib_libs.c holds one per library. */
#define DYNLIB_NAME(fn) #fn,
#define DYNLIB_DEFINE(name, FUNCTIONS, soname_, what_, package_)             \
	struct name##_api name;                                               \
	static const char *const name##_names[] = { FUNCTIONS(DYNLIB_NAME) }; \
	_Static_assert(sizeof(struct name##_api) ==                           \
			       sizeof(name##_names) /                         \
				       sizeof(*name##_names) * sizeof(void *), \
		       "struct " #name "_api holds one pointer per name");    \
	static struct dynlib name##_lib = {                                   \
		.soname = soname_,                                            \
		.what = what_,                                                \
		.package = package_,                                          \
		.names = name##_names,                                        \
		.n = sizeof(name##_names) / sizeof(*name##_names),            \
		.table = &name,                                               \
		.lock = PTHREAD_MUTEX_INITIALIZER,                            \
	};                                                                    \
	bool name##_load(struct err *err)                                     \
	{                                                                     \
		return dynlib_load(&name##_lib, err);                         \
	}

/* Opens soname (RTLD_NOW | RTLD_LOCAL). On failure sets err to
 * "<what> support needs <soname> (package <package>): <why>" and returns
 * NULL.
 * The handle is never closed. */
void *dynlib_open(const char *soname, const char *what, const char *package,
		  struct err *err);

/* Looks up each of n names in handle and stores the address in slots[i]
 * (an array of n object pointers that the caller then copies into its
 * typed table). Returns false with err naming the first missing symbol. */
bool dynlib_syms(void *handle, const char *soname, const char *const *names,
		 void **slots, size_t n, struct err *err);

#endif
