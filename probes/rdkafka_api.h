/* librdkafka's functions, opened on first use (see probes/dynlib.h). Code
 * calls them through the table: rdkafka.rd_kafka_metadata(...). */
#ifndef WARROOM_RDKAFKA_API_H
#define WARROOM_RDKAFKA_API_H

#include <stdbool.h>

#include <librdkafka/rdkafka.h>

#include "core/err.h"

#define RDKAFKA_FUNCTIONS(X)                                                   \
	X(rd_kafka_AdminOptions_destroy)                                       \
	X(rd_kafka_AdminOptions_new)                                           \
	X(rd_kafka_AdminOptions_set_opaque)                                    \
	X(rd_kafka_AdminOptions_set_request_timeout)                           \
	X(rd_kafka_ConsumerGroupDescription_error)                             \
	X(rd_kafka_ConsumerGroupDescription_group_id)                          \
	X(rd_kafka_ConsumerGroupDescription_member)                            \
	X(rd_kafka_ConsumerGroupDescription_member_count)                      \
	X(rd_kafka_ConsumerGroupDescription_state)                             \
	X(rd_kafka_ConsumerGroupListing_group_id)                              \
	X(rd_kafka_DescribeConsumerGroups)                                     \
	X(rd_kafka_DescribeConsumerGroups_result_groups)                       \
	X(rd_kafka_ListConsumerGroupOffsets)                                   \
	X(rd_kafka_ListConsumerGroupOffsets_destroy)                           \
	X(rd_kafka_ListConsumerGroupOffsets_new)                               \
	X(rd_kafka_ListConsumerGroupOffsets_result_groups)                     \
	X(rd_kafka_ListConsumerGroups)                                         \
	X(rd_kafka_ListConsumerGroups_result_errors)                           \
	X(rd_kafka_ListConsumerGroups_result_valid)                            \
	X(rd_kafka_MemberAssignment_partitions)                                \
	X(rd_kafka_MemberDescription_assignment)                               \
	X(rd_kafka_MemberDescription_client_id)                                \
	X(rd_kafka_MemberDescription_host)                                     \
	X(rd_kafka_conf_destroy)                                               \
	X(rd_kafka_conf_new)                                                   \
	X(rd_kafka_conf_set)                                                   \
	X(rd_kafka_conf_set_events)                                            \
	X(rd_kafka_consumer_group_state_name)                                  \
	X(rd_kafka_destroy_flags)                                              \
	X(rd_kafka_err2str)                                                    \
	X(rd_kafka_error_code)                                                 \
	X(rd_kafka_error_string)                                               \
	X(rd_kafka_event_DescribeConsumerGroups_result)                        \
	X(rd_kafka_event_ListConsumerGroupOffsets_result)                      \
	X(rd_kafka_event_ListConsumerGroups_result)                            \
	X(rd_kafka_event_destroy)                                              \
	X(rd_kafka_event_error)                                                \
	X(rd_kafka_event_error_string)                                         \
	X(rd_kafka_event_log)                                                  \
	X(rd_kafka_event_opaque)                                               \
	X(rd_kafka_event_type)                                                 \
	X(rd_kafka_group_result_error)                                         \
	X(rd_kafka_group_result_name)                                          \
	X(rd_kafka_group_result_partitions)                                    \
	X(rd_kafka_metadata)                                                   \
	X(rd_kafka_metadata_destroy)                                           \
	X(rd_kafka_new)                                                        \
	X(rd_kafka_offsets_for_times)                                          \
	X(rd_kafka_queue_destroy)                                              \
	X(rd_kafka_queue_get_main)                                             \
	X(rd_kafka_queue_new)                                                  \
	X(rd_kafka_queue_poll)                                                 \
	X(rd_kafka_set_log_queue)                                              \
	X(rd_kafka_topic_partition_list_add)                                   \
	X(rd_kafka_topic_partition_list_destroy)                               \
	X(rd_kafka_topic_partition_list_new)

struct rdkafka_api {
#define RDKAFKA_SLOT(fn) __typeof__(fn) *fn;
	RDKAFKA_FUNCTIONS(RDKAFKA_SLOT)
#undef RDKAFKA_SLOT
};

/* Valid once rdkafka_load() has returned true on this thread (or on one
 * that this thread synchronised with); read-only after. */
extern struct rdkafka_api rdkafka;

/* Opens the library and fills the table the first time; later calls
 * return the first outcome. False with err saying what is missing. Any
 * thread. */
bool rdkafka_load(struct err *err);

#endif
