/* libyaml's functions, opened on first use (see probes/dynlib.h): what
 * reading a kubeconfig needs, the document API. Code calls them through the
 * table: libyaml.yaml_parser_load(...). */
#ifndef WARROOM_LIBYAML_API_H
#define WARROOM_LIBYAML_API_H

#include <stdbool.h>

#include <yaml.h>

#include "core/err.h"

#define LIBYAML_FUNCTIONS(X)                                                   \
	X(yaml_document_delete)                                                \
	X(yaml_document_get_node)                                              \
	X(yaml_document_get_root_node)                                         \
	X(yaml_parser_delete)                                                  \
	X(yaml_parser_initialize)                                              \
	X(yaml_parser_load)                                                    \
	X(yaml_parser_set_input_string)

struct libyaml_api {
#define LIBYAML_SLOT(fn) __typeof__(fn) *fn;
	LIBYAML_FUNCTIONS(LIBYAML_SLOT)
#undef LIBYAML_SLOT
};

/* Valid once libyaml_load() has returned true on this thread (or on one
 * that this thread synchronised with); read-only after. */
extern struct libyaml_api libyaml;

/* Opens the library and fills the table the first time; later calls
 * return the first outcome. False with err saying what is missing. Any
 * thread. */
bool libyaml_load(struct err *err);

#endif
