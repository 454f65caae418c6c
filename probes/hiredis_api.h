/* hiredis's functions, opened on first use (see probes/dynlib.h). Code
 * calls them through the table: hiredis.freeReplyObject(...). */
#ifndef WARROOM_HIREDIS_API_H
#define WARROOM_HIREDIS_API_H

#include <stdbool.h>

#include <hiredis/hiredis.h>

#include "core/err.h"

#define HIREDIS_FUNCTIONS(X)                                                   \
	X(freeReplyObject)                                                     \
	X(redisAppendCommandArgv)                                              \
	X(redisBufferWrite)                                                    \
	X(redisConnectUnixWithTimeout)                                         \
	X(redisConnectWithTimeout)                                             \
	X(redisFree)                                                           \
	X(redisGetReplyFromReader)                                             \
	X(redisReaderFeed)                                                     \
	X(redisSetTimeout)                                                     \
	X(redisvAppendCommand)

struct hiredis_api {
#define HIREDIS_SLOT(fn) __typeof__(fn) *fn;
	HIREDIS_FUNCTIONS(HIREDIS_SLOT)
#undef HIREDIS_SLOT
};

/* Valid once hiredis_load() has returned true on this thread (or on one
 * that this thread synchronised with); read-only after. */
extern struct hiredis_api hiredis;

/* Opens the library and fills the table the first time; later calls
 * return the first outcome. False with err saying what is missing. Any
 * thread. */
bool hiredis_load(struct err *err);

#endif
