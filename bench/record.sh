#!/usr/bin/env bash
# The incident record under a real load: warroom (in tmux, an incident
# declared at start) watches a PostgreSQL 15 running pgbench for MINUTES,
# with a session left idle in transaction on pgbench's branch row from a
# third of the way in until it is terminated two minutes later (or at two
# thirds, if sooner). Reports,
# for this build and for the binary of REF (built from `git archive`,
# cached under ~/.cache/warroom-bench), the journal's lines, the Timeline
# pane's entries and the post-mortem's length. Both run at once, each with
# its own server, so that they see the same machine.
#
#   [RATE=TPS] bench/record.sh [BUILD_DIR] [MINUTES] [REF]
#   (defaults: 800 tps, build, 10 minutes, main)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
minutes=${2:-10}
ref=${3:-main}
# pgbench's transactions per second, all clients together (RATE=0: as
# fast as it goes).
rate=${RATE:-800}
pgbin=/usr/lib/postgresql/15/bin
work=$(mktemp -d /tmp/warroom-record-bench-XXXXXX)
chmod 755 "$work"
sock="record-bench-$$"
pids=()

tm() {
	tmux -L "$sock" -f /dev/null "$@"
}

cleanup() {
	tm kill-server >/dev/null 2>&1 || true
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The binary of ref, built once per commit.
before_binary() {
	local hash cache src
	hash=$(git -C "$top" rev-parse --short=12 "$ref")
	cache=${XDG_CACHE_HOME:-$HOME/.cache}/warroom-bench/$hash
	if [ ! -x "$cache/build/warroom" ]; then
		echo "building $ref ($hash) into $cache ..." >&2
		rm -rf "$cache"
		mkdir -p "$cache/src"
		git -C "$top" archive "$hash" | tar -x -C "$cache/src"
		meson setup "$cache/build" "$cache/src" >/dev/null
		ninja -C "$cache/build" warroom >/dev/null
	fi
	echo "$cache/build/warroom"
}

# start_pg NAME: a server in $work/NAME on a free port; prints the port.
start_pg() {
	local d="$work/$1" port
	port=$(free_port)
	mkdir -p "$d/sock"
	chown -R postgres "$d"
	setpriv --reuid=postgres --regid=postgres --init-groups \
		"$pgbin/initdb" -A trust -U postgres -N -E UTF8 --locale=C \
		-D "$d/data" >"$d/initdb.log" 2>&1
	setpriv --reuid=postgres --regid=postgres --init-groups \
		"$pgbin/postgres" -D "$d/data" -p "$port" -k "$d/sock" \
		-c listen_addresses=127.0.0.1 -c fsync=off \
		>"$d/server.log" 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do
		"$pgbin/pg_isready" -q -h 127.0.0.1 -p "$port" && break
		sleep 0.1
	done
	"$pgbin/pgbench" -i -s 1 -q -h 127.0.0.1 -p "$port" -U postgres \
		postgres >"$d/pgbench-init.log" 2>&1
	echo "$port"
}

# run NAME BINARY PORT: warroom on the server for the whole run, the
# load, the pile-up and its end.
run() {
	local name=$1 bin=$2 port=$3 d="$work/$1" secs=$((minutes * 60))
	local start=$((secs / 3)) stop=$((secs / 3 + 120))

	if [ "$stop" -gt $((secs * 2 / 3)) ]; then
		stop=$((secs * 2 / 3))
	fi
	local url="postgres://postgres@127.0.0.1:$port/postgres"

	mkdir -p "$d/journal" "$d/config"
	tm new-session -d -s "$name" -x 160 -y 48 \
		"env XDG_CONFIG_HOME='$d/config' DATABASE_URL='$url' \
		LANG=C.UTF-8 '$bin' --incident 'Checkout slow under load' \
		--severity P2 --journal-dir '$d/journal' 2>'$d/stderr'; \
		sleep 3600"
	"$pgbin/pgbench" -h 127.0.0.1 -p "$port" -U postgres -c 8 -j 2 \
		$([ "$rate" -gt 0 ] && echo "-R $rate") -T "$secs" postgres \
		>"$d/pgbench.log" 2>&1 &
	pids+=($!)
	sleep "$start"
	mkfifo "$d/blocker"
	"$pgbin/psql" -h 127.0.0.1 -p "$port" -U postgres -q postgres \
		<"$d/blocker" >"$d/blocker.log" 2>&1 &
	pids+=($!)
	exec {fd}>"$d/blocker"
	echo "BEGIN; UPDATE pgbench_branches SET bbalance = bbalance WHERE bid = 1;" >&"$fd"
	sleep $((stop - start))
	"$pgbin/psql" -h 127.0.0.1 -p "$port" -U postgres -q -c \
		"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE state LIKE 'idle in transaction%'" \
		postgres >/dev/null
	exec {fd}>&-
	sleep $((secs - stop + 5))
	# The Timeline pane, zoomed, says how many entries it holds.
	tm send-keys -t "$name" 7 z
	sleep 1
	tm capture-pane -p -t "$name" >"$d/screen.txt"
	tm send-keys -t "$name" q y
	sleep 2
}

# report NAME BINARY: one line of the table.
report() {
	local name=$1 bin=$2 d="$work/$1" j id lines entries pm findings
	j=$(ls "$d"/journal/INC-*.jsonl | head -1)
	id=$(basename "$j" .jsonl)
	lines=$(wc -l <"$j")
	findings=$(grep -c '"kind":"finding"' "$j" || true)
	entries=$(grep -o 'Timeline\] [0-9]* entr' "$d/screen.txt" |
		grep -o '[0-9]*' | head -1 || true)
	pm=$("$bin" report "$id" --postmortem --journal-dir "$d/journal" |
		wc -l)
	printf '%-7s %13s %16s %16s %18s\n' "$name" "$lines" \
		"${entries:-?}" "$findings" "$pm"
}

after=$build/warroom
ninja -C "$build" warroom >/dev/null
before=$(before_binary)
port_b=$(start_pg before)
port_a=$(start_pg after)
echo "pgbench -c 8 -R $rate for $minutes min, a session idle in transaction" \
	"on the branch row from $((minutes * 60 / 3)) s for 120 s;" \
	"before: $ref, after: this build" >&2
run before "$before" "$port_b" &
run_b=$!
run after "$after" "$port_a" &
run_a=$!
wait "$run_b" "$run_a"
printf '%-7s %13s %16s %16s %18s\n' "" "journal lines" "timeline entries" \
	"finding opens" "post-mortem lines"
report before "$before"
report after "$after"
