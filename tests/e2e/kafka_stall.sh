#!/bin/bash
# End-to-end: Kafka brokers that refuse, that answer ten times too late
# (librdkafka's mock cluster, tests/e2e/kafka_mock.c) and that accept and
# never answer (python3). The real binary runs in tmux with one Kafka
# source on each; the Kafka pane must show each one's reason within its
# timeout, librdkafka must print nothing, the UI must keep answering keys
# and quitting must not wait for the stuck probes.
#
# usage: kafka_stall.sh PATH/TO/warroom PATH/TO/kafka_mock
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

MOCK=${2:?usage: kafka_stall.sh PATH/TO/warroom PATH/TO/kafka_mock}
MOCKS=""

stop_mocks() {
	local pid

	for pid in $MOCKS; do
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	cleanup
}
trap stop_mocks EXIT

STEP="brokers"
"$MOCK" "$WORK/down" down &
MOCKS="$MOCKS $!"
"$MOCK" "$WORK/slow" slow &
MOCKS="$MOCKS $!"
silent_listener
poll 10000 "the mock clusters did not start" test -s "$WORK/down"
poll 10000 "the mock clusters did not start" test -s "$WORK/slow"

cat >"$WORK/config.ini" <<EOC
[kafka.down]
brokers = $(cat "$WORK/down")
interval = 1s
timeout = 1s

[kafka.slow]
brokers = $(cat "$WORK/slow")
interval = 1s
timeout = 1s

[kafka.silent]
brokers = 127.0.0.1:$PORT
interval = 1s
timeout = 1s
EOC

# ---- the program ----------------------------------------------------------

STEP="start"
start stall 160 48 --config "$WORK/config.ini"
wait_for "kafka.down"

STEP="a broker that refuses"
# The Kafka pane, zoomed: its error line at full width.
keys 4 z
wait_for "no broker answered within 1s" 15000
wait_for "Connection refused" 15000

STEP="librdkafka opened for the sources, libpq and libcurl not"
expect_mapped yes librdkafka.so
expect_mapped no libpq.so libcurl.so

STEP="help while stalled"
# Several times, so that some presses land while a poll is stuck.
for _ in 1 2 3; do
	help_answers
	sleep 0.4
done

STEP="a broker that answers too late"
keys '>'
wait_for "kafka.slow" 5000
wait_for "no broker answered within 1s" 15000
help_answers

STEP="a broker that never answers"
keys '>'
wait_for "kafka.silent" 5000
wait_for "no broker answered within 1s" 15000
help_answers

STEP="quit while stalled"
quit 3000 1000
check_stderr
echo "kafka_stall: ok"
