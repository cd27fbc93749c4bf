#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/policy.sh: what policy costs. Pod-to-pod TCP connection rate and request/response latency through
# Porin with 2, 10 000 and 60 000 policy map entries in force for the server pod, beside the same 10 000
# rules as iptables FORWARD rules on plain routing (behind a conntrack ESTABLISHED,RELATED shortcut and
# without one), plain routing and the wire. Every repetition measures every configuration once, in random
# order; ratios are medians of per-repetition ratios, with min-max. Then, against the same agent: how long
# after `porin apply` returns a rule is enforced in the kernel, with 1 000 identities present, and the
# agent's own time for that one rule change on top of 10 000 rules. See bench/README.md.
#
# Run as root: sudo bench/policy.sh      Knobs: REPS DURATION CONN_DURATION APPLIES CPU
set -euo pipefail

REPS=${REPS:-5}                   # repetitions; each runs every configuration once per measurement
DURATION=${DURATION:-10}          # seconds of request/response per run
CONN_DURATION=${CONN_DURATION:-5} # seconds of connection rate per run
APPLIES=${APPLIES:-50}            # rule changes timed each way (allow, then take back)
CPU=${CPU:-1}                     # the one core client and server share

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)

# Private set-up: nothing here is shared with an installed agent, the tests or the other benchmarks.
BENCH=policy.sh
PREFIX=ppol # namespaces and host links ppol-*, /tmp/ppol.*
BPF_ROOT=/sys/fs/bpf/porin-bpol
POD_CIDR=10.222.0.0/24
HOST_DEVICE=porinbpol
NETWORK=porin-bpol
MAP_MAX=65536 # policy map entries per endpoint: room for 60 000
RR_PORT=11110 CONN_PORT=11111 # one 11110-11111 port range in the client's rule: one map entry
TOGGLE_PORT=11120             # the port the timed rule change opens and closes
CHAIN_CT=PBENCH-POLICY-CT CHAIN_ALL=PBENCH-POLICY-ALL
CONFIGS=(wire routing ipt-ct ipt-all porin-2 porin-10k porin-60k)
CIDRS=1000 # distinct /32 peers of the large rule sets: 1 000 CIDR identities

# shellcheck source=lib.sh
. "$root/bench/lib.sh"

[[ $REPS =~ ^[1-9][0-9]*$ && $DURATION =~ ^[1-9][0-9]*$ && $CONN_DURATION =~ ^[1-9][0-9]*$ &&
	$APPLIES =~ ^[1-9][0-9]*$ && $CPU =~ ^[0-9]+$ ]] ||
	die "REPS, DURATION, CONN_DURATION and APPLIES must be positive integers, CPU a CPU number"

# ---------------------------------------------------------------------------------------------------
# Policy sets, as YAML. Peer j of the large sets is 198.18.J/32 (the benchmarking range, never routed
# here): every /32 peer gets a CIDR identity, so the agent holds 1 000 of them.

cidr() { # j
	echo "198.18.$(($1 / 256)).$(($1 % 256))/32"
}

# The client's rule, for every server: ports 11110-11111 from the client pods.
policy_client() {
	cat <<EOF
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: client-allow, namespace: $PREFIX}
spec:
  endpointSelector: {matchLabels: {role: server}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: pbench-client}}]
    toPorts: [{ports: [{port: "$RR_PORT", endPort: $CONN_PORT, protocol: TCP}]}]
EOF
}

# 10 000 rules for the 10k server, 100 objects of 100: rule k allows TCP port 20000 + k/1000 from peer
# k mod 1000. One map entry each.
policy_10k() {
	awk -v ns="$PREFIX" -v n="$CIDRS" 'BEGIN {
		for (k = 0; k < 10000; k++) {
			if (k % 100 == 0)
				printf "---\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: rules10k-%02d, namespace: %s}\nspecs:\n", k / 100, ns
			j = k % n
			printf "- endpointSelector: {matchLabels: {app: pbench-s10k}}\n  ingress:\n  - fromCIDR: [\"198.18.%d.%d/32\"]\n    toPorts: [{ports: [{port: \"%d\", protocol: TCP}]}]\n", int(j / 256), j % 256, 20000 + int(k / n)
		} }'
}

