/* The function tables of the client libraries opened with dlopen() (see
 * probes/dynlib.h); the sonames and package names come from meson. */
#include "build-config.h"

#include "probes/dynlib.h"

#if HAVE_LIBPQ
#include "probes/libpq_api.h"

DYNLIB_DEFINE(libpq, LIBPQ_FUNCTIONS, DL_LIBPQ_SONAME, "PostgreSQL",
	      DL_LIBPQ_PACKAGE)
#endif

#if HAVE_HIREDIS
#include "probes/hiredis_api.h"

DYNLIB_DEFINE(hiredis, HIREDIS_FUNCTIONS, DL_HIREDIS_SONAME, "Redis",
	      DL_HIREDIS_PACKAGE)
#endif

#if HAVE_LIBCURL
#include "probes/libcurl_api.h"

DYNLIB_DEFINE(libcurl, LIBCURL_FUNCTIONS, DL_LIBCURL_SONAME,
	      "HTTP (Prometheus, Alertmanager, Kubernetes, Slack)", DL_LIBCURL_PACKAGE)
#endif

#if HAVE_YAML
#include "probes/libyaml_api.h"

DYNLIB_DEFINE(libyaml, LIBYAML_FUNCTIONS, DL_YAML_SONAME,
	      "YAML (kubeconfig)", DL_YAML_PACKAGE)
#endif

#if HAVE_RDKAFKA
#include "probes/rdkafka_api.h"

DYNLIB_DEFINE(rdkafka, RDKAFKA_FUNCTIONS, DL_RDKAFKA_SONAME, "Kafka",
	      DL_RDKAFKA_PACKAGE)
#endif
