#!/bin/bash
# End-to-end: the real binary in tmux against a real Kubernetes control
# plane (scripts/k8s-up) and a kubelet that serves logs to it
# (tests/integration/k8s_proxy.py). The header says the context and PROD;
# pods show kubectl's reasons; an event message, a log line and a waiting
# message carrying escape sequences are drawn escaped; a log flood keeps
# the last 500 lines while the keys keep answering; scale starts from the
# current replicas, its confirmation shows the request and the dry run,
# it changes the cluster and lands in the journal; --read-only has no
# actions; and an API server that never answers is one line in the pane
# while '?' still answers.
#
# usage: k8s.sh PATH/TO/warroom
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

TOP=$(cd "$(dirname "$0")/../.." && pwd)
CP="$WORK/cp"
KUBELET=""

stop_all() {
	if [ -n "$KUBELET" ]; then
		kill "$KUBELET" 2>/dev/null
		wait "$KUBELET" 2>/dev/null
	fi
	"$TOP/scripts/k8s-down" "$CP" >/dev/null 2>&1
	cleanup
}
trap stop_all EXIT

STEP="control plane"
"$TOP/scripts/k8s-up" --parent $$ "$CP" >"$WORK/k8s-up.log" 2>&1 ||
	fail "k8s-up: $(tail -5 "$WORK/k8s-up.log")"
# shellcheck disable=SC1091
. "$CP/env"
k() {
	"$K8S_BIN/kubectl" --kubeconfig="$K8S_ADMIN_KUBECONFIG" "$@"
}

STEP="cluster"
k create namespace shop >/dev/null
poll 30000 "no default service account" \
	k -n shop get serviceaccount default -o name
k -n shop create deployment web --replicas=2 \
	--image=registry.k8s.io/pause:3.9 >/dev/null
k -n shop run crash --image=registry.k8s.io/pause:3.10 >/dev/null
k -n shop patch pod crash --subresource=status --type=merge -p '{"status":
 {"phase": "Running", "containerStatuses": [{"name": "crash", "image": "x",
  "imageID": "", "ready": false, "restartCount": 7, "state": {"waiting":
  {"reason": "CrashLoopBackOff", "message": "back-off \u001b[5m5m0s"}},
  "lastState": {"terminated": {"exitCode": 137, "reason": "OOMKilled",
  "finishedAt": "2026-01-01T00:00:00Z"}}}]}}' >/dev/null
k -n shop apply -f - >/dev/null <<'YAML'
apiVersion: v1
kind: Event
metadata:
  name: crash.1
involvedObject:
  kind: Pod
  name: crash
  namespace: shop
type: Warning
reason: BackOff
message: "Back-off \e[31mrestarting\e[0m failed container"
count: 9
YAML