# 1 000 rules for the 60k server, 10 objects of 100: rule j allows TCP ports 20000-20059, each listed on its
# own (in two port rules of 30: Cilium takes at most 40 ports in one), from peer j. 60 map entries each.
policy_60k() {
	awk -v ns="$PREFIX" -v n="$CIDRS" 'BEGIN {
		for (j = 0; j < n; j++) {
			if (j % 100 == 0)
				printf "---\napiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: rules60k-%d, namespace: %s}\nspecs:\n", j / 100, ns
			printf "- endpointSelector: {matchLabels: {app: pbench-s60k}}\n  ingress:\n  - fromCIDR: [\"198.18.%d.%d/32\"]\n    toPorts:\n", int(j / 256), j % 256
			for (p = 0; p < 60; p++)
				printf "%s      - {port: \"%d\", protocol: TCP}\n", (p % 30 == 0 ? "    - ports:\n" : ""), 20000 + p
		} }'
}

# The timed rule change: the client may reach the 10k server on PORT.
policy_toggle() { # PORT
	cat <<EOF
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: toggle, namespace: $PREFIX}
spec:
  endpointSelector: {matchLabels: {app: pbench-s10k}}
  ingress:
  - fromEndpoints: [{matchLabels: {app: pbench-client}}]
    toPorts: [{ports: [{port: "$1", protocol: TCP}]}]
EOF
}

# The same 10 000 rules for iptables, in one chain, in front of the client's rule (the worst place for
# it, as for any source whose rule comes last), then the server's own traffic, then a drop. With the
# shortcut, packets of known connections skip it all.
ipt_chain() { # CHAIN SHORTCUT(yes|no) CLIENT SERVER
	local chain=$1 shortcut=$2 client=$3 server=$4
	echo "*filter"
	echo ":$chain - [0:0]"
	[ "$shortcut" = yes ] && echo "-A $chain -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT"
	awk -v c="$chain" -v s="$server" -v n="$CIDRS" 'BEGIN {
		for (k = 0; k < 10000; k++) {
			j = k % n
			printf "-A %s -s 198.18.%d.%d/32 -d %s/32 -p tcp -m tcp --dport %d -j ACCEPT\n", c, int(j / 256), j % 256, s, 20000 + int(k / n)
		} }'
	echo "-A $chain -s $client/32 -d $server/32 -p tcp -m tcp --dport $RR_PORT:$CONN_PORT -j ACCEPT"
	echo "-A $chain -s $server/32 -j ACCEPT"
	echo "-A $chain -j DROP"
	echo "COMMIT"
}

# Removes this script's jumps from FORWARD and its chains, and nothing else. Also after a killed run.
ipt_cleanup() {
	local rule chain
	{ iptables -S FORWARD 2>/dev/null || true; } | { grep -E -- "-j ($CHAIN_CT|$CHAIN_ALL)\$" || true; } |
		sed 's/^-A /-D /' | while read -r rule; do
			# shellcheck disable=SC2086 # a rule as iptables -S prints it: words without spaces
			iptables $rule
		done
	for chain in $CHAIN_CT $CHAIN_ALL; do
		if iptables -n -L "$chain" >/dev/null 2>&1; then
			iptables -F "$chain"
			iptables -X "$chain"
		fi
	done
	return 0
}

# ---------------------------------------------------------------------------------------------------
# Set-up

setup_wire() {
	client_ns[wire]=$PREFIX-wire-c server_ns[wire]=$PREFIX-wire-s server_ip[wire]=10.221.9.2
	add_netns "$PREFIX-wire-c"
	add_netns "$PREFIX-wire-s"
	ip -n "$PREFIX-wire-c" link add eth0 type veth peer name eth0 netns "$PREFIX-wire-s"
	no_ipv6 "$PREFIX-wire-c" eth0
	no_ipv6 "$PREFIX-wire-s" eth0
	ip -n "$PREFIX-wire-c" addr add 10.221.9.1/24 dev eth0
	ip -n "$PREFIX-wire-s" addr add 10.221.9.2/24 dev eth0
	ip -n "$PREFIX-wire-c" link set eth0 up
	ip -n "$PREFIX-wire-s" link set eth0 up
}

