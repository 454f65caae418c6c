#!/bin/bash
# End-to-end: only a Prometheus (with data) and an Alertmanager (with
# alerts) are configured. At 160x48 the Metrics pane has the whole width
# and most of the height; ':promql' shows an ad-hoc query there with its
# sparklines and Esc goes back; ':reload' reads a changed configuration
# without restarting: the incident and its timeline stay, and the change
# ([layout] hides the timeline) takes effect.
#
# usage: screen_prom_am.sh PATH/TO/warroom PATH/TO/e2e_servers
# shellcheck source-path=SCRIPTDIR source=lib.sh
. "$(dirname "$0")/lib.sh"

STEP="servers"
start_servers prom am

write_config() {
	cat >"$WORK/config.ini" <<EOF2
[prometheus.main]
url = $PROM_URL
interval = 2s

[alertmanager.main]
url = $AM_URL
interval = 2s
$1
EOF2
}
write_config ""

start pam 160 48 --config "$WORK/config.ini" --incident "api 5xx"

STEP="metrics and alerts"
wait_for "5xx ratio" 15000
wait_for "HighErrorRate"
wait_for "DiskFilling"
for t in Pods Database Redis Kafka; do
	if frames_show "$t"; then
		fail "a $t pane is on the screen"
	fi
done

STEP="Metrics has room"
metrics_top=$(screen | grep -n "┌\[1 Metrics\]" | cut -d: -f1)
alerts_top=$(screen | grep -n "┌ 2 Alerts" | cut -d: -f1)
# Under the header and the Findings strip (one to four lines).
[ -n "$metrics_top" ] && [ "$metrics_top" -ge 3 ] &&
	[ "$metrics_top" -le 6 ] || fail "Metrics frame at row $metrics_top"
[ -n "$alerts_top" ] && [ "$alerts_top" -ge $((metrics_top + 17)) ] ||
	fail "Metrics is only $((alerts_top - metrics_top)) rows high"
case "$(screen | sed -n "${metrics_top}p")" in
*"┐") ;;
*) fail "Metrics is not as wide as the screen" ;;
esac
incident=$(screen | sed -n 1p | grep -o "INC-[0-9]*-[0-9]*")
[ -n "$incident" ] || fail "no incident in the header"

STEP=":promql"
keys ":promql sum by (service) (rate(http_requests_total[5m]))" Enter
wait_for ":promql sum by (service) (rate(http_requests_total[5m]))"
wait_for "service=api"
wait_for "service=web"
# Its sparkline: block characters on the api row.
screen | grep "service=api" | grep -q "[▁▂▃▄▅▆▇█]" ||
	fail "no sparkline on the api row"
keys Escape
wait_gone ":promql"
wait_for "5xx ratio"

STEP=":reload keeps the incident"
write_config "
[layout]
hide = timeline"
keys ":rel" Tab Enter
wait_for "reloaded $WORK/config.ini: 3 sources (0 new, 0 gone)"
wait_gone "Timeline"
header_shows "$incident" || fail "the incident changed: $(screen | sed -n 1p)"
wait_for "HighErrorRate"
keys 3 z
wait_for "[3 Timeline]"
wait_for "configuration reloaded from $WORK/config.ini"
keys Escape

STEP="a configuration that does not load changes nothing"
printf '[bogus.x]\n' >>"$WORK/config.ini"
keys ":reload" Enter
wait_for "unknown backend 'bogus'"
wait_for "5xx ratio"

STEP="quit"
quit 1000
check_stderr
echo "ok: Prometheus and Alertmanager only"
