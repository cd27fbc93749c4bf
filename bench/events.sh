#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/events.sh: what flow events cost. Two Porin agents side by side, one reporting every forwarded
# packet (--monitor-aggregation none) and one reporting none (off: drops and policy verdicts only), each
# with a client and a server pod and the same policy. Every repetition measures pod-to-pod TCP
# request/response latency and connection rate on both, in random order; the report is the median of the
# per-repetition ratios with min-max, and the events the agent read and lost. Then the agents' CPU time at
# about EVENT_RATE events per second, from a rate-limited request/response loop. See bench/README.md.
#
# Run as root: sudo bench/events.sh      Knobs: REPS DURATION CONN_DURATION EVENT_RATE CPU_SECONDS CPU
set -euo pipefail

REPS=${REPS:-5}                   # repetitions; each runs both configurations once per measurement
DURATION=${DURATION:-10}          # seconds of request/response per run
CONN_DURATION=${CONN_DURATION:-5} # seconds of connection rate per run
EVENT_RATE=${EVENT_RATE:-10000}   # events per second for the CPU measurement
CPU_SECONDS=${CPU_SECONDS:-20}    # seconds of the CPU measurement, per agent
CPU=${CPU:-1}                     # the one core client and server share

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)

# Private set-up: nothing here is shared with an installed agent, the tests or the other benchmarks.
BENCH=events.sh
PREFIX=pevt # namespaces pevt-*, /tmp/pevt.*
CONFIGS=(none off)
ECHO_PORT=11108 RR_PORT=11110 CONN_PORT=11111 # one 11108-11111 range in the policy: one map entry

# shellcheck source=lib.sh
. "$root/bench/lib.sh"

[[ $REPS =~ ^[1-9][0-9]*$ && $DURATION =~ ^[1-9][0-9]*$ && $CONN_DURATION =~ ^[1-9][0-9]*$ &&
	$EVENT_RATE =~ ^[1-9][0-9]*$ && $CPU_SECONDS =~ ^[1-9][0-9]*$ && $CPU =~ ^[0-9]+$ ]] ||
	die "REPS, DURATION, CONN_DURATION, EVENT_RATE and CPU_SECONDS must be positive integers, CPU a CPU number"

# The same policy for both: the server takes ports 11108-11111 from the client, so that connections get
# policy verdicts (with the rules behind them) as in production.
policy() {
	cat <<EOF
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: client-allow, namespace: $PREFIX}
spec:
  endpointSelector: {matchLabels: {app: pbench-server}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: pbench-client}}]
    toPorts: [{ports: [{port: "$ECHO_PORT", endPort: $CONN_PORT, protocol: TCP}]}]
EOF
}

# events AGENT: "received lost" from the agent's status
events() {
	agent_api "$1" GET /v1/status | jq -r '"\(.observability.eventsReceived) \(.observability.eventsLost)"'
}

# ---------------------------------------------------------------------------------------------------
# Measurements; the events each run made the agent read go beside its figures.

measure_rr() {
	local rep=$1 cfg=$2 p50 p99 r0 r1 l0 l1
	read -r r0 l0 <<<"$(events "$cfg")"
	read -r p50 p99 <<<"$(rr "${client_ns[$cfg]}" "${server_ip[$cfg]}" $RR_PORT "$DURATION")"
	read -r r1 l1 <<<"$(events "$cfg")"
	record "$rep" "$cfg" rr_p50 "$p50"
	record "$rep" "$cfg" rr_p99 "$p99"
	record "$rep" "$cfg" rr_events $(((r1 - r0) / DURATION))
	record "$rep" "$cfg" rr_lost $((l1 - l0))
	printf '   %-5s RR p50 %8.2f us  p99 %8.2f us  %7d events/s, %d lost\n' "$cfg" "$p50" "$p99" \
		$(((r1 - r0) / DURATION)) $((l1 - l0))
}

measure_conn() {
	local rep=$1 cfg=$2 rate r0 r1 l0 l1 s0 s1
	read -r r0 l0 <<<"$(events "$cfg")"
	s0=$(syn_retrans "${client_ns[$cfg]}")
	rate=$(conn_rate "${client_ns[$cfg]}" "${server_ip[$cfg]}" $CONN_PORT "$CONN_DURATION")
	s1=$(syn_retrans "${client_ns[$cfg]}")
	read -r r1 l1 <<<"$(events "$cfg")"
	record "$rep" "$cfg" conn "$rate"
	record "$rep" "$cfg" conn_events $(((r1 - r0) / CONN_DURATION))
	record "$rep" "$cfg" conn_lost $((l1 - l0))
	record "$rep" "$cfg" conn_synretrans $((s1 - s0))
	printf '   %-5s conn  %8.0f /s               %7d events/s, %d lost, %d SYNs sent again\n' "$cfg" "$rate" \
		$(((r1 - r0) / CONN_DURATION)) $((l1 - l0)) $((s1 - s0))
}

