#!/bin/sh
# scripts/check-layers: passes on the source tree, and fails, naming the
# file, the line and the arrow, on a copy with one include that breaks the
# layer rule (one case per rule).
set -u

top=${WARROOM_SOURCE_DIR:?}
check="$top/scripts/check-layers"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

out=$("$check" "$top" 2>&1)
if [ $? -ne 0 ]; then
	echo "FAIL: the source tree breaks the layer rule:"
	echo "$out"
	fail=1
fi

# A small tree that follows the rule.
mkdir -p "$tmp/t/core" "$tmp/t/probes" "$tmp/t/themes" "$tmp/t/widgets" \
	"$tmp/t/tui"
printf '#include "core/err.h"\n#include "build-config.h"\n' \
	>"$tmp/t/core/a.c"
printf '#include "core/err.h"\n#include "probes/b.h"\n' >"$tmp/t/probes/b.c"
printf '#include "core/xalloc.h"\n' >"$tmp/t/themes/c.c"
printf '#include "themes/c.h"\n#include "core/sanitize.h"\n' \
	>"$tmp/t/widgets/d.c"
printf '#include "probes/probe.h"\n#include "widgets/d.h"\n' \
	>"$tmp/t/tui/e.c"
if ! "$check" "$tmp/t" >/dev/null 2>&1; then
	echo "FAIL: a tree that follows the rule was refused"
	"$check" "$tmp/t"
	fail=1
fi

# Each wrong arrow alone: FILE, the include, the message expected.
expect_broken() {
	file=$1
	inc=$2
	want=$3

	rm -rf "$tmp/u"
	cp -r "$tmp/t" "$tmp/u"
	printf '#include "%s"\n' "$inc" >>"$tmp/u/$file"
	out=$("$check" "$tmp/u" 2>/dev/null)
	rc=$?
	if [ $rc -ne 1 ]; then
		echo "FAIL: $file including $inc: exit $rc, want 1"
		fail=1
	elif ! printf '%s\n' "$out" | grep -qF "$want"; then
		echo "FAIL: $file including $inc: got '$out', want '$want'"
		fail=1
	fi
}

expect_broken core/a.c tui/app.h "core/a.c:3: core may not include tui/app.h"
expect_broken core/a.c probes/probe.h \
	"core/a.c:3: core may not include probes/probe.h"
expect_broken probes/b.c tui/pane.h \
	"probes/b.c:3: probes may not include tui/pane.h"
expect_broken probes/b.c widgets/table.h \
	"probes/b.c:3: probes may not include widgets/table.h"
expect_broken widgets/d.c core/model.h \
	"widgets/d.c:3: widgets may not include core/model.h"
expect_broken widgets/d.c probes/probe.h \
	"widgets/d.c:3: widgets may not include probes/probe.h"
expect_broken themes/c.c widgets/draw.h \
	"themes/c.c:2: themes may not include widgets/draw.h"
expect_broken tui/e.c probes/runner.h \
	"tui/e.c:3: tui may not include probes/runner.h"
expect_broken tui/e.c probes/postgres.h \
	"tui/e.c:3: tui may not include probes/postgres.h"

if [ $fail -eq 0 ]; then
	echo "ok: check-layers holds the rule and names each broken arrow"
fi
exit $fail
