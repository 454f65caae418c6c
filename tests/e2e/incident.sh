#!/bin/bash
# End-to-end: the incident, with the real binary in tmux on a private socket.
# 1. The demo declares its incident; a note, a confirmed action, the status
#    set to Resolved, the post-mortem; then the journal file is checked
#    line by line and `warroom report` prints the post-mortem.
# 2. --incident ... --severity P0, an action confirmed and the process
#    killed with SIGKILL right after; --resume shows the earlier timeline.
#
# usage: incident.sh PATH/TO/warroom
set -u

BIN=${1:?usage: incident.sh PATH/TO/warroom}
SOCK="warroom-e2e-inc-$$"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
unset TMUX
WORK=$(mktemp -d)
export XDG_STATE_HOME="$WORK/state"
STEP="start"
TODAY=$(date -u +%Y%m%d)
ID="INC-$TODAY-001"

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

wait_gone() {
	local deadline=$(($(now_ms) + ${2:-10} * 1000))

	while screen | grep -qF -- "$1"; do
		if [ "$(now_ms)" -ge "$deadline" ]; then
			fail "timed out waiting for '$1' to go away"
		fi
		sleep 0.1
	done
}

# wait_header TEXT: until the first line shows TEXT.
wait_header() {
	local deadline=$(($(now_ms) + 10000))

	while ! screen | head -1 | grep -qF -- "$1"; do
		if [ "$(now_ms)" -ge "$deadline" ]; then
			fail "timed out waiting for '$1' in the header"
		fi
		sleep 0.1
	done
}

keys() {
	tm send-keys -t "$TARGET" "$@"
}

wait_dead() {
	local deadline=$(($(now_ms) + ${1:-5} * 1000))

	while [ "$(tm display -p -t "$TARGET" '#{pane_dead}')" != 1 ]; do
		if [ "$(now_ms)" -ge "$deadline" ]; then
			fail "the program did not exit"
		fi
		sleep 0.1
	done
}

dead_status() {
	cat "$WORK/status.$TARGET" 2>/dev/null
}

program_pid() {
	ps -o pid= --ppid "$(tm display -p -t "$TARGET" '#{pane_pid}')" |
		tr -d ' '
}

# start NAME ARGS...: a new 160x48 session running warroom ARGS.
start() {
	local name="$1" args=""

	shift
	for a in "$@"; do
		args="$args '$a'"
	done
	TARGET="$name"
	tm start-server \; set-option -g remain-on-exit on \; \
		set-option -g set-clipboard on \; \
		new-session -d -s "$name" -x 160 -y 48 \
		"env XDG_CONFIG_HOME='$WORK' TERM=screen '$BIN' $args \
		2>'$WORK/stderr.$name'; echo \$? > '$WORK/status.$name'"
}

# Selects pid 4242 in the Database pane and confirms Terminate.
terminate_4242() {
	keys 2
	wait_for "[2 Database]"
	wait_for "blocks" 15
	keys /
	wait_for "Filter Database"
	keys 4 2 4 2 Enter
	wait_gone "Filter Database"
	keys T
	wait_for "pg_terminate_backend(4242)"
	keys y
}

# ---- 1. the demo's incident, from declaration to post-mortem ----------

D="$WORK/journal"

STEP="declared"
start demo --demo --demo-speed 20 --journal-dir "$D"
wait_header "$ID"
wait_header " P1 "
wait_header "Investigating"
wait_header "next update in"
J="$D/$ID.jsonl"
[ -f "$J" ] || fail "no journal $J"

STEP="note"
NOTE="e2e note: pid 4242 holds the orders lock"
keys n
wait_for "Note for $ID"
keys -l "$NOTE"
keys Enter
wait_for "note added to $ID"
keys 7 z
wait_for "[7 Timeline]"
wait_for "$NOTE"

STEP="timeline search and detail"
keys /
wait_for "Filter Timeline"
keys -l "orders lock"
keys Enter
wait_for "/orders lock"
wait_for "filter: orders lock (1 of"
keys Enter
wait_for "kind: note"
wait_for "text: $NOTE"
keys Escape
wait_gone "kind: note"
keys /
wait_for "Filter Timeline"
keys C-u Enter
wait_gone "/orders lock"
keys Escape

STEP="action"
terminate_4242
wait_for "terminate done" 10
keys 7 z
wait_for "Terminate session on pid 4242"
keys Escape

STEP="resolve"
keys t
wait_for "Status of $ID"
keys 5
wait_for "Investigating → Resolved"
keys Enter
wait_header "Resolved"
wait_for "$ID resolved"
wait_gone "next update in"

STEP="post-mortem"
keys P
wait_for "Post-mortem draft of $ID"
wait_for "# Post-Mortem: Checkout API returning 500s after deploy"
wait_for "## Timeline (all times UTC)"
found=0
for i in 1 2 3 4 5 6; do
	if screen | grep -qF -- "$NOTE"; then
		found=1
		break
	fi
	keys NPage
	sleep 0.3
done
[ "$found" = 1 ] || fail "the note is not in the post-mortem overlay"
wait_for "post-mortem saved to $D/$ID-postmortem.md"
[ -f "$D/$ID-postmortem.md" ] || fail "no post-mortem file"
keys Escape
wait_gone "Post-mortem draft"

