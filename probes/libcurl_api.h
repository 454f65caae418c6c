/* libcurl's functions, opened on first use (see probes/dynlib.h). Code
 * calls them through the table: libcurl.curl_easy_cleanup(...). */
#ifndef WARROOM_LIBCURL_API_H
#define WARROOM_LIBCURL_API_H

#include <stdbool.h>

/* The table calls curl_easy_setopt() and curl_easy_getinfo() through
 * pointers, so curl.h must not make them type-checking macros. */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include "core/err.h"

#define LIBCURL_FUNCTIONS(X)                                                   \
	X(curl_easy_cleanup)                                                   \
	X(curl_easy_getinfo)                                                   \
	X(curl_easy_init)                                                      \
	X(curl_easy_perform)                                                   \
	X(curl_easy_setopt)                                                    \
	X(curl_easy_strerror)                                                  \
	X(curl_free)                                                           \
	X(curl_global_init)                                                    \
	X(curl_multi_add_handle)                                               \
	X(curl_multi_cleanup)                                                  \
	X(curl_multi_info_read)                                                \
	X(curl_multi_init)                                                     \
	X(curl_multi_perform)                                                  \
	X(curl_multi_poll)                                                     \
	X(curl_multi_remove_handle)                                            \
	X(curl_multi_wakeup)                                                   \
	X(curl_slist_append)                                                   \
	X(curl_slist_free_all)                                                 \
	X(curl_url)                                                            \
	X(curl_url_cleanup)                                                    \
	X(curl_url_get)                                                        \
	X(curl_url_set)

struct libcurl_api {
#define LIBCURL_SLOT(fn) __typeof__(fn) *fn;
	LIBCURL_FUNCTIONS(LIBCURL_SLOT)
#undef LIBCURL_SLOT
};

/* Valid once libcurl_load() has returned true on this thread (or on one
 * that this thread synchronised with); read-only after. */
extern struct libcurl_api libcurl;

/* Opens the library and fills the table the first time; later calls
 * return the first outcome. False with err saying what is missing. Any
 * thread. */
bool libcurl_load(struct err *err);

#endif
