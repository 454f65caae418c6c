#!/bin/bash
# End-to-end: quitting is quick while backends hang. Four sources (a
# PostgreSQL, a Redis, a Prometheus and an Alertmanager) point at a
# listener that accepts every connection and never answers, so every probe
# thread is stuck inside its client library when the operator quits. The
# process must be gone within one second after the quit is confirmed
# (DESIGN.md), with status 0 and the terminal given back; a few rounds,
# so that the quit lands at different points of the probes' waits.
#
# usage: quit_hang.sh PATH/TO/warroom
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

STEP="listener"
silent_listener

cat >"$WORK/config.ini" <<EOF2
[postgres.hang]
dsn = host=127.0.0.1 port=$PORT user=warroom dbname=app connect_timeout=10
timeout = 10s
interval = 1s

[redis.hang]
url = redis://127.0.0.1:$PORT
timeout = 10s
interval = 1s

[prometheus.hang]
url = http://127.0.0.1:$PORT
timeout = 10s
interval = 1s

[alertmanager.hang]
url = http://127.0.0.1:$PORT
timeout = 10s
interval = 1s
EOF2

for round in 1 2 3; do
	STEP="round $round: start"
	start "hang$round" 160 48 --config "$WORK/config.ini" --incident "hang test"
	wait_for "alertmanager.hang"
	# Every probe is inside its first call now (10 s timeouts), and
	# the listener holds their connections.
	sleep "0.$((round * 3))"
	STEP="round $round: quit while four backends hang"
	quit 1000 2000
done
check_stderr
echo "ok: quit with four hanging backends"