# cpu_run AGENT RATE SECONDS: request/response (64 bytes each way, one connection) at RATE exchanges per
# second; prints "events/s agent-CPU-% lost exchanges/s" (CPU % of one core, user + system, over the run)
cpu_run() {
	local a=$1 rate=$2 seconds=$3 r0 r1 l0 l1 c0 c1 t0 t1 done
	read -r r0 l0 <<<"$(events "$a")"
	c0=$(cpu_seconds "${agent_pid[$a]}")
	t0=$(date +%s.%N)
	done=$(in_ns "${client_ns[$a]}" "$pbench" rr "${server_ip[$a]}" $ECHO_PORT "$rate" "$seconds") ||
		die "rate-limited request/response against agent $a failed"
	t1=$(date +%s.%N)
	c1=$(cpu_seconds "${agent_pid[$a]}")
	read -r r1 l1 <<<"$(events "$a")"
	awk -v r=$((r1 - r0)) -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v l=$((l1 - l0)) -v d="$done" \
		'BEGIN { printf "%.0f %.2f %d %.0f\n", r / (t1 - t0), 100 * (c1 - c0) / (t1 - t0), l, d }'
}

# ---------------------------------------------------------------------------------------------------

echo "==> Preparing"
bench_prepare
agent_define none /sys/fs/bpf/porin-bevn 10.231.0.0/24 porinbevn porin-bevn --monitor-aggregation none
agent_define off /sys/fs/bpf/porin-bevf 10.232.0.0/24 porinbevf porin-bevf --monitor-aggregation off
raw=$work/raw.tsv
: >"$raw"
remove_leftovers

echo "==> Setting up two agents, each with a client and a server"
policy >"$work/policy.yaml"
for cfg in "${CONFIGS[@]}"; do
	agent_start "$cfg"
	add_pod "$cfg" "$PREFIX-$cfg-c" app=pbench-client
	add_pod "$cfg" "$PREFIX-$cfg-s" app=pbench-server
	porin_cli "$cfg" apply -f "$work/policy.yaml" >/dev/null
	client_ns[$cfg]=$PREFIX-$cfg-c server_ns[$cfg]=$PREFIX-$cfg-s server_ip[$cfg]=$(pod_ip "$PREFIX-$cfg-s")
	client_sysctls "${client_ns[$cfg]}"
	start_server "${server_ns[$cfg]}" $RR_PORT sockperf server --tcp -i "${server_ip[$cfg]}" -p $RR_PORT
	start_server "${server_ns[$cfg]}" $CONN_PORT "$pbench" serve "${server_ip[$cfg]}" $CONN_PORT
	start_server "${server_ns[$cfg]}" $ECHO_PORT "$pbench" echo "${server_ip[$cfg]}" $ECHO_PORT
	timeout 5 ip netns exec "${client_ns[$cfg]}" "$pbench" connect "${server_ip[$cfg]}" $CONN_PORT 0.1 >/dev/null ||
		die "$cfg: the client cannot connect to ${server_ip[$cfg]}:$CONN_PORT"
	echo "   $cfg: --monitor-aggregation $cfg, ${client_ns[$cfg]} -> ${server_ns[$cfg]} (${server_ip[$cfg]})"
done

started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_start=$(loadavg)
read -r received0 lost0 <<<"$(events none)"
for rep in $(seq "$REPS"); do
	for metric in rr conn; do
		echo "==> Repetition $rep/$REPS, $metric"
		for cfg in $(shuf -e "${CONFIGS[@]}"); do
			"measure_$metric" "$rep" "$cfg"
		done
	done
done
read -r received1 lost1 <<<"$(events none)"
load_end=$(loadavg)

echo "==> Agent CPU at about $EVENT_RATE events/s (rate-limited request/response, $CPU_SECONDS s per agent)"
# Calibrate the exchange rate on the agent with every packet reported: two short runs, each corrected.
mps=$((EVENT_RATE / 2))
for _ in 1 2; do
	read -r calib_rate _ _ achieved <<<"$(cpu_run none "$mps" 3)"
	echo "   $calib_rate events/s at $achieved exchanges/s (asked for $mps)"
	mps=$(awk -v r="$calib_rate" -v a="$achieved" -v want="$EVENT_RATE" 'BEGIN { m = int(a * want / (r > 0 ? r : 1)); print (m < 1 ? 1 : m) }')
