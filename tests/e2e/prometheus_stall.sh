#!/bin/bash
# End-to-end: a Prometheus that accepts connections and never answers. The
# real binary runs in tmux with one [prometheus.stall] source pointing at a
# silent listener (python3); while a poll is stuck the UI keeps answering
# keys ('?' opens the help within a second), the Metrics pane shows the
# timeout within a few seconds, and quitting does not wait for the probe.
#
# usage: prometheus_stall.sh PATH/TO/warroom
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

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
	poll "$3" "no '$2' in the $1 pane" in_pane "$1" "$2"
}

STEP="listener"
silent_listener

cat >"$WORK/config.ini" <<CONF
[prometheus.stall]
url = http://127.0.0.1:$PORT
interval = 1s
timeout = 1s
CONF

# ---- the program ----------------------------------------------------------

STEP="start"
START=$(now_ms)
start stall 160 48 --config "$WORK/config.ini"
wait_for "prometheus.stall" 5000

STEP="help while the poll is stuck"
# The first poll is inside its 1 s wait now; press a few times more so
# that later presses land in later stuck polls too.
for _ in 1 2 3; do
	help_answers
	sleep 0.3
done

STEP="timeout shown"
# The first poll gives up after 1 s; allow for a slow start.
wait_in_pane "1 Metrics" "timed out after 1s (127.0.0.1:$PORT)" \
	$((START + 5000 - $(now_ms)))
echo "timeout shown $(($(now_ms) - START)) ms after start"

STEP="libcurl opened for the source, libpq and hiredis not"
expect_mapped yes libcurl.so
expect_mapped no libpq.so libhiredis.so

STEP="quit while the poll is stuck"
quit 1500 1000
check_stderr
echo "prometheus_stall: ok"