STEP="kubelet"
PORT=$(python3 -c 'import socket; s = socket.socket();
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
	-keyout "$WORK/kl.key" -out "$WORK/kl.crt" 2>/dev/null
cat >"$WORK/logs.json" <<'JSON'
{"shop/logger/logger": {"current": ["ready", "GET / 200",
  "evil \u001b[2J\u001b]0;pwned\u0007 line"], "follow_s": 600},
 "shop/flood/flood": {"current": ["first"], "flood": 300000,
  "follow_s": 600}}
JSON
python3 "$TOP/tests/integration/k8s_proxy.py" kubelet "$PORT" \
	"$WORK/kl.crt" "$WORK/kl.key" "$WORK/logs.json" \
	>"$WORK/kubelet.log" 2>&1 &
KUBELET=$!
k apply -f - >/dev/null <<YAML
apiVersion: v1
kind: Node
metadata:
  name: e2e-node
YAML
k patch node e2e-node --subresource=status --type=merge -p "{\"status\":
 {\"addresses\": [{\"type\": \"InternalIP\", \"address\": \"127.0.0.1\"}],
  \"daemonEndpoints\": {\"kubeletEndpoint\": {\"Port\": $PORT}}}}" >/dev/null
for p in logger flood; do
	k -n shop run $p --image=registry.k8s.io/pause:3.10 \
		--overrides='{"spec": {"nodeName": "e2e-node"}}' >/dev/null
done

cat >"$WORK/config.ini" <<CONF
[kubernetes.shop]
kubeconfig = $K8S_ADMIN_KUBECONFIG
namespace = shop
production = adm*
interval = 1s
CONF

# ---- the pane ---------------------------------------------------------------

STEP="start"
start k8s 200 50 --config "$WORK/config.ini" --incident "shop pods" \
	--severity P2
wait_for "kubernetes.shop" 10000
wait_for "PROD admin" 10000
wait_for "CrashLoopBackOff" 20000
keys z
wait_for "Esc unzoom"

back_to_pods() {
	shows "RESTARTS" && return 0
	keys v
	sleep 0.3
	return 1
}

STEP="reasons and escapes"
# kubectl's reason; the last termination; the waiting message escaped.
wait_for "OOMKilled; back-off \\x1b[5m5m0s"
wait_for "7 ("
keys v
wait_for "UP-TO-DATE"
keys v
wait_for "warnings 1"
wait_for "Back-off \\x1b[31mrestarting\\x1b[0m failed container"
# On through nodes (autoscalers: none, skipped) back to the pods.
poll 10000 "the pods view did not come back" back_to_pods

STEP="logs"
keys /
wait_for "Filter Pods"
keys l o g g e r Enter
wait_for "/logger"
keys l
wait_for "logs shop/logger (following)" 10000
wait_for "evil \\x1b[2J\\x1b]0;pwned\\x07 line" 10000
help_answers
keys Escape
wait_for "/logger"

STEP="a flood of logs"
keys /
wait_for "Filter Pods"
keys C-u f l o o d Enter
wait_for "/flood"
keys l
wait_for "flood line 300000 of 300000" 30000
wait_for "last 500 of 300001 lines"
help_answers
keys Escape
wait_for "/flood"
keys /
wait_for "Filter Pods"
keys C-u Enter
wait_gone "/flood"

STEP="scale"
keys v
wait_for "UP-TO-DATE"
keys /
wait_for "Filter Pods"
keys w e b Enter
wait_for "/web"
keys X
wait_for "Replicas"
# The input starts from the current replicas: a 3 typed after it is 23.
keys 3 Enter
wait_for '{"spec":{"replicas":23}}' 15000
keys n
wait_for "Scale deployment: cancelled"
keys X
wait_for "Replicas"
keys BSpace BSpace 3 Enter
wait_for '{"spec":{"replicas":3}}' 15000
wait_for "PATCH /apis/apps/v1/namespaces/shop/deployments/web/scale"
wait_for "Dry run (dryRun=All): the API server accepts it"
keys y
wait_for "scale done" 15000
poll 15000 "replicas not 3" \
	test "$(k -n shop get deployment web -o jsonpath='{.spec.replicas}')" = 3
# Journaled: the exact request, then the result.
journal=$(find "$XDG_STATE_HOME" -name 'INC-*.jsonl' | head -1)
[ -n "$journal" ] || fail "no journal"
grep -q 'PATCH /apis/apps/v1/namespaces/shop/deployments/web/scale' \
	"$journal" || fail "the request is not in the journal"
grep -q 'scaled from 2 to 3 replicas' "$journal" ||
	fail "the result is not in the journal"

STEP="quit"
quit 3000
check_stderr

# ---- read-only ---------------------------------------------------------------

STEP="read-only"
start ro 200 50 --config "$WORK/config.ini" --read-only
wait_for "[READ-ONLY]" 10000
wait_for "CrashLoopBackOff" 20000
expect_absent "R restart"
keys v
wait_for "UP-TO-DATE"
keys X
wait_for "read-only: Scale deployment disabled"
quit 3000

# ---- an API server that never answers ------------------------------------------

STEP="hang"
silent_listener
cat >"$WORK/hang.kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: http://127.0.0.1:$PORT
users:
- name: u
  user:
    token: t
contexts:
- name: stuck
  context:
    cluster: c
    user: u
current-context: stuck
KC
cat >"$WORK/hang.ini" <<CONF
[kubernetes.stuck]
kubeconfig = $WORK/hang.kubeconfig
interval = 1s
timeout = 1s
CONF
start hang 160 48 --config "$WORK/hang.ini"
wait_for "ctx stuck" 10000
for _ in 1 2 3; do
	help_answers
	sleep 0.3
done
wait_for "pods: timed out after 1 s (127.0.0.1:$PORT)" 10000
quit 1500 1000
check_stderr
echo "k8s: ok"
