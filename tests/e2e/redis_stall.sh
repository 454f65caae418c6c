#!/bin/bash
# End-to-end: a Redis that accepts connections and never answers. The real
# binary runs in tmux with one [redis.stall] source pointing at a silent
# listener (python3); the Redis pane must show the timeout, the UI must keep
# answering keys ('?' opens the help within a second) and quitting must not
# wait for the stuck probe.
#
# usage: redis_stall.sh PATH/TO/warroom
set -u

BIN=${1:?usage: redis_stall.sh PATH/TO/warroom}
SOCK="warroom-e2e-redis-$$"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset TMUX
WORK=$(mktemp -d)
STEP="start"
TARGET=stall
LISTENER=

tm() {
	tmux -L "$SOCK" -f /dev/null "$@"
}

cleanup() {
	tm kill-server >/dev/null 2>&1
	if [ -n "$LISTENER" ]; then
		kill "$LISTENER" 2>/dev/null
		wait "$LISTENER" 2>/dev/null
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT

now_ms() {
	date +%s%3N
}

screen() {
	tm capture-pane -p -t "$TARGET" 2>/dev/null
}

fail() {
	echo "FAIL [$STEP]: $*" >&2
	echo "---- screen ----" >&2
	screen >&2
	echo "----------------" >&2
	exit 1
}

# wait_for TEXT [MILLISECONDS]: until the screen shows TEXT.
wait_for() {
	local deadline=$(($(now_ms) + ${2:-10000}))

	while ! screen | grep -qF -- "$1"; do
		if [ "$(now_ms)" -ge "$deadline" ]; then
			fail "timed out waiting for '$1'"
		fi
		sleep 0.05
	done
}

wait_gone() {
	local deadline=$(($(now_ms) + ${2:-10000}))

	while screen | grep -qF -- "$1"; do
		if [ "$(now_ms)" -ge "$deadline" ]; then
			fail "timed out waiting for '$1' to go away"
		fi
		sleep 0.05
	done
}

keys() {
	tm send-keys -t "$TARGET" "$@"
}

# ---- a listener that accepts and never answers --------------------------

STEP="listener"
python3 -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
with open(sys.argv[1], "w") as f:
    f.write(str(s.getsockname()[1]))
held = []
while True:
    c, _ = s.accept()
    held.append(c)
' "$WORK/port" &
LISTENER=$!
for _ in $(seq 100); do
	[ -s "$WORK/port" ] && break
	sleep 0.05
done
[ -s "$WORK/port" ] || fail "the listener did not start"
PORT=$(cat "$WORK/port")

cat >"$WORK/config.ini" <<EOF
[redis.stall]
url = redis://127.0.0.1:$PORT
interval = 1s
timeout = 1s
EOF

# ---- the program ----------------------------------------------------------

STEP="start"
tm start-server \; set-option -g remain-on-exit on \; \
	new-session -d -s "$TARGET" -x 160 -y 48 \
	"env XDG_CONFIG_HOME='$WORK' TERM=screen '$BIN' \
	--config '$WORK/config.ini' 2>'$WORK/stderr'; \
	echo \$? > '$WORK/status'"
wait_for "redis.stall"

STEP="timeout shown"
wait_for "timed out after 1000 ms waiting for 127.0.0.1:$PORT" 15000

STEP="help while stalled"
# Several times, so that some presses land while a poll is stuck.
for i in 1 2 3; do
	t0=$(now_ms)
	keys '?'
	wait_for "Global keys" 1000
	t1=$(now_ms)
	echo "help opened in $((t1 - t0)) ms"
	keys Escape
	wait_gone "Global keys" 1000
	sleep 0.4
done

STEP="quit while stalled"
keys q
wait_for "Quit warroom?" 1000
t0=$(now_ms)
keys y
deadline=$(($(now_ms) + 3000))
while [ "$(tm display -p -t "$TARGET" '#{pane_dead}')" != 1 ]; do
	if [ "$(now_ms)" -ge "$deadline" ]; then
		fail "the program did not exit within 3 s"
	fi
	sleep 0.05
done
echo "quit took $(($(now_ms) - t0)) ms"
[ "$(cat "$WORK/status" 2>/dev/null)" = 0 ] ||
	fail "exit status $(cat "$WORK/status" 2>/dev/null) after quit"
if [ -s "$WORK/stderr" ]; then
	echo "FAIL [stderr]: not empty:" >&2
	cat "$WORK/stderr" >&2
	exit 1
fi
echo "redis_stall: ok"