setup_iptables() {
	local cfg chain shortcut
	for cfg in ipt-ct ipt-all; do
		[ $cfg = ipt-ct ] && chain=$CHAIN_CT shortcut=yes || chain=$CHAIN_ALL shortcut=no
		ipt_chain "$chain" $shortcut "${server_ip[$cfg]%.2}.1" "${server_ip[$cfg]}" >"$work/$cfg.rules"
		iptables-restore --noflush <"$work/$cfg.rules"
		iptables -I FORWARD 1 -i "$PREFIX-$cfg-c" -j "$chain"
		iptables -I FORWARD 1 -i "$PREFIX-$cfg-s" -j "$chain"
		echo "   $cfg: $(iptables -S "$chain" | grep -c -- '^-A') rules in $chain (iptables $(iptables --version | awk '{print $2, $3}'))"
	done
}

# endpoint_id NETNS: the endpoint ID of a pod
endpoint_id() {
	agent_api porin GET /v1/endpoint | jq -r --arg n "$1" '.[] | select(.podName == $n) | .id'
}

# kernel_entries EPID: entries in the endpoint's policy map in the kernel (inner map of porin_policy)
kernel_entries() {
	local key inner
	key=$(printf '%08x' "$1" | sed -E 's/(..)(..)(..)(..)/\4 \3 \2 \1/')
	# shellcheck disable=SC2086 # the key's bytes as separate words
	inner=$(bpftool -j map lookup pinned "$BPF_ROOT/porin_policy" key hex $key 2>/dev/null |
		jq -r '.value | if type == "array" then reverse | map(ltrimstr("0x")) | join("") else empty end')
	[ -n "$inner" ] || { echo "?"; return; }
	bpftool -j map dump id "$((16#$inner))" 2>/dev/null | jq length
}

# timed_apply FILE: applies it; prints "wall_ms resolve+write_ms entries_changed"
timed_apply() {
	local us
	us=$("$pbench" run "$work/apply.json" "$root/porin" apply -f "$1" -o json --socket "$(agent_socket porin)") ||
		die "porin apply -f $1 failed: $(cat "$work/apply.json")"
	jq -r --arg us "$us" '"\($us | tonumber / 1000) \((.timing.resolveMicros + .timing.datapathMicros) / 1000) \(.timing.entriesChanged)"' "$work/apply.json"
}

setup_porin() {
	local size ns line f wall resolve changed missing
	agent_start porin
	# A client per server, as every other configuration has its own: connection-rate runs leave tens of
	# thousands of TIME_WAIT ports behind in the client's namespace.
	for size in 2 10k 60k; do
		add_pod porin "$PREFIX-c$size" app=pbench-client
		add_pod porin "$PREFIX-s$size" role=server "app=pbench-s$size"
		client_ns[porin-$size]=$PREFIX-c$size server_ns[porin-$size]=$PREFIX-s$size server_ip[porin-$size]=$(pod_ip "$PREFIX-s$size")
	done
	policy_client >"$work/client.yaml"
	policy_10k >"$work/rules10k.yaml"
	policy_60k >"$work/rules60k.yaml"
	policy_toggle $TOGGLE_PORT >"$work/toggle-open.yaml"
	policy_toggle $((TOGGLE_PORT + 1)) >"$work/toggle-closed.yaml"
	# The agent has the machine while policy is applied; it goes off the measuring core after.
	agent_unpin porin
	for f in client rules10k rules60k toggle-closed; do
		read -r wall resolve changed <<<"$(timed_apply "$work/$f.yaml")"
		printf '   applied %-18s in %8.1f ms (agent: resolve and write %8.1f ms, %d entries changed)\n' \
			"$f.yaml" "$wall" "$resolve" "$changed"
		initial_applies+="$f.yaml: $wall ms, agent resolve+write $resolve ms, $changed entries; "
	done
	taskset -a -pc "$other_cpus" "${agent_pid[porin]}" >/dev/null 2>&1 || true
	identities=$(agent_api porin GET /v1/identity | jq length)
	cidr_identities=$(agent_api porin GET /v1/identity | jq '[.[] | select(.labels | any(startswith("cidr:")))] | length')
	for size in 2 10k 60k; do
		ns=$PREFIX-s$size
		epid[$size]=$(endpoint_id "$ns")
		line=$(agent_api porin GET "/v1/endpoint/${epid[$size]}/policy" | jq -r '"\(.entries | length) \(.notInstalled)"')
		read -r "entries[$size]" missing <<<"$line"
		kentries[$size]=$(kernel_entries "${epid[$size]}")
		[ "$missing" = 0 ] || die "endpoint ${epid[$size]} ($ns): $missing policy entries not installed (map full?)"
		echo "   porin-$size: endpoint ${epid[$size]}, ${entries[$size]} policy entries (kernel map: ${kentries[$size]})"
	done
	echo "   identities: $identities, of which CIDR identities: $cidr_identities"
}

