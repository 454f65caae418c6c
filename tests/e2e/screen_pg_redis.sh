#!/bin/bash
# End-to-end: only a PostgreSQL (in a lock pile-up) and a Redis are
# configured. At 160x48 no pane is spent on kinds without a source, the
# Database pane takes the whole width and its lock tree reads to the end
# of its deepest line; the sessions view still shows the pile-up; x hides
# the pane and its number brings it back; at 80x24 the closed Database
# line shows its worst finding.
#
# usage: screen_pg_redis.sh PATH/TO/warroom PATH/TO/e2e_servers
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

STEP="servers"
start_servers pg redis

cat >"$WORK/config.ini" <<EOF2
[postgres.main]
dsn = host=127.0.0.1 port=$PG_PORT user=postgres dbname=postgres
interval = 1s

[redis.cache]
url = $REDIS_URL
interval = 1s
EOF2

start pgr 160 48 --config "$WORK/config.ini"

STEP="the lock tree"
wait_for "LOCKS 1 blocker · 4 waiting" 15000
# The root and the deepest waiter, whole: nothing cut at the right edge.
wait_for "idle in transaction"
wait_for "· blocks 4"
wait_for "└─ pid"
wait_for "UPDATE orders SET v = v + 1 WHERE id = 4"

STEP="no room for kinds without a source"
for t in Pods Kafka Metrics Alerts; do
	if frames_show "$t"; then
		fail "a $t pane is on the screen"
	fi
done
# The not-configured kinds are named once, on the status line.
wait_for "not configured: Pods, Kafka, Metrics, Alerts"

STEP="Database takes the whole width, under the Findings strip"
case "$(screen | sed -n 2p)" in
*"┌"*) fail "row 2 is a frame, not the Findings strip" ;;
esac
top=$(screen | grep -m 1 "┌")
case "$top" in
"┌[1 Database] postgres.main"*"┐") ;;
*) fail "the first frame is not the Database frame alone: $top" ;;
esac
[ "$(printf '%s' "$top" | grep -o '┌' | wc -l)" = 1 ] ||
	fail "another frame beside the Database pane: $top"
frames_show "2 Redis" || fail "no Redis pane"
frames_show "3 Timeline" || fail "no Timeline pane"

STEP="the sessions view still shows the pile-up"
keys v
wait_for "! 4 sessions blocked behind pid"
keys v
wait_for "! 4 sessions blocked behind pid"
keys v v
wait_gone "! 4 sessions blocked"

STEP="hide and recall"
keys x
wait_for "Database hidden: 1 or o shows it again"
wait_gone "[1 Database]"
frames_show "LOCKS" && fail "the hidden pane is still drawn"
keys 1
wait_for "[1 Database]"
wait_for "LOCKS 1 blocker"

STEP="80x24: the closed line shows the worst"
resize 80 24
wait_for "[1 Database]"
keys 2
wait_for "[2 Redis]"
wait_for "1 Database  ● postgres.main  4 sessions blocked behind pid"

STEP="quit"
quit 1000
check_stderr
echo "ok: PostgreSQL and Redis only"
