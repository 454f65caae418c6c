#!/bin/sh
# The Kubernetes source at scale: 10,000 pods in 100 namespaces created in
# a real control plane (scripts/k8s-up), then 1 % of them replaced every
# minute. The real binary runs in a tmux pane (tuimeter) once watching and
# once listing everything again every interval (watch = false); for each:
# the time to the first full frame ("pods 10000" on screen), resident
# memory, CPU per minute, and bytes received from the API server per
# minute (a proxy in front of it counts them, TLS passed through), over
# the steady part of the run. And kubectl get pods -A, the reference for
# the first list, on the same cluster. Not a test: run it by hand.
#
#   bench/k8s_scale.sh [BUILD_DIR] [SECONDS]
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
secs=${2:-300}
warmup=90
meter=${TUIMETER:-$top/../shared/tools/tuimeter}
load="$top/bench/k8s_load.py"

ninja -C "$build" warroom >/dev/null
dir=$(mktemp -d)
pids=
stop() {
	for p in $pids; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	"$top/scripts/k8s-down" "$dir/cp" >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap stop EXIT
trap 'exit 1' HUP INT TERM

"$top/scripts/k8s-up" --parent $$ "$dir/cp" 2>"$dir/k8s-up.log"
. "$dir/cp/env"
kubectl="$K8S_BIN/kubectl --kubeconfig=$K8S_ADMIN_KUBECONFIG"

echo "creating 10000 pods in 100 namespaces ..." >&2
created=$(python3 "$load" create "$dir/cp/env" 100 10000)
echo "created in $created s" >&2
n=$($kubectl get pods -A --no-headers | wc -l)
echo "kubectl sees $n pods" >&2

# kubectl get pods -A: the same list, printed.
for i in 1 2 3; do
	t0=$(date +%s%N)
	$kubectl get pods -A >/dev/null
	echo "kubectl get pods -A: $((($(date +%s%N) - t0) / 1000000)) ms"
done

# The counting proxy in front of the API server.
port=$(python3 -c 'import socket; s = socket.socket();
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 "$load" count "$port" "${K8S_URL##*:}" "$dir/bytes" &
pids="$pids $!"
while [ ! -s "$dir/bytes" ]; do sleep 0.1; done
cat >"$dir/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: bench
  cluster:
    server: https://127.0.0.1:$port
    certificate-authority: $K8S_CA
users:
- name: admin
  user:
    token: $K8S_ADMIN_TOKEN
contexts:
- name: bench
  context:
    cluster: bench
    user: admin
current-context: bench
KC

# 1 % churn: 100 pods replaced a minute, all the while.
python3 "$load" churn "$dir/cp/env" 10000 100 &
pids="$pids $!"

run() { # mode watch
	cat >"$dir/$1.ini" <<CONF
[kubernetes.bench]
kubeconfig = $dir/kubeconfig
interval = 2s
timeout = 30s
watch = $2
CONF
	b0=$(cat "$dir/bytes")
	( sleep "$warmup"; cat "$dir/bytes" >"$dir/b1" ) &
	sampler=$!
	"$meter" -d "$secs" --warmup "$warmup" -s 200x50 -l "k8s-$1" \
		--startup-timeout 120 --ready-regex 'pods 10000 ' \
		-e XDG_STATE_HOME="$dir/state" \
		"$build/warroom" --config "$dir/$1.ini" >"$dir/$1.json"
	b2=$(cat "$dir/bytes")
	wait "$sampler"
	b1=$(cat "$dir/b1")
	python3 - "$dir/$1.json" "$1" "$b0" "$b1" "$b2" "$secs" "$warmup" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
mode, b0, b1, b2 = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
secs, warm = float(sys.argv[6]), float(sys.argv[7])
steady_min = (secs - warm) / 60
print("%-6s first full frame %.2f s; first %d s %.1f MB; "
      "rss %.1f MB (peak %.1f MB); cpu %.2f s/min (%.1f %% of a core); "
      "received %.2f MB/min" % (
          mode, r["startup_ready_s"] or -1, warm, (b1 - b0) / 1e6,
          r["rss_final_kb"] / 1024, r["rss_peak_kb"] / 1024,
          r["steady_cpu_pct"] / 100 * 60, r["steady_cpu_pct"],
          (b2 - b1) / 1e6 / steady_min))
PY
}

run watch true
run relist false