# kernel.bpf_stats_enabled goes back to what it was, whatever happens.
stats_restore=
restore_bpf_stats() {
	if [ -n "$stats_restore" ]; then
		sysctl -qw kernel.bpf_stats_enabled="$stats_restore"
	fi
}

# bpf_counters: "run_time_ns run_cnt" of from_container, the program that runs on the pod-to-pod path
# (on the sender's veth; it checks the receiver's policy and hands the packet over with bpf_redirect_peer)
bpf_counters() {
	bpftool -j prog show pinned "$BPF_ROOT/from_container" | jq -r '"\(.run_time_ns // 0) \(.run_cnt // 0)"'
}

# ---------------------------------------------------------------------------------------------------
# Measurements

measure_rr() {
	local rep=$1 cfg=$2 p50 p99
	read -r p50 p99 <<<"$(rr "${client_ns[$cfg]}" "${server_ip[$cfg]}" $RR_PORT "$DURATION")"
	record "$rep" "$cfg" rr_p50 "$p50"
	record "$rep" "$cfg" rr_p99 "$p99"
	printf '   %-10s RR p50 %9.2f us  p99 %9.2f us\n' "$cfg" "$p50" "$p99"
}

measure_conn() {
	local rep=$1 cfg=$2 rate s0 s1
	s0=$(syn_retrans "${client_ns[$cfg]}")
	rate=$(conn_rate "${client_ns[$cfg]}" "${server_ip[$cfg]}" $CONN_PORT "$CONN_DURATION")
	s1=$(syn_retrans "${client_ns[$cfg]}")
	record "$rep" "$cfg" conn "$rate"
	record "$rep" "$cfg" conn_synretrans $((s1 - s0))
	printf '   %-10s conn   %9.0f /s   %d SYNs sent again\n' "$cfg" "$rate" $((s1 - s0))
}

# One timed change each way: allow the client on TOGGLE_PORT, then take it back. "until" checks the path
# is in the old state, runs porin apply, and from its return tries new connections until one sees the new
# state (the allow: one connects within 2 ms; the take-back: one does not connect within 20 ms, confirmed).
measure_enforcement() {
	local i dir out us tries wall
	for i in $(seq "$APPLIES"); do
		for dir in open closed; do
			out=$(ip netns exec "$PREFIX-c10k" "$pbench" until "${server_ip[porin-10k]}" $TOGGLE_PORT $dir \
				"$work/apply.json" "$root/porin" apply -f "$work/toggle-$dir.yaml" -o json --socket "$(agent_socket porin)") ||
				die "timed apply ($dir) $i failed: $(cat "$work/apply.json")"
			read -r us tries wall <<<"$out"
			printf '%s\t%s\t%s\t%s\t%s\n' "$dir" "$us" "$tries" \
				"$(jq -r '[.timing.parseMicros, .timing.storeMicros, .timing.resolveMicros, .timing.datapathMicros, .timing.saveMicros, .timing.entriesChanged] | @tsv' "$work/apply.json")" \
				"$wall" >>"$enforce"
		done
		[ $((i % 10)) -eq 0 ] && echo "   $i/$APPLIES"
	done
	return 0
}

