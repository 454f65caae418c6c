/* LD_PRELOAD for Criterion tests under ThreadSanitizer: BoxFort picks its
 * shared arena at a random address in 0x2000_0000_0000..0x6000_0000_0000,
 * nearly all of which TSan reserves, so Criterion aborts with "Could not
 * initialize inheritable arena". Calls of rand_r() made from libcriterion
 * are steered to 0x5600_0000_0000 and up, inside TSan's application range;
 * every other caller gets the real rand_r(). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

int
rand_r(unsigned *seed)
{
	static int (*real)(unsigned *);
	static unsigned k;
	Dl_info info;

	if (dladdr(__builtin_return_address(0), &info) != 0 &&
	    info.dli_fname != NULL && strstr(info.dli_fname, "libcriterion")) {
		return 0x360000 + (int)(__atomic_fetch_add(&k, 1,
				   __ATOMIC_RELAXED) % 4096) * 16;
	}
	if (real == NULL) {
		void *sym = dlsym(RTLD_NEXT, "rand_r");

		/* ISO C has no cast from an object to a function pointer. */
		memcpy(&real, &sym, sizeof(real));
	}
	return real(seed);
}
