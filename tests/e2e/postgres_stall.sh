#!/bin/bash
# End-to-end: a [postgres.stall] source whose server accepts the connection
# and never answers (a silent listener started here). The probe's thread
# waits; the UI must not: '?' opens the help within 1 s, the Database pane
# shows "timed out after 2s waiting for 127.0.0.1:PORT" within the timeout
# plus 2 s, and quitting takes less than a second even then.
#
# usage: postgres_stall.sh PATH/TO/warroom
set -u

BIN=${1:?usage: postgres_stall.sh PATH/TO/warroom}
SOCK="warroom-pgstall-$$"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset TMUX
WORK=$(mktemp -d)
STEP="start"
LISTENER=""

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
	tm capture-pane -p -t stall 2>/dev/null
}

fail() {
	echo "FAIL [$STEP]: $*" >&2
	echo "---- screen ----" >&2
	screen >&2
	echo "----------------" >&2
	exit 1
}

# wait_for TEXT MS: until the screen shows TEXT (fixed string).
wait_for() {
	local deadline=$(($(now_ms) + $2))

	while ! screen | grep -qF -- "$1"; do
		if [ "$(now_ms)" -ge "$deadline" ]; then
			fail "no '$1' within $2 ms"
		fi
		sleep 0.05
	done
}

wait_gone() {
	local deadline=$(($(now_ms) + $2))

	while screen | grep -qF -- "$1"; do
		if [ "$(now_ms)" -ge "$deadline" ]; then
			fail "'$1' still there after $2 ms"
		fi
		sleep 0.05
	done
}

# A listener that accepts every connection and never sends a byte.
python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0))
s.listen(16)
with open(sys.argv[1], "w") as f:
    f.write(str(s.getsockname()[1]))
held = []
while True:
    held.append(s.accept()[0])
' "$WORK/port.tmp" &
LISTENER=$!
deadline=$(($(now_ms) + 10000))
while [ ! -s "$WORK/port.tmp" ]; do
	if [ "$(now_ms)" -ge "$deadline" ]; then
		fail "the silent listener did not start"
	fi
	sleep 0.05
done
PORT=$(cat "$WORK/port.tmp")

cat >"$WORK/config.ini" <<EOF
[postgres.stall]
dsn = host=127.0.0.1 port=$PORT user=warroom dbname=app
timeout = 2s
interval = 1s
EOF

START=$(now_ms)
tm start-server \; set-option -g remain-on-exit on \; \
	new-session -d -s stall -x 140 -y 40 \
	"env XDG_CONFIG_HOME='$WORK' TERM=screen '$BIN' --config \
	'$WORK/config.ini' 2>'$WORK/stderr'; echo \$? > '$WORK/status'"

STEP="first screen"
wait_for "postgres.stall" 5000

STEP="help while the probe waits"
# The probe is inside its 2 s wait now; the UI answers at once.
tm send-keys -t stall '?'
wait_for "Global keys" 1000
tm send-keys -t stall Escape
wait_gone "Global keys" 1000

STEP="timeout shown"
wait_for "timed out after 2s waiting for 127.0.0.1:$PORT" \
	$((START + 4000 - $(now_ms)))

STEP="quit while the probe waits"
# The probe is waiting again (interval 1 s, then another 2 s timeout).
sleep 1.2
tm send-keys -t stall q
wait_for "Quit" 1000
T0=$(now_ms)
tm send-keys -t stall y
deadline=$((T0 + 1500))
while [ "$(tm display -p -t stall '#{pane_dead}')" != 1 ]; do
	if [ "$(now_ms)" -ge "$deadline" ]; then
		fail "warroom took more than 1.5 s to quit"
	fi
	sleep 0.05
done
if [ "$(cat "$WORK/status" 2>/dev/null)" != 0 ]; then
	fail "exit status $(cat "$WORK/status" 2>/dev/null), stderr: \
$(cat "$WORK/stderr")"
fi
if [ -s "$WORK/stderr" ]; then
	fail "warroom wrote to stderr: $(cat "$WORK/stderr")"
fi
echo "ok: postgres stall (help answered, timeout shown, quit in $(( \
$(now_ms) - T0 )) ms)"