# ---------------------------------------------------------------------------------------------------

echo "==> Preparing"
bench_prepare "iptables:iptables-restore" "bpftool:bpftool"
agent_define porin "$BPF_ROOT" "$POD_CIDR" "$HOST_DEVICE" "$NETWORK" --bpf-policy-map-max "$MAP_MAX"
raw=$work/raw.tsv enforce=$work/enforce.tsv
: >"$raw"
: >"$enforce"
remove_leftovers
ipt_cleanup
cleanup_hooks+=(ipt_cleanup restore_bpf_stats)
declare -A epid=() entries=() kentries=()
initial_applies=

echo "==> Setting up wire, routing, iptables and porin"
setup_wire
setup_routing routing rt 10.221.0
setup_routing ipt-ct ipt-ct 10.221.1
setup_routing ipt-all ipt-all 10.221.2
setup_iptables
setup_porin
for cfg in "${CONFIGS[@]}"; do
	c=${client_ns[$cfg]} s=${server_ns[$cfg]} ip=${server_ip[$cfg]}
	client_sysctls "$c"
	start_server "$s" $RR_PORT sockperf server --tcp -i "$ip" -p $RR_PORT
	start_server "$s" $CONN_PORT "$pbench" serve "$ip" $CONN_PORT
	# Policy lets TCP to these ports through, and nothing else (no ping).
	timeout 5 ip netns exec "$c" "$pbench" connect "$ip" $CONN_PORT 0.1 >/dev/null || die "$cfg: $c cannot connect to $ip:$CONN_PORT"
	echo "   $cfg: $c -> $s ($ip)"
done
start_server "$PREFIX-s10k" $TOGGLE_PORT "$pbench" serve "${server_ip[porin-10k]}" $TOGGLE_PORT

started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_start=$(loadavg)
agent_cpu0=$(cpu_seconds "${agent_pid[porin]}")
for rep in $(seq "$REPS"); do
	for metric in rr conn; do
		echo "==> Repetition $rep/$REPS, $metric"
		for cfg in $(shuf -e "${CONFIGS[@]}"); do
			"measure_$metric" "$rep" "$cfg"
		done
	done
done
load_end=$(loadavg)
agent_cpu=$(awk -v a="$agent_cpu0" -v b="$(cpu_seconds "${agent_pid[porin]}")" 'BEGIN { printf "%.1f", b - a }')

# The program's own cost per packet, by the size of the receiver's policy map: the kernel's accounting,
# which other work on the machine does not inflate. Three rounds, the configurations in random order.
echo "==> BPF program cost per packet (kernel.bpf_stats_enabled=1 for 3 rounds of 3 s runs)"
stats_restore=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -qw kernel.bpf_stats_enabled=1
for round in 1 2 3; do
	for cfg in $(shuf -e porin-2 porin-10k porin-60k); do
		for metric in rr conn; do
			read -r t0 n0 <<<"$(bpf_counters)"
			case $metric in
				rr) in_ns "${client_ns[$cfg]}" sockperf ping-pong --tcp -i "${server_ip[$cfg]}" -p $RR_PORT -m 64 -t 3 >/dev/null 2>&1 ;;
				conn) conn_rate "${client_ns[$cfg]}" "${server_ip[$cfg]}" $CONN_PORT 3 >/dev/null ;;
			esac
			read -r t1 n1 <<<"$(bpf_counters)"
			ns=$(awk -v t=$((t1 - t0)) -v n=$((n1 - n0)) 'BEGIN { printf "%.0f", (n > 0 ? t / n : 0) }')
			record "$round" "$cfg" "bpf_$metric" "$ns"
			printf '   %-10s %-4s from_container %5d ns/run (%d runs)\n' "$cfg" "$metric" "$ns" $((n1 - n0))
		done
	done
done
sysctl -qw kernel.bpf_stats_enabled="$stats_restore"
stats_restore=

