/* dlopen() of the backend client libraries: see dynlib.h. */
#include "probes/dynlib.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

void *
dynlib_open(const char *soname, const char *what, const char *package,
	    struct err *err)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	const char *why;

	if (h != NULL) {
		return h;
	}
	why = dlerror();
	if (why == NULL) {
		why = "unknown error";
	}
	/* dlerror() starts with the soname again: "libpq.so.5: cannot open
	 * shared object file: No such file or directory". */
	if (strncmp(why, soname, strlen(soname)) == 0 &&
	    strncmp(why + strlen(soname), ": ", 2) == 0) {
		why += strlen(soname) + 2;
	}
	err_set(err, "%s support needs %s (package %s): %s", what, soname,
		package, why);
	return NULL;
}

bool
dynlib_syms(void *handle, const char *soname, const char *const *names,
	    void **slots, size_t n, struct err *err)
{
	for (size_t i = 0; i < n; i++) {
		dlerror();
		slots[i] = dlsym(handle, names[i]);
		if (slots[i] == NULL) {
			err_set(err, "%s has no %s (too old a version?)",
				soname, names[i]);
			return false;
		}
	}
	return true;
}

bool
dynlib_load(struct dynlib *lib, struct err *err)
{
	bool ok;

	pthread_mutex_lock(&lib->lock);
	if (!lib->tried) {
		void *h = dynlib_open(lib->soname, lib->what, lib->package,
				      &lib->err);
		void **slots = NULL;

		lib->tried = true;
		if (h != NULL) {
			slots = calloc(lib->n, sizeof(*slots));
			if (slots == NULL) {
				err_set(&lib->err, "out of memory");
			}
		}
		if (slots != NULL && dynlib_syms(h, lib->soname, lib->names,
						 slots, lib->n, &lib->err)) {
			/* POSIX: a function's address fits a void *. */
			for (size_t i = 0; i < lib->n; i++) {
				memcpy((char *)lib->table + i * sizeof(void *),
				       &slots[i], sizeof(void *));
			}
			lib->loaded = true;
		}
		free(slots);
	}
	ok = lib->loaded;
	if (!ok && err != NULL) {
		*err = lib->err;
	}
	pthread_mutex_unlock(&lib->lock);
	return ok;
}
