#!/bin/sh
# The --snapshot frames of three real setups, each at 160x48 and 80x24:
# PostgreSQL and Redis only, Prometheus and Alertmanager only, and two
# PostgreSQL sources of which one has a wrong password (with a Redis).
# The servers are the end-to-end tests' (build/tests/e2e/e2e_servers: a
# lock pile-up, data, firing alerts), started here on loopback and
# stopped at the end. Not a test: it prints the frames for a ticket or a
# review.
#
#   bench/frames.sh [BUILD_DIR] > frames.txt
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
ninja -C "$build" warroom tests/e2e/e2e_servers >/dev/null

work=$(mktemp -d)
servers=""
cleanup() {
	if [ -n "$servers" ]; then
		kill "$servers" 2>/dev/null || true
		wait "$servers" 2>/dev/null || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

"$build/tests/e2e/e2e_servers" "$work" pg redis prom am >"$work/log" 2>&1 &
servers=$!
i=0
while [ ! -e "$work/ready" ]; do
	i=$((i + 1))
	if [ "$i" -gt 600 ] || ! kill -0 "$servers" 2>/dev/null; then
		echo "frames.sh: the servers did not start:" >&2
		cat "$work/log" >&2
		exit 1
	fi
	sleep 0.2
done
# shellcheck disable=SC1091 # written by e2e_servers
. "$work/servers.env"
printf 'not-the-password\n' >"$work/billing.pw"
chmod 600 "$work/billing.pw"

cat >"$work/pg-redis.ini" <<EOF
[postgres.main]
dsn = host=127.0.0.1 port=$PG_PORT user=postgres dbname=postgres

[redis.cache]
url = $REDIS_URL
EOF

cat >"$work/prom-am.ini" <<EOF
[prometheus.main]
url = $PROM_URL

[alertmanager.main]
url = $AM_URL
EOF

cat >"$work/two-pg.ini" <<EOF
[postgres.main]
dsn = host=127.0.0.1 port=$PG_PORT user=postgres dbname=postgres

[postgres.billing]
dsn = host=127.0.0.1 port=$PG_PORT user=billing dbname=postgres
password_file = $work/billing.pw

[redis.cache]
url = $REDIS_URL
EOF

for setup in pg-redis prom-am two-pg; do
	for size in 160x48 80x24; do
		printf '==== %s at %s ====\n' "$setup" "$size"
		LANG=C.UTF-8 XDG_STATE_HOME="$work/state" \
			"$build/warroom" --config "$work/$setup.ini" \
			--snapshot --size "$size"
		printf '\n'
	done
done
