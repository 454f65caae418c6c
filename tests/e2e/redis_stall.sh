#!/bin/bash
# End-to-end: a Redis that accepts connections and never answers. The real
# binary runs in tmux with one [redis.stall] source pointing at a silent
# listener (python3); the Redis pane must show the timeout, the UI must keep
# answering keys ('?' opens the help within a second) and quitting must not
# wait for the stuck probe.
#
# usage: redis_stall.sh PATH/TO/warroom
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

STEP="listener"
silent_listener

cat >"$WORK/config.ini" <<EOF
[redis.stall]
url = redis://127.0.0.1:$PORT
interval = 1s
timeout = 1s
EOF

# ---- the program ----------------------------------------------------------

STEP="start"
start stall 160 48 --config "$WORK/config.ini"
wait_for "redis.stall"

STEP="timeout shown"
wait_for "timed out after 1000 ms waiting for 127.0.0.1:$PORT" 15000

STEP="hiredis opened for the source, libpq and libcurl not"
expect_mapped yes libhiredis.so
expect_mapped no libpq.so libcurl.so

STEP="help while stalled"
# Several times, so that some presses land while a poll is stuck.
for _ in 1 2 3; do
	help_answers
	sleep 0.4
done

STEP="quit while stalled"
quit 3000 1000
check_stderr
echo "redis_stall: ok"