echo "==> Rule changes: $APPLIES allows and $APPLIES take-backs on top of 10 000 rules, timed to enforcement"
agent_unpin porin # a control-plane measurement: the agent has the machine, as a node gives it
measure_enforcement

# ---------------------------------------------------------------------------------------------------
# Report

metrics=(rr_p50 rr_p99 conn)
declare -A unit=([rr_p50]=us [rr_p99]=us [conn]=/s)
declare -A fmt=([rr_p50]=%.1f [rr_p99]=%.1f [conn]=%.0f)

ratio_cell() { # CONFIG METRIC REFERENCE
	local med lo hi
	read -r med lo hi <<<"$(ratios "$1" "$2" "$3" | summarize)"
	printf "%.2fx [%.2f-%.2f]" "$med" "$lo" "$hi"
}

ratio_median() { # CONFIG METRIC REFERENCE
	ratios "$1" "$2" "$3" | summarize | awk '{print $1}'
}

enforce_stats() { # DIRECTION COLUMN DIVISOR: p50 p99 max, nearest rank
	awk -v d="$1" -v c="$2" -v div="$3" '$1 == d { print $c / div }' "$enforce" | percentiles 50 99 100
}

report() {
	local cfg m med lo hi row
	echo "Porin policy benchmark, $started; porin $version ($(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'))"
	echo "kernel $(uname -r), $(nproc) CPUs; client and server both on CPU $CPU;" \
		"load average before the runs $load_start, after $load_end (other work on the machine adds noise)"
	echo "$REPS repetitions, configurations interleaved in random order; RR ${DURATION} s, connections ${CONN_DURATION} s"
	echo "RR: sockperf ping-pong --tcp -m 64 --full-rtt; connections: connect, 1 byte, close"
	echo "porin-N: a server pod with N policy map entries (${entries[2]}, ${entries[10k]}, ${entries[60k]} per the agent;" \
		"kernel maps ${kentries[2]}, ${kentries[10k]}, ${kentries[60k]}); $identities identities ($cidr_identities CIDR)"
	echo "ipt-ct / ipt-all: plain routing, 10 000 iptables FORWARD rules ($(iptables --version | awk '{print $2, $3}')) before the" \
		"client's rule, with / without a conntrack ESTABLISHED,RELATED accept first"
	echo "Absolutes: median [min-max]; ratios: median of per-repetition ratios [min-max]"
	echo
	printf '%-22s %-26s %-26s %-26s\n' "" "TCP RR p50" "TCP RR p99" "connections/s"
	for cfg in "${CONFIGS[@]}"; do
		row=$(printf '%-22s' "$cfg")
		for m in "${metrics[@]}"; do
			read -r med lo hi <<<"$(values "$cfg" "$m" | summarize)"
			row+=" $(printf "%-26s" "$(printf "${fmt[$m]} %s [${fmt[$m]}-${fmt[$m]}]" "$med" "${unit[$m]}" "$lo" "$hi")")"
		done
		echo "$row"
	done
	echo
	for pair in "porin-10k porin-2" "porin-60k porin-2" "porin-2 wire" "porin-10k ipt-ct" "porin-10k ipt-all" \
		"ipt-ct wire" "ipt-all wire" "routing wire"; do
		read -r a b <<<"$pair"
		row=$(printf '%-22s' "$a / $b")
		for m in "${metrics[@]}"; do
			row+=" $(printf "%-26s" "$(ratio_cell "$a" "$m" "$b")")"
		done
		echo "$row"
	done
	echo
	echo "Targets:"
	local flat
	for cfg in porin-10k porin-60k; do
		flat=$(ratio_median "$cfg" conn porin-2)
		echo "  $cfg / porin-2 connection rate $(printf %.2f "$flat")x (>= 0.95x: $(verdict "$flat" ">=" 0.95));" \
			"RR p50 $(printf %.2f "$(ratio_median "$cfg" rr_p50 porin-2)")x," \
			"p99 $(printf %.2f "$(ratio_median "$cfg" rr_p99 porin-2)")x (flat: <= 1.05x," \
			"$(verdict "$(ratio_median "$cfg" rr_p50 porin-2)" "<=" 1.05) / $(verdict "$(ratio_median "$cfg" rr_p99 porin-2)" "<=" 1.05))"
	done
	flat=$(ratio_median porin-10k conn ipt-ct)
	echo "  porin-10k / ipt-ct connection rate $(printf %.2f "$flat")x (>= 3x: $(verdict "$flat" ">=" 3))"
	echo
	echo "from_container per packet (kernel.bpf_stats_enabled; median [min-max] of 3 rounds of 3 s):"
	for cfg in porin-2 porin-10k porin-60k; do
		echo "  $(printf '%-10s' "$cfg") RR $(values "$cfg" bpf_rr | summarize | awk '{ printf "%.0f ns [%.0f-%.0f]", $1, $2, $3 }')," \
			"connections $(values "$cfg" bpf_conn | summarize | awk '{ printf "%.0f ns [%.0f-%.0f]", $1, $2, $3 }')"
	done
	echo
	read -r o50 o99 omax <<<"$(enforce_stats open 2 1000)"
	read -r c50 c99 cmax <<<"$(enforce_stats closed 2 1000)"
	echo "Rule change to enforcement, from porin apply's return ($APPLIES each way, $identities identities, on the" \
		"10k server): allow p50 $o50 ms, p99 $o99 ms, max $omax ms (p99 <= 100 ms: $(verdict "$o99" "<=" 100));" \
		"take-back p50 $c50 ms, p99 $c99 ms, max $cmax ms (resolution: a new attempt every 2 ms / 20 ms)"
	awk '$1 == "open" && $3 == 1 { a++ } $1 == "closed" && $3 == 1 { c++ } END {
		printf "  seen by the first attempt after the return: %d of the allows, %d of the take-backs;", a, c }' "$enforce"
	echo " porin apply itself (CLI start, request, answer) p50 $(awk '{ print $10 / 1000 }' "$enforce" | percentiles 50) ms"
	read -r r50 r99 rmax <<<"$(awk '{ print ($6 + $7) / 1000 }' "$enforce" | percentiles 50 99 100)"
	read -r t50 t99 tmax <<<"$(awk '{ print ($4 + $5 + $6 + $7 + $8) / 1000 }' "$enforce" | percentiles 50 99 100)"
	read -r s50 s99 smax <<<"$(awk '{ print ($5 + $8) / 1000 }' "$enforce" | percentiles 50 99 100)"
	echo "Agent's own time for one rule change on top of 10 000 rules ($((APPLIES * 2)) changes, from the apply result):" \
		"resolve + write p50 $r50 ms, p99 $r99 ms, max $rmax ms (<= 1 ms: $(verdict "$r50" "<=" 1));" \
		"with parsing and saving state to disk (fsync) p50 $t50 ms, p99 $t99 ms (storing the object and saving state: p50 $s50 ms)"
	echo "  resolve p50 $(awk '{ print $6 / 1000 }' "$enforce" | percentiles 50) ms," \
		"kernel map writes p50 $(awk '{ print $7 / 1000 }' "$enforce" | percentiles 50) ms," \
		"entries changed per apply p50 $(awk '{ print $9 }' "$enforce" | percentiles 50)"
	echo "Initial applies: ${initial_applies%; }"
	echo "Agent CPU time during the interleaved runs: $agent_cpu s ($([ -n "$other_cpus" ] && echo "kept on CPU $other_cpus" || echo "not pinned"))"
}

mkdir -p "$root/bench/results"
result=$root/bench/results/policy-$(date -u +%Y%m%d-%H%M%S).txt
echo
echo "==> Results"
report | tee "$result"
{
	echo
	echo "Per-repetition figures (rep, configuration, metric, value):"
	cat "$raw"
	echo
	echo "Timed rule changes (direction, us from return to the first attempt seeing it, attempts, agent parse, store, resolve, datapath, save us, entries changed, porin apply run time us):"
	cat "$enforce"
} >>"$result"
echo
echo "Written to $result"
