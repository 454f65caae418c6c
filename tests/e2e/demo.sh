#!/bin/bash
# End-to-end: the real binary in tmux on a private socket, driven with
# send-keys and read back with capture-pane. Runs the demo at 20x speed:
# focus, zoom, filter, help, a confirmed action, quit; a small terminal and
# a resize below the minimum; SIGTERM and SIGHUP. Every exit path must
# leave the terminal restored (pane dead, alternate screen off).
#
# usage: demo.sh PATH/TO/warroom
set -u

BIN=${1:?usage: demo.sh PATH/TO/warroom}
SOCK="warroom-e2e-$$"
# A UTF-8 locale for tmux and the program alike; C.UTF-8 is built into
# glibc.
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset TMUX
WORK=$(mktemp -d)
STEP="start"

tm() {
	tmux -L "$SOCK" -f /dev/null "$@"
}

cleanup() {
	tm kill-server >/dev/null 2>&1
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

# wait_for TEXT [SECONDS]: until the screen shows TEXT (fixed string).
wait_for() {
	local deadline=$(($(now_ms) + ${2:-10} * 1000))

	while ! screen | grep -qF -- "$1"; do
		if [ "$(now_ms)" -ge "$deadline" ]; then
			fail "timed out waiting for '$1'"
		fi
		sleep 0.1
	done
}

# wait_gone TEXT [SECONDS]: until the screen no longer shows TEXT.
wait_gone() {
	local deadline=$(($(now_ms) + ${2:-10} * 1000))

	while screen | grep -qF -- "$1"; do
		if [ "$(now_ms)" -ge "$deadline" ]; then
			fail "timed out waiting for '$1' to go away"
		fi
		sleep 0.1
	done
}

# wait_region Y0 Y1 X0 X1 TEXT: until the rectangle (1-based, inclusive)
# shows TEXT.
region() {
	screen | sed -n "$1,$2p" | cut -c"$3-$4"
}

wait_region() {
	local deadline=$(($(now_ms) + 10000))

	while ! region "$1" "$2" "$3" "$4" | grep -qF -- "$5"; do
		if [ "$(now_ms)" -ge "$deadline" ]; then
			fail "timed out waiting for '$5' in rows $1-$2"
		fi
		sleep 0.1
	done
}

expect_absent() {
	if screen | grep -qF -- "$1"; then
		fail "'$1' is still on the screen"
	fi
}

keys() {
	tm send-keys -t "$TARGET" "$@"
}

# wait_dead [SECONDS]: until the program has exited; then checks that the
# terminal was given back (alternate screen off).
wait_dead() {
	local deadline=$(($(now_ms) + ${1:-5} * 1000))

	while [ "$(tm display -p -t "$TARGET" '#{pane_dead}')" != 1 ]; do
		if [ "$(now_ms)" -ge "$deadline" ]; then
			fail "the program did not exit"
		fi
		sleep 0.1
	done
	if [ "$(tm display -p -t "$TARGET" '#{alternate_on}')" != 0 ]; then
		fail "the alternate screen is still on after exit"
	fi
}

# The program's exit status, written by the shell that ran it (tmux's own
# #{pane_dead_status} is not always set when the pane dies).
dead_status() {
	cat "$WORK/status.$TARGET" 2>/dev/null
}

# The program's pid: the child of the pane's shell.
program_pid() {
	ps -o pid= --ppid "$(tm display -p -t "$TARGET" '#{pane_pid}')" |
		tr -d ' '
}

# start NAME COLS ROWS: a new session running the demo.
start() {
	TARGET="$1"
	tm start-server \; set-option -g remain-on-exit on \; \
		new-session -d -s "$1" -x "$2" -y "$3" \
		"env XDG_CONFIG_HOME='$WORK' XDG_STATE_HOME='$WORK/state' \
		TERM=screen '$BIN' --demo \
		--demo-speed 20 2>'$WORK/stderr.$1'; echo \$? > '$WORK/status.$1'"
}

titles="Pods Database Redis Kafka Metrics Alerts Timeline"

# ---- 160x48: the full tour ---------------------------------------------

STEP="160x48 start"
start big 160 48
for t in $titles; do
	wait_for "$t"
done
wait_for "postgres.demo"
wait_for "[1 Pods]"

STEP="focus"
keys 2
wait_for "[2 Database]"
expect_absent "[1 Pods]"
wait_for " 1 Pods "

STEP="zoom"
keys z
wait_for "Esc unzoom"
for t in "1 Pods" "3 Redis" "4 Kafka" "5 Metrics" "6 Alerts" "7 Timeline"; do
	expect_absent "$t "
done
wait_for "[2 Database]"
keys Escape
wait_for " 7 Timeline"
wait_for " 1 Pods "

STEP="filter pods"
keys 1
wait_for "[1 Pods]"
keys /
wait_for "Filter Pods"
keys a p i
wait_for "api"
keys Enter
wait_gone "Filter Pods"
wait_for "/api"
# The Pods pane: the top-left frame. Only api pods may be listed.
wait_region 2 21 1 80 "api-"
pods=$(region 3 20 1 80)
for other in web- worker- billing- checkout- coredns- prometheus-server; do
	if grep -qF -- "$other" <<<"$pods"; then
		fail "the api filter still lists $other pods"
	fi
done

STEP="help"
keys '?'
wait_for "Global keys"
wait_for "Terminate session"
keys Escape
wait_gone "Global keys"

STEP="select pid 4242"
keys 2
wait_for "[2 Database]"
# The pile-up builds up at scenario t = 38..40 s (2 s at 20x).
wait_for "blocks" 15
keys /
wait_for "Filter Database"
keys 4 2 4 2
wait_for "4242"
keys Enter
wait_gone "Filter Database"
wait_for "/4242"

STEP="terminate refused by default"
keys T
wait_for "pg_terminate_backend(4242)"
wait_for "Terminate session"
# Enter takes the highlighted button, which is No.
keys Enter
wait_gone "pg_terminate_backend(4242)"
wait_for "cancelled"
# Still blocked.
wait_for "blocks"

STEP="terminate confirmed"
keys T
wait_for "pg_terminate_backend(4242)"
keys y
wait_gone "[ No ]"
wait_for "terminate done" 10
# The blocked sessions proceed: no lock waits within a few seconds.
wait_for "no lock waits" 10

STEP="FLUSHDB needs the database number typed"
keys 3
wait_for "[3 Redis]"
keys F
wait_for "Type 0 and press Enter"
# y answers a yes/no dialog, not this one; a wrong number keeps it open.
keys y Enter
wait_for "Type 0 and press Enter"
keys BSpace 0 Enter
wait_gone "Type 0 and press Enter"
wait_for "flushdb done" 10

STEP="whole-source action without a selected row"
keys 2
wait_for "[2 Database]"
keys I
wait_for "Minutes"
keys 1 0 Enter
wait_for "Terminate idle-in-transaction"
keys n
wait_gone "[ No ]"
wait_for "cancelled"

STEP="quit"
keys q
wait_for "Quit warroom?"
keys y
wait_dead 5
[ "$(dead_status)" = 0 ] || fail "exit status $(dead_status) after quit"

# ---- 80x24: readable, then too small, then back -------------------------

STEP="80x24 start"
start small 80 24
for t in $titles; do
	wait_for "$t"
done
expect_absent "needs at least"
wait_for "[1 Pods]"

STEP="resize below the minimum"
tm resize-window -t small -x 50 -y 14
wait_for "needs at least"
expect_absent "[1 Pods]"

STEP="resize back"
tm resize-window -t small -x 80 -y 24
wait_gone "needs at least"
wait_for "[1 Pods]"
for t in $titles; do
	wait_for "$t"
done

STEP="SIGTERM"
pid=$(program_pid)
[ -n "$pid" ] || fail "no warroom process"
kill -TERM "$pid"
wait_dead 5
[ "$(dead_status)" = 143 ] || fail "exit status $(dead_status) after SIGTERM"

# ---- SIGHUP (the SSH session went away) ---------------------------------

STEP="SIGHUP"
start hup 120 40
wait_for "[1 Pods]"
pid=$(program_pid)
[ -n "$pid" ] || fail "no warroom process"
kill -HUP "$pid"
wait_dead 5
[ "$(dead_status)" = 129 ] || fail "exit status $(dead_status) after SIGHUP"

STEP="stderr"
# Nothing may have gone to stderr: no sanitizer report, no stray message.
for f in "$WORK"/stderr.*; do
	if [ -s "$f" ]; then
		echo "FAIL [$STEP]: $(basename "$f") is not empty:" >&2
		head -40 "$f" >&2
		exit 1
	fi
done

echo "e2e demo: all steps passed"
