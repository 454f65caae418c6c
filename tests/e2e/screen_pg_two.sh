#!/bin/bash
# End-to-end: two PostgreSQL sources, billing with a wrong password, and
# a Redis. Both sources are on screen: tabs in the Database pane's title
# with their glyphs, billing's reason on a line of its own without
# switching to it, ':db billing' to switch; the header keeps them apart,
# a failed poll a cross and critical data a dot, at 160, 100 and 80
# columns; at 80x24 the closed Database line names the worst of both; and
# --snapshot lists every source.
#
# usage: screen_pg_two.sh PATH/TO/warroom PATH/TO/e2e_servers
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

STEP="servers"
start_servers pg redis
printf 'not-the-password\n' >"$WORK/billing.pw"
chmod 600 "$WORK/billing.pw"

cat >"$WORK/config.ini" <<EOF2
[postgres.main]
dsn = host=127.0.0.1 port=$PG_PORT user=postgres dbname=postgres
interval = 1s

[postgres.billing]
dsn = host=127.0.0.1 port=$PG_PORT user=billing dbname=postgres
password_file = $WORK/billing.pw
interval = 1s

[redis.cache]
url = $REDIS_URL
EOF2

start two 160 48 --config "$WORK/config.ini"

STEP="billing's reason, without switching"
wait_for "[● main] ✕ billing" 15000
wait_for "✕ postgres.billing: password authentication failed for user \"billing\""
wait_for "LOCKS 1 blocker · 4 waiting"

STEP="the header at 160"
header_shows "● postgres.main" || fail "header: $(screen | sed -n 1p)"
header_shows "✕ postgres.billing" || fail "header: $(screen | sed -n 1p)"

STEP=":db billing"
keys ":db billing" Enter
wait_for "● main [✕ billing]"
wait_for "password authentication failed for user \"billing\""
wait_for "● postgres.main: 4 sessions blocked behind pid"
keys ":db main" Enter
wait_for "[● main] ✕ billing"

STEP="the header at 100"
resize 100 30
wait_for "[1 Database]"
poll 5000 "billing apart at 100 columns" \
	header_shows "✕ postgres.billing"
header_shows "● postgres.main" || fail "header: $(screen | sed -n 1p)"

STEP="the header at 80"
resize 80 24
poll 5000 "billing apart at 80 columns" header_shows "✕ pg.billing"
header_shows "● pg.main" || fail "header: $(screen | sed -n 1p)"

STEP="80x24: the closed line names the worst of both"
# billing's failure is worse than main's young pile-up (a warning until
# its sessions have waited 30 s): it names billing, though main is shown.
keys 2
wait_for "[2 Redis]"
wait_for "1 Database  ● main ✕ billing  billing: password authentication"

STEP="quit"
quit 1000
check_stderr

STEP="--snapshot lists every source"
for size in 160x48 80x24; do
	XDG_STATE_HOME="$WORK/state" "$BIN" --config "$WORK/config.ini" \
		--snapshot --size "$size" >"$WORK/snap" 2>"$WORK/snap.err" ||
		fail "--snapshot failed: $(cat "$WORK/snap.err")"
	# the three configured, and the diagnosis that reads them
	grep -q "^Sources (4)$" "$WORK/snap" || fail "no source list ($size)"
	grep -q "^  ● diagnosis.main" "$WORK/snap" ||
		fail "diagnosis not listed: $(cat "$WORK/snap")"
	grep -q "^  ✕ postgres.billing  down .*password authentication failed" \
		"$WORK/snap" || fail "billing not listed: $(cat "$WORK/snap")"
	grep -Eq "^  ● postgres.main     (warn|crit) .*4 sessions blocked" \
		"$WORK/snap" || fail "main not listed: $(cat "$WORK/snap")"
	grep -q "^  ● redis.cache" "$WORK/snap" || fail "redis not listed"
done
echo "ok: two PostgreSQL sources, one failing"
