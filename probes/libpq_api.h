/* libpq's functions, opened on first use (see probes/dynlib.h). Code
 * calls them through the table: libpq.PQclear(...). */
#ifndef WARROOM_LIBPQ_API_H
#define WARROOM_LIBPQ_API_H

#include <stdbool.h>

#include <libpq-fe.h>

#include "core/err.h"

#define LIBPQ_FUNCTIONS(X)                                                     \
	X(PQclear)                                                             \
	X(PQconnectPoll)                                                       \
	X(PQconnectStartParams)                                                \
	X(PQconninfoFree)                                                      \
	X(PQconninfoParse)                                                     \
	X(PQconsumeInput)                                                      \
	X(PQerrorMessage)                                                      \
	X(PQfinish)                                                            \
	X(PQflush)                                                             \
	X(PQgetResult)                                                         \
	X(PQgetisnull)                                                         \
	X(PQgetlength)                                                         \
	X(PQgetvalue)                                                          \
	X(PQhost)                                                              \
	X(PQisBusy)                                                            \
	X(PQnfields)                                                           \
	X(PQntuples)                                                           \
	X(PQparameterStatus)                                                   \
	X(PQport)                                                              \
	X(PQresultErrorField)                                                  \
	X(PQresultErrorMessage)                                                \
	X(PQresultStatus)                                                      \
	X(PQsendQuery)                                                         \
	X(PQsendQueryParams)                                                   \
	X(PQserverVersion)                                                     \
	X(PQsetNoticeProcessor)                                                \
	X(PQsetnonblocking)                                                    \
	X(PQsocket)                                                            \
	X(PQstatus)                                                            \
	X(PQtransactionStatus)

struct libpq_api {
#define LIBPQ_SLOT(fn) __typeof__(fn) *fn;
	LIBPQ_FUNCTIONS(LIBPQ_SLOT)
#undef LIBPQ_SLOT
};

/* Valid once libpq_load() has returned true on this thread (or on one
 * that this thread synchronised with); read-only after. */
extern struct libpq_api libpq;

/* Opens the library and fills the table the first time; later calls
 * return the first outcome. False with err saying what is missing. Any
 * thread. */
bool libpq_load(struct err *err);

#endif
