#!/bin/bash
# End-to-end: the real binary in tmux on a private socket, driven with
# send-keys and read back with capture-pane. Runs the demo at 20x speed:
# focus, zoom, filter, help, a confirmed action, quit; a small terminal and
# a resize below the minimum; SIGTERM and SIGHUP. Every exit path must
# leave the terminal restored (pane dead, alternate screen off).
#
# usage: demo.sh PATH/TO/warroom
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

# wait_titles: until every pane's title is on the screen.
wait_titles() {
	local t

	for t in Pods Database Redis Kafka Metrics Alerts Timeline; do
		wait_for "$t"
	done
}

# ---- 160x48: the full tour ---------------------------------------------

STEP="160x48 start"
start big 160 48 --demo --demo-speed 20
wait_titles
wait_for "postgres.demo"
wait_for "[1 Pods]"

STEP="no client library without a real source"
expect_mapped no libpq.so libhiredis.so libcurl.so

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
# The Pods pane: the top-left frame, under the Findings strip. Only api
# pods may be listed.
top=$(screen | grep -n "\[1 Pods\]" | head -n 1 | cut -d: -f1)
[ -n "$top" ] || fail "no Pods frame"
wait_region "$top" 21 1 80 "api-"
pods=$(region $((top + 1)) 20 1 80)
for other in web- worker- billing- checkout- coredns- prometheus-server; do
	if grep -qF -- "$other" <<<"$pods"; then
		fail "the api filter still lists $other pods"
	fi
done

STEP="mouse"
# A left click as an xterm reports it (X10 encoding: ESC [ M, button+32,
# column+33, row+33), pressed and released at 0-based (x, y).
click() {
	local x y
	x=$(printf '\\x%x' $((33 + $1)))
	y=$(printf '\\x%x' $((33 + $2)))
	keys -l "$(printf "\033[M\x20$x$y")"
	keys -l "$(printf "\033[M\x23$x$y")"
}
click 100 6
wait_for "[2 Database]"
expect_absent "[1 Pods]"
# Two billing pods, healthy, so their order stays put: a click on the
# second focuses Pods and selects it, and the zoomed pane's detail (Enter)
# is that pod's record.
keys 1 /
wait_for "Filter Pods"
keys C-u b i l l i n g Enter
wait_gone "Filter Pods"
wait_for "/billing"
click 100 6
wait_for "[2 Database]"
line=$(screen | grep -n "prod  *billing-" | sed -n 2p | cut -d: -f1)
[ -n "$line" ] || fail "no second billing pod row to click"
pod=$(screen | sed -n "${line}p" | grep -o "billing-[a-z0-9-]*" | head -n 1)
click 20 $((line - 1))
wait_for "[1 Pods]"
keys z
wait_for "Esc unzoom"
keys Enter
wait_for "pod prod/$pod"
keys Escape
wait_gone "pod prod/$pod"
keys Escape
wait_for " 7 Timeline"

STEP="help"
keys '?'
wait_for "Global keys"
# the actions of the panes below the first page
keys NPage
wait_for "Terminate session"
keys Escape
wait_gone "Global keys"

STEP="select pid 4242"
keys 2
wait_for "[2 Database]"
# The pile-up builds up at scenario t = 38..40 s (2 s at 20x).
wait_for "blocks" 15000
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
wait_for "terminate done" 10000
# The blocked sessions proceed: no lock waits within a few seconds.
wait_for "no lock waits" 10000

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
wait_for "flushdb done" 10000

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

STEP="the Findings strip leads to the rollback"
# api still crash-loops after its bad deploy: the diagnosis's worst
# finding is about it, and its key is rollback.
keys w
wait_for "[U] rollback" 15000
keys Enter
wait_for "[1 Pods]"
keys U
wait_for "rollout undo deployment/api -n prod"
keys n
wait_gone "[ No ]"
wait_for "cancelled"

STEP="quit"
quit 5000

# ---- 80x24: readable, then too small, then back -------------------------

STEP="80x24 start"
start small 80 24 --demo --demo-speed 20
wait_titles
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
wait_titles

STEP="SIGTERM"
signal_exit TERM 143

# ---- SIGHUP (the SSH session went away) ---------------------------------

STEP="SIGHUP"
start hup 120 40 --demo --demo-speed 20
wait_for "[1 Pods]"
signal_exit HUP 129

check_stderr

echo "e2e demo: all steps passed"