STEP="status update copied"
keys u
wait_for "Status update #1 of $ID"
keys c
wait_for "copied the Slack text to the clipboard"
tm show-buffer 2>/dev/null | grep -qF "$ID" ||
	fail "the clipboard (tmux buffer) lacks the update"
keys m
wait_for "status update #1 marked as sent"

STEP="quit"
keys q
wait_for "Quit warroom?"
keys y
wait_dead 5
[ "$(dead_status)" = 0 ] || fail "exit status $(dead_status) after quit"

STEP="journal file"
[ "$(stat -c %a "$J")" = 600 ] || fail "journal mode $(stat -c %a "$J")"
python3 - "$J" "$NOTE" <<'EOF' || fail "journal check failed"
import json, sys

path, note = sys.argv[1], sys.argv[2]
recs = []
with open(path, "rb") as f:
    data = f.read()
assert data.endswith(b"\n"), "the last record is not complete"
for n, line in enumerate(data.split(b"\n")[:-1], 1):
    try:
        recs.append(json.loads(line))
    except ValueError as e:
        sys.exit("line %d does not parse: %s" % (n, e))
seqs = [r["seq"] for r in recs]
assert seqs == sorted(seqs), "seq not increasing"
assert recs[0].get("event") == "declare", "the first record is no declaration"
assert any(r["kind"] == "note" and r.get("text") == note for r in recs), \
    "no note record"
intents = [r for r in recs if r["kind"] == "action" and
           "pg_terminate_backend(4242)" in r.get("op", "")]
assert intents, "no intent record for the terminate"
results = [r for r in recs if r["kind"] == "result" and
           r.get("intent_seq") == intents[0]["seq"]]
assert results, "no result record for the terminate"
assert recs.index(results[0]) > recs.index(intents[0]), "result before intent"
assert results[0].get("ok") is True or results[0].get("ok") == 1, \
    "the terminate did not succeed"
assert any(r.get("event") == "status" and r.get("status") == "Resolved"
           for r in recs), "no status change to Resolved"
assert any(r.get("event") == "update" for r in recs), "no update record"
EOF

STEP="report"
"$BIN" report "$ID" --postmortem --journal-dir "$D" >"$WORK/pm.md" \
	2>"$WORK/report.err" || fail "report failed: $(cat "$WORK/report.err")"
grep -qF -- "$NOTE" "$WORK/pm.md" || fail "report lacks the note"
grep -qF -- "pg_terminate_backend(4242)" "$WORK/pm.md" ||
	fail "report lacks the operation"
grep -qF -- "## Timeline" "$WORK/pm.md" || fail "report lacks the timeline"
[ -s "$WORK/report.err" ] && fail "report wrote to stderr"

# ---- 2. kill -9 after a confirmed action, then --resume -----------------

D2="$WORK/journal2"

STEP="declare P0"
start crash --demo --demo-speed 20 --journal-dir "$D2" \
	--incident "X e2e crash" --severity P0 --commander carol
wait_header "$ID"
wait_header " P0 "
keys n
wait_for "Note for $ID"
keys -l "before the crash"
keys Enter
wait_for "note added"

STEP="kill -9"
terminate_4242
pid=$(program_pid)
[ -n "$pid" ] || fail "no warroom process"
kill -KILL "$pid"
wait_dead 5
[ "$(dead_status)" = 137 ] || fail "exit status $(dead_status) after SIGKILL"

STEP="resume"
start resumed --demo --demo-speed 20 --journal-dir "$D2" --resume "$ID"
wait_header "$ID"
wait_header " P0 "
wait_for "resumed $ID"
keys 7 z
wait_for "[7 Timeline]"
wait_for "before the crash"
wait_for "Declared $ID: X e2e crash"
wait_for "Resumed $ID"
# The action either finished (its result) or was cut short (outcome
# unknown); both are on the record.
if screen | grep -qF "terminate on pid 4242"; then
	echo "resume: the terminate's result was on disk before the kill"
else
	wait_for "Outcome unknown"
	echo "resume: the terminate reads as outcome unknown"
fi
keys Escape
keys q
wait_for "Quit warroom?"
keys y
wait_dead 5

STEP="journal after the crash"
python3 - "$D2/$ID.jsonl" <<'EOF' || fail "journal check failed"
import json, sys

with open(sys.argv[1], "rb") as f:
    lines = f.read().split(b"\n")
assert lines[-1] == b"", "the last record is not complete"
recs = [json.loads(l) for l in lines[:-1]]
assert recs[0].get("event") == "declare" and recs[0].get("severity") == "P0"
assert recs[0].get("commander") == "carol"
assert any(r["kind"] == "note" and r.get("text") == "before the crash"
           for r in recs)
assert any(r.get("event") == "resume" for r in recs)
EOF

STEP="stderr"
for f in "$WORK"/stderr.*; do
	if [ -s "$f" ]; then
		echo "FAIL [$STEP]: $(basename "$f") is not empty:" >&2
		head -40 "$f" >&2
		exit 1
	fi
done

echo "e2e incident: all steps passed"
