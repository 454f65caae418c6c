/* Names for model enums. Any thread. */
#include "core/model.h"

const char *
snap_kind_title(enum snap_kind kind)
{
	switch (kind) {
	case SNAP_PODS:
		return "Pods";
	case SNAP_PG:
		return "Database";
	case SNAP_REDIS:
		return "Redis";
	case SNAP_KAFKA:
		return "Kafka";
	case SNAP_METRICS:
		return "Metrics";
	case SNAP_ALERTS:
		return "Alerts";
	case SNAP_KIND_COUNT:
		break;
	}
	return "?";
}
