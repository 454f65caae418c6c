#!/bin/sh
# Builds the fuzz targets with clang and libFuzzer and fuzzes each for N
# seconds (default 60), starting from the checked-in corpus. New inputs go
# to a scratch corpus; crashes are left as crash-* files in the work
# directory (reproduce with: BUILD/tests/fuzz/fuzz_prom_json crash-...).
#
#   tests/fuzz/run.sh [SECONDS] [BUILD_DIR]
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
build=${2:-/tmp/build-fuzz}
work=${FUZZ_WORK:-$build/fuzz-work}

if [ ! -f "$build/build.ninja" ]; then
	CC=clang meson setup "$build" "$top" -Dfuzz=true \
		-Db_sanitize=address,undefined -Db_lundef=false >/dev/null
fi
ninja -C "$build" tests/fuzz/fuzz_prom_json tests/fuzz/fuzz_k8s

mkdir -p "$work/corpus" "$work/corpus-k8s"
cd "$work"
# Runs until the time is up or the first crash; -print_final_stats gives
# the number of executions.
"$build/tests/fuzz/fuzz_prom_json" -max_total_time="$secs" \
	-max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	"$work/corpus" "$top/tests/fuzz/corpus/prom" "$top/tests/fuzz/corpus/am"
"$build/tests/fuzz/fuzz_k8s" -max_total_time="$secs" \
	-max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	"$work/corpus-k8s" "$top/tests/fuzz/corpus/k8s"
