# shellcheck shell=bash
# Shared by the end-to-end scripts (sourced, first argument: the warroom
# binary, second for the scripts that need it: the e2e_servers fixture):
# the program in tmux on a private socket, keys in, the screen read back,
# waits with deadlines, real servers, and cleanup on exit.
set -u

BIN=${1:?usage: $(basename "$0") PATH/TO/warroom [PATH/TO/e2e_servers]}
SERVERS_BIN=${2:-}
# One socket per script and run.
SOCK="warroom-e2e-$(basename "$0" .sh)-$$"
# A UTF-8 locale for tmux and the program alike; C.UTF-8 is built into
# glibc.
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset TMUX
WORK=$(mktemp -d)
export XDG_STATE_HOME="$WORK/state"
STEP="start"
TARGET=""
LISTENER=""
SERVERS=""

tm() {
	tmux -L "$SOCK" -f /dev/null "$@"
}

cleanup() {
	tm kill-server >/dev/null 2>&1
	if [ -n "$SERVERS" ]; then
		kill "$SERVERS" 2>/dev/null
		wait "$SERVERS" 2>/dev/null
	fi
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

# poll MILLISECONDS WHAT COMMAND...: until COMMAND succeeds; fails with
# "WHAT within MILLISECONDS ms" when the time is up.
poll() {
	local ms="$1" what="$2" deadline

	shift 2
	deadline=$(($(now_ms) + ms))
	until "$@"; do
		if [ "$(now_ms)" -ge "$deadline" ]; then
			fail "$what within $ms ms"
		fi
		sleep 0.05
	done
}

shows() {
	screen | grep -qF -- "$1"
}

hides() {
	! shows "$1"
}

# wait_for TEXT [MILLISECONDS]: until the screen shows TEXT (fixed string);
# 10 s unless told.
wait_for() {
	poll "${2:-10000}" "no '$1'" shows "$1"
}

# wait_gone TEXT [MILLISECONDS]: until the screen no longer shows TEXT.
wait_gone() {
	poll "${2:-10000}" "'$1' did not go away" hides "$1"
}

expect_absent() {
	if shows "$1"; then
		fail "'$1' is still on the screen"
	fi
}

# region Y0 Y1 X0 X1: the rectangle of the screen (1-based, inclusive;
# columns are bytes).
region() {
	screen | sed -n "$1,$2p" | cut -c"$3-$4"
}

region_shows() {
	region "$1" "$2" "$3" "$4" | grep -qF -- "$5"
}

# wait_region Y0 Y1 X0 X1 TEXT: until the rectangle shows TEXT.
wait_region() {
	poll 10000 "no '$5' in rows $1-$2" region_shows "$@"
}

keys() {
	tm send-keys -t "$TARGET" "$@"
}

pane_dead() {
	[ "$(tm display -p -t "$TARGET" '#{pane_dead}')" = 1 ]
}

# wait_exit [MILLISECONDS]: until the program has exited (5 s unless told).
wait_exit() {
	poll "${1:-5000}" "the program did not exit" pane_dead
}

# wait_dead [MILLISECONDS]: wait_exit, then the terminal must have been
# given back (alternate screen off).
wait_dead() {
	wait_exit "$@"
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

# expect_mapped yes|no LIBRARY...: whether the program has each client
# library (libpq.so, libhiredis.so, libcurl.so, a file-name prefix) mapped:
# they are opened only when a source of their kind starts.
expect_mapped() {
	local want=$1 pid lib
	shift

	pid=$(program_pid)
	[ -n "$pid" ] || fail "no warroom process"
	for lib in "$@"; do
		if grep -q "/$lib" "/proc/$pid/maps"; then
			[ "$want" = yes ] || fail "$lib is mapped"
		else
			[ "$want" = no ] || fail "$lib is not mapped"
		fi
	done
}

# signal_exit SIGNAL STATUS: sends SIGNAL (TERM, HUP, KILL, ...) to the
# program, which must exit within 5 s with STATUS and, unless killed with
# SIGKILL (nothing can restore the terminal then), give the terminal back.
signal_exit() {
	local pid

	pid=$(program_pid)
	[ -n "$pid" ] || fail "no warroom process"
	kill -"$1" "$pid"
	if [ "$1" = KILL ]; then
		wait_exit 5000
	else
		wait_dead 5000
	fi
	[ "$(dead_status)" = "$2" ] ||
		fail "exit status $(dead_status) after SIG$1"
}

# start NAME COLS ROWS ARGS...: a new session NAME of COLS x ROWS running
# warroom ARGS; it becomes the TARGET of keys and screen. Its stderr goes
# to $WORK/stderr.NAME.
start() {
	local name="$1" cols="$2" rows="$3" args="" a

	shift 3
	for a in "$@"; do
		args="$args '$a'"
	done
	TARGET="$name"
	tm start-server \; set-option -g remain-on-exit on \; \
		set-option -g set-clipboard on \; \
		new-session -d -s "$name" -x "$cols" -y "$rows" \
		"env XDG_CONFIG_HOME='$WORK' XDG_STATE_HOME='$XDG_STATE_HOME' \
		TERM=screen '$BIN' $args \
		2>'$WORK/stderr.$name'; echo \$? > '$WORK/status.$name'"
}

# quit MILLISECONDS [DIALOG_MILLISECONDS]: q, then y in the confirmation
# (shown within DIALOG_MILLISECONDS, 10 s unless told); the program must
# be gone MILLISECONDS after the y, with status 0 and the terminal given
# back.
quit() {
	local t0

	keys q
	wait_for "Quit warroom?" "${2:-10000}"
	t0=$(now_ms)
	keys y
	wait_dead $((t0 + $1 - $(now_ms)))
	echo "quit took $(($(now_ms) - t0)) ms"
	[ "$(dead_status)" = 0 ] ||
		fail "exit status $(dead_status) after quit, stderr:" \
			"$(cat "$WORK/stderr.$TARGET" 2>/dev/null)"
}

# help_answers: '?' opens the help within a second and Escape closes it
# within a second.
help_answers() {
	local t0

	t0=$(now_ms)
	keys '?'
	wait_for "Global keys" 1000
	echo "help opened in $(($(now_ms) - t0)) ms"
	keys Escape
	wait_gone "Global keys" 1000
}

# Nothing may have gone to stderr: no sanitizer report, no stray message.
check_stderr() {
	local f

	STEP="stderr"
	for f in "$WORK"/stderr.*; do
		if [ -s "$f" ]; then
			echo "FAIL [$STEP]: $(basename "$f") is not empty:" >&2
			head -40 "$f" >&2
			exit 1
		fi
	done
}

# silent_listener: a TCP listener on 127.0.0.1 that accepts every
# connection and never sends a byte (python3). Sets PORT; cleanup stops it.
silent_listener() {
	python3 -c '
import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
while True:
    held.append(s.accept()[0])
' "$WORK/port" &
	LISTENER=$!
	poll 10000 "the silent listener did not start" test -s "$WORK/port"
	# shellcheck disable=SC2034 # read by the scripts
	PORT=$(cat "$WORK/port")
}

# start_servers pg|redis|prom|am...: the real servers of an incident
# (tests/e2e/servers.c) on loopback, ready within 120 s; sets PG_PORT,
# REDIS_URL, PROM_URL, AM_URL for those started. cleanup stops them.
start_servers() {
	[ -n "$SERVERS_BIN" ] || fail "no e2e_servers given"
	mkdir -p "$WORK/servers"
	"$SERVERS_BIN" "$WORK/servers" "$@" >"$WORK/servers/log" 2>&1 &
	SERVERS=$!
	poll 120000 "the servers did not start ($(cat "$WORK/servers/log" \
		2>/dev/null))" test -e "$WORK/servers/ready"
	# shellcheck disable=SC1091 # written by e2e_servers
	. "$WORK/servers/servers.env"
}

# resize COLS ROWS: the terminal of TARGET changes size.
resize() {
	tm resize-window -t "$TARGET" -x "$1" -y "$2"
}

# header_shows TEXT: the top line shows TEXT.
header_shows() {
	screen | sed -n 1p | grep -qF -- "$1"
}

# frames_show TEXT: the panes (every line but the header and the status
# line) show TEXT.
frames_show() {
	screen | sed '1d;$d' | grep -qF -- "$1"
}
