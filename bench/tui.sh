#!/bin/sh
# The UI's cost, measured beside htop in the same run: idle CPU (% of a
# core), resident memory, bytes written to the terminal per second and
# key-to-screen latency, in a 160x48 tmux pane. Needs the tuimeter tool
# (path in $TUIMETER, default ../shared/tools/tuimeter) and htop.
#
#   bench/tui.sh [BUILD_DIR] [SECONDS]
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
secs=${2:-60}
meter=${TUIMETER:-$top/../shared/tools/tuimeter}

if ! command -v htop >/dev/null 2>&1; then
	apt-get install -y -qq htop >/dev/null
fi
ninja -C "$build" warroom >/dev/null

"$meter" -d "$secs" -s 160x48 -l warroom-demo \
	--ready-regex 'postgres\.demo' --latency-key 'Tab,BTab' \
	"$build/warroom" --demo
"$meter" -d "$secs" -s 160x48 -l htop --latency-key 'Down,Up' htop