done
echo "   running at $mps exchanges/s"
declare -A cpu_rate=() cpu_pct=() cpu_lost=() cpu_done=()
for cfg in "${CONFIGS[@]}"; do
	read -r "cpu_rate[$cfg]" "cpu_pct[$cfg]" "cpu_lost[$cfg]" "cpu_done[$cfg]" <<<"$(cpu_run "$cfg" "$mps" "$CPU_SECONDS")"
	echo "   $cfg: ${cpu_done[$cfg]} exchanges/s, ${cpu_rate[$cfg]} events/s, agent CPU ${cpu_pct[$cfg]} % of one core, ${cpu_lost[$cfg]} lost"
done

# ---------------------------------------------------------------------------------------------------
# Report

metrics=(rr_p50 rr_p99 conn)
declare -A unit=([rr_p50]=us [rr_p99]=us [conn]=/s)
declare -A fmt=([rr_p50]=%.1f [rr_p99]=%.1f [conn]=%.0f)
declare -A op=([rr_p50]="<=" [rr_p99]="<=" [conn]=">=")
declare -A target=([rr_p50]=1.05 [rr_p99]=1.05 [conn]=0.95)

report() {
	local cfg m med lo hi row
	echo "Porin flow events benchmark, $started; porin $version ($(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'))"
	echo "kernel $(uname -r), $(nproc) CPUs; client and server both on CPU $CPU, agents kept on CPU ${other_cpus:-(not pinned)};" \
		"load average before the runs $load_start, after $load_end (other work on the machine adds noise)"
	echo "$REPS repetitions, configurations interleaved in random order; RR ${DURATION} s, connections ${CONN_DURATION} s"
	echo "none: --monitor-aggregation none (a flow event for every packet); off: --monitor-aggregation off (traces off;" \
		"drops and policy verdicts still reported); the same policy on both"
	echo "Absolutes: median [min-max]; ratios: median of per-repetition ratios [min-max]"
	echo
	printf '%-12s %-24s %-24s %-24s %-16s %-16s\n' "" "TCP RR p50" "TCP RR p99" "connections/s" "events/s in RR" "events/s in conn"
	for cfg in "${CONFIGS[@]}"; do
		row=$(printf '%-12s' "$cfg")
		for m in "${metrics[@]}"; do
			read -r med lo hi <<<"$(values "$cfg" "$m" | summarize)"
			row+=" $(printf "%-24s" "$(printf "${fmt[$m]} %s [${fmt[$m]}-${fmt[$m]}]" "$med" "${unit[$m]}" "$lo" "$hi")")"
		done
		for m in rr_events conn_events; do
			read -r med lo hi <<<"$(values "$cfg" "$m" | summarize)"
			row+=" $(printf "%-16s" "$(printf "%.0f [%.0f-%.0f]" "$med" "$lo" "$hi")")"
		done
		echo "$row"
	done
	row=$(printf '%-12s' "none / off")
	for m in "${metrics[@]}"; do
		read -r med lo hi <<<"$(ratios none "$m" off | summarize)"
		row+=" $(printf "%-24s" "$(printf "%.2fx [%.2f-%.2f] %s" "$med" "$lo" "$hi" "$(verdict "$med" "${op[$m]}" "${target[$m]}")")")"
	done
	echo "$row"
	echo "(targets: connection rate >= 0.95x, latency <= 1.05x, i.e. >= 0.95x of the speed)"
	echo
	echo "Events with every packet reported (agent none) during the interleaved runs: $((received1 - received0)) read," \
		"$((lost1 - lost0)) lost (target 0: $(verdict $((lost1 - lost0)) "<=" 0)); highest rate in a run" \
		"$(awk '$2 == "none" && $3 ~ /_events$/ { if ($4 > m) m = $4 } END { print m + 0 }' "$raw") events/s"
	echo "Agent CPU at ${cpu_rate[none]} events/s (request/response at ${cpu_done[none]} exchanges/s, $CPU_SECONDS s):" \
		"${cpu_pct[none]} % of one core with every packet reported, ${cpu_pct[off]} % with traces off (${cpu_rate[off]} events/s at ${cpu_done[off]} exchanges/s);" \
		"$(awk -v p="${cpu_pct[none]}" -v q="${cpu_pct[off]}" -v r="${cpu_rate[none]}" 'BEGIN {
			printf "%.2f %% of one core per 10 000 events/s, %.2f %% net of the agent with traces off", p * 10000 / r, (p - q) * 10000 / r }');" \
		"lost ${cpu_lost[none]}"
}

mkdir -p "$root/bench/results"
result=$root/bench/results/events-$(date -u +%Y%m%d-%H%M%S).txt
echo
echo "==> Results"
report | tee "$result"
{
	echo
	echo "Per-repetition figures (rep, configuration, metric, value):"
	cat "$raw"
} >>"$result"
echo
echo "Written to $result"
