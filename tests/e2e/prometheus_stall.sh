#!/bin/bash
# End-to-end: a Prometheus that accepts connections and never answers. The
# real binary runs in tmux with one [prometheus.stall] source pointing at a
# silent listener (python3); while a poll is stuck the UI keeps answering
# keys ('?' opens the help within a second), the Metrics pane shows the
# timeout within a few seconds, and quitting does not wait for the probe.
#
# usage: prometheus_stall.sh PATH/TO/warroom
set -u

BIN=${1:?usage: prometheus_stall.sh PATH/TO/warroom}
SOCK="warroom-e2e-prom-$$"
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

# wait_for TEXT [MILLISECONDS]: until the screen shows TEXT (fixed string).
wait_for() {
	local deadline=$(($(now_ms) + ${2:-10000}))

	while ! screen | grep -qF -- "$1"; do
		if [ "$(now_ms)" -ge "$deadline" ]; then
			fail "no '$1' within ${2:-10000} ms"
		fi
		sleep 0.05
	done
}

wait_gone() {
	local deadline=$(($(now_ms) + ${2:-10000}))

	while screen | grep -qF -- "$1"; do
		if [ "$(now_ms)" -ge "$deadline" ]; then
			fail "'$1' still there after ${2:-10000} ms"
		fi
		sleep 0.05
	done
}

keys() {
	tm send-keys -t "$TARGET" "$@"
}

# in_pane TITLE TEXT: true when TEXT is inside the frame whose top border
# carries TITLE (the Alerts pane, fed by the same Prometheus, shows the
# same error: only the Metrics pane counts here).
in_pane() {
	screen | python3 -c '
import sys
title, text = sys.argv[1], sys.argv[2]
rows = sys.stdin.read().split("\n")
for y, row in enumerate(rows):
    i = row.find(title)
    if i < 0:
        continue
    left = row.rfind("\u250c", 0, i)
    right = row.find("\u2510", i)
    if left < 0 or right < 0:
        continue
    for inside in rows[y + 1:]:
        if inside[left:left + 1] != "\u2502":
            break
        if text in inside[left:right + 1]:
            sys.exit(0)
sys.exit(1)
' "$1" "$2"
}

# wait_in_pane TITLE TEXT MILLISECONDS
wait_in_pane() {
	local deadline=$(($(now_ms) + $3))

	while ! in_pane "$1" "$2"; do
		if [ "$(now_ms)" -ge "$deadline" ]; then
			fail "no '$2' in the $1 pane within $3 ms"
		fi
		sleep 0.05
	done
}

# ---- a listener that accepts and never answers --------------------------

STEP="listener"
python3 -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
while True:
    c, _ = s.accept()
    held.append(c)
' "$WORK/port" &
LISTENER=$!
deadline=$(($(now_ms) + 10000))
while [ ! -s "$WORK/port" ]; do
	if [ "$(now_ms)" -ge "$deadline" ]; then
		fail "the silent listener did not start"
	fi
	sleep 0.05
done
PORT=$(cat "$WORK/port")

cat >"$WORK/config.ini" <<CONF
[prometheus.stall]
url = http://127.0.0.1:$PORT
interval = 1s
timeout = 1s
CONF

# ---- the program ----------------------------------------------------------

STEP="start"
START=$(now_ms)
tm start-server \; set-option -g remain-on-exit on \; \
	new-session -d -s "$TARGET" -x 160 -y 48 \
	"env XDG_CONFIG_HOME='$WORK' TERM=screen '$BIN' \
	--config '$WORK/config.ini' 2>'$WORK/stderr'; \
	echo \$? > '$WORK/status'"
wait_for "prometheus.stall" 5000

STEP="help while the poll is stuck"
# The first poll is inside its 1 s wait now; press a few times more so
# that later presses land in later stuck polls too.
for i in 1 2 3; do
	t0=$(now_ms)
	keys '?'
	wait_for "Global keys" 1000
	echo "help opened in $(($(now_ms) - t0)) ms"
	keys Escape
	wait_gone "Global keys" 1000
	sleep 0.3
done

STEP="timeout shown"
# The first poll gives up after 1 s; allow for a slow start.
wait_in_pane "5 Metrics" "timed out after 1s (127.0.0.1:$PORT)" \
	$((START + 5000 - $(now_ms)))
echo "timeout shown $(($(now_ms) - START)) ms after start"

STEP="quit while the poll is stuck"
keys q
wait_for "Quit warroom?" 1000
t0=$(now_ms)
keys y
deadline=$((t0 + 1500))
while [ "$(tm display -p -t "$TARGET" '#{pane_dead}')" != 1 ]; do
	if [ "$(now_ms)" -ge "$deadline" ]; then
		fail "warroom took more than 1.5 s to quit"
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
echo "prometheus_stall: ok"
