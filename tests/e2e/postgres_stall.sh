#!/bin/bash
# End-to-end: a [postgres.stall] source whose server accepts the connection
# and never answers (a silent listener started here). The probe's thread
# waits; the UI must not: '?' opens the help within 1 s, the Database pane
# shows "timed out after 2s waiting for 127.0.0.1:PORT" within the timeout
# plus 2 s, and quitting takes less than a second even then.
#
# usage: postgres_stall.sh PATH/TO/warroom
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

STEP="listener"
silent_listener

cat >"$WORK/config.ini" <<EOF
[postgres.stall]
dsn = host=127.0.0.1 port=$PORT user=warroom dbname=app
timeout = 2s
interval = 1s
EOF

START=$(now_ms)
start stall 140 40 --config "$WORK/config.ini"

STEP="first screen"
wait_for "postgres.stall" 5000

STEP="help while the probe waits"
# The probe is inside its 2 s wait now; the UI answers at once.
help_answers

STEP="timeout shown"
wait_for "timed out after 2s waiting for 127.0.0.1:$PORT" \
	$((START + 4000 - $(now_ms)))

STEP="libpq opened for the source, libcurl and hiredis not"
expect_mapped yes libpq.so
expect_mapped no libhiredis.so libcurl.so

STEP="quit while the probe waits"
# The probe is waiting again (interval 1 s, then another 2 s timeout).
sleep 1.2
quit 1500 1000
check_stderr
echo "ok: postgres stall (help answered, timeout shown)"
