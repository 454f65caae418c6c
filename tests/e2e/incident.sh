#!/bin/bash
# End-to-end: the incident, with the real binary in tmux on a private socket.
# 1. The demo declares its incident; a note, a confirmed action, the status
#    set to Resolved, the post-mortem; then the journal file is checked
#    line by line and `warroom report` prints the post-mortem.
# 2. --incident ... --severity P0, an action confirmed and the process
#    killed with SIGKILL right after; --resume shows the earlier timeline.
#
# usage: incident.sh PATH/TO/warroom
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

TODAY=$(date -u +%Y%m%d)
ID="INC-$TODAY-001"

# wait_header TEXT: until the first line shows TEXT.
header_shows() {
	screen | head -1 | grep -qF -- "$1"
}

wait_header() {
	poll 10000 "no '$1' in the header" header_shows "$1"
}

# Selects pid 4242 in the Database pane and confirms Terminate.
terminate_4242() {
	keys 2
	wait_for "[2 Database]"
	wait_for "blocks" 15000
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
start demo 160 48 --demo --demo-speed 20 --journal-dir "$D"
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
wait_for "terminate done" 10000
keys 7 z
wait_for "Terminate session on pid 4242"
keys Escape

STEP="a silence's input is checked before any confirmation"
keys 6 z
wait_for "[6 Alerts]"
wait_for "HighErrorRate" 15000
keys /
wait_for "Filter Alerts"
keys -l "HighErrorRate"
keys Enter
wait_gone "Filter Alerts"
for input in "2h" ""; do
	keys A
	wait_for "Duration, matchers"
	# The line starts with the alert's matchers: replace them.
	keys C-u
	[ -n "$input" ] && keys -l "$input"
	keys Enter
	wait_for "Silence alert: usage: DURATION [MATCHERS] COMMENT"
	wait_gone "Duration, matchers"
	shows "POST /api/v2/silences" && fail "a confirmation opened for '$input'"
done
keys /
wait_for "Filter Alerts"
keys C-u Enter
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
wait_for "# Post-Incident Report: $ID — Checkout API returning 500s after deploy"
wait_for "## Incident Summary"
found=0
for _ in 1 2 3 4 5 6; do
	if shows "$NOTE"; then
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
quit 5000

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
assert not any(r.get("action") == "silence" for r in recs), \
    "a silence with a wrong input reached the journal"
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
start crash 160 48 --demo --demo-speed 20 --journal-dir "$D2" \
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
signal_exit KILL 137

STEP="resume"
start resumed 160 48 --demo --demo-speed 20 --journal-dir "$D2" \
	--resume "$ID"
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
if shows "): ok: pg_termin"; then
	echo "resume: the terminate's result was on disk before the kill"
else
	wait_for "Outcome unknown"
	echo "resume: the terminate reads as outcome unknown"
fi
keys Escape
quit 5000

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

check_stderr

echo "e2e incident: all steps passed"
