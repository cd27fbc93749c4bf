#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/datapath.sh: Porin's pod-to-pod datapath against its two references, measured side by side.
#
#   wire     two namespaces joined directly by one veth pair: the floor any datapath is held against
#   routing  each namespace on a veth to the host, plain kernel routing, no program
#   porin    a real Porin agent and two pods plumbed by porin-cni exactly as a container runtime calls it
#
# Every repetition measures every configuration once, in random order; the report is the median of the
# per-repetition ratios to the wire, with min-max. Then: CNI ADD latency over CNI_PODS pods, and the BPF
# programs' own per-packet cost from the kernel's accounting. See bench/README.md.
#
# Run as root: sudo bench/datapath.sh      Knobs: REPS DURATION CONN_DURATION CNI_PODS CPU
set -euo pipefail

REPS=${REPS:-5}                   # repetitions; each runs every configuration once per measurement
DURATION=${DURATION:-10}          # seconds of request/response and of stream per run
CONN_DURATION=${CONN_DURATION:-5} # seconds of connection rate per run
CNI_PODS=${CNI_PODS:-50}          # pods created through porin-cni for the CNI ADD latency
CPU=${CPU:-1}                     # the one core client and server share

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)

# Private set-up: nothing here is shared with an installed agent, the demo, the tests or the other benchmarks.
BENCH=datapath.sh
PREFIX=pbench # namespaces pbench-*, host links pbench-rt-*, /tmp/pbench.*
BPF_ROOT=/sys/fs/bpf/porin-bench
POD_CIDR=10.212.0.0/24
HOST_DEVICE=porinbench
NETWORK=porin-bench
CONFIGS=(wire routing porin)
RR_PORT=11111 STREAM_PORT=5201 CONN_PORT=12345

# shellcheck source=lib.sh
. "$root/bench/lib.sh"

[[ $REPS =~ ^[1-9][0-9]*$ && $DURATION =~ ^[1-9][0-9]*$ && $CONN_DURATION =~ ^[1-9][0-9]*$ &&
	$CNI_PODS =~ ^[1-9][0-9]*$ && $CNI_PODS -le 200 && $CPU =~ ^[0-9]+$ ]] ||
	die "REPS, DURATION, CONN_DURATION and CNI_PODS (at most 200) must be positive integers, CPU a CPU number"

# ---------------------------------------------------------------------------------------------------
# Set-up (the building blocks, the record of what is created and its clean-up are in lib.sh)

setup_wire() {
	client_ns[wire]=pbench-wire-c server_ns[wire]=pbench-wire-s server_ip[wire]=10.210.0.2
	add_netns pbench-wire-c
	add_netns pbench-wire-s
	ip -n pbench-wire-c link add eth0 type veth peer name eth0 netns pbench-wire-s
	no_ipv6 pbench-wire-c eth0
	no_ipv6 pbench-wire-s eth0
	ip -n pbench-wire-c addr add 10.210.0.1/24 dev eth0
	ip -n pbench-wire-s addr add 10.210.0.2/24 dev eth0
	ip -n pbench-wire-c link set eth0 up
	ip -n pbench-wire-s link set eth0 up
}

setup_porin() {
	agent_start porin
	add_pod porin pbench-porin-c
	add_pod porin pbench-porin-s
	client_ns[porin]=pbench-porin-c server_ns[porin]=pbench-porin-s server_ip[porin]=$(pod_ip pbench-porin-s)
}

# ---------------------------------------------------------------------------------------------------
# Measurements. Each appends "rep config metric value" to $raw and prints a short line.

measure_rr() {
	local rep=$1 cfg=$2 out p50 p99
	out=$(in_ns "${client_ns[$cfg]}" sockperf ping-pong --tcp -i "${server_ip[$cfg]}" -p $RR_PORT -m 64 \
		-t "$DURATION" --full-rtt 2>&1) || die "sockperf against $cfg failed: $(tail -n 3 <<<"$out")"
	p50=$(awk '/percentile 50.000 =/ {print $NF}' <<<"$out")
	p99=$(awk '/percentile 99.000 =/ {print $NF}' <<<"$out")
	[ -n "$p50" ] && [ -n "$p99" ] || die "no percentiles in sockperf's output for $cfg: $(tail -n 3 <<<"$out")"
	printf '%s\t%s\trr_p50\t%s\n%s\t%s\trr_p99\t%s\n' "$rep" "$cfg" "$p50" "$rep" "$cfg" "$p99" >>"$raw"
	printf '   %-8s RR p50 %8.2f us  p99 %8.2f us\n' "$cfg" "$p50" "$p99"
}

measure_stream() {
	local rep=$1 cfg=$2 out gbit
	out=$(in_ns "${client_ns[$cfg]}" iperf3 -c "${server_ip[$cfg]}" -p $STREAM_PORT -t "$DURATION" -O 1 -J 2>&1) ||
		die "iperf3 against $cfg failed: $(jq -r '.error // empty' <<<"$out" 2>/dev/null)"
	gbit=$(jq -r '.end.sum_received.bits_per_second / 1e9' <<<"$out")
	printf '%s\t%s\tstream\t%s\n' "$rep" "$cfg" "$gbit" >>"$raw"
	printf '   %-8s stream %8.2f Gbit/s\n' "$cfg" "$gbit"
}

measure_conn() {
	local rep=$1 cfg=$2 rate
	rate=$(in_ns "${client_ns[$cfg]}" "$pbench" connect "${server_ip[$cfg]}" $CONN_PORT "$CONN_DURATION") ||
		die "connection rate against $cfg failed"
	printf '%s\t%s\tconn\t%s\n' "$rep" "$cfg" "$rate" >>"$raw"
	printf '   %-8s conn   %8.0f /s\n' "$cfg" "$rate"
}

# kernel.bpf_stats_enabled goes back to what it was, whatever happens.
stats_restore=
restore_bpf_stats() {
	if [ -n "$stats_restore" ]; then
		sysctl -qw kernel.bpf_stats_enabled="$stats_restore"
	fi
}
cleanup_hooks+=(restore_bpf_stats)

# bpf_counters: "run_time_ns run_cnt" of each of Porin's two programs, from their pins
bpf_counters() {
	local p
	for p in from_container to_container; do
		bpftool -j prog show pinned "$BPF_ROOT/$p" | jq -r '"\(.run_time_ns // 0) \(.run_cnt // 0)"'
	done
}

# ---------------------------------------------------------------------------------------------------

echo "==> Preparing"
bench_prepare "iperf3:iperf3"
agent_define porin "$BPF_ROOT" "$POD_CIDR" "$HOST_DEVICE" "$NETWORK"
raw=$work/raw.tsv
: >"$raw"
remove_leftovers

echo "==> Setting up wire, routing and porin"
setup_wire
setup_routing routing rt 10.211.0
setup_porin
for cfg in "${CONFIGS[@]}"; do
	c=${client_ns[$cfg]} s=${server_ns[$cfg]} ip=${server_ip[$cfg]}
	# Connection-rate clients would run out of ports: the full range, and TIME_WAIT ports reused. Same in all three.
	ip netns exec "$c" sysctl -qw net.ipv4.ip_local_port_range="1024 65535" net.ipv4.tcp_tw_reuse=1
	ip netns exec "$c" ping -c 1 -W 2 "$ip" >/dev/null || die "$cfg: $c cannot reach $ip"
	start_server "$s" $RR_PORT sockperf server --tcp -i "$ip" -p $RR_PORT
	start_server "$s" $STREAM_PORT iperf3 -s -B "$ip" -p $STREAM_PORT
	start_server "$s" $CONN_PORT "$pbench" serve "$ip" $CONN_PORT
	echo "   $cfg: $c -> $s ($ip)"
done

started=$(date -u '+%Y-%m-%d %H:%M UTC')
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
agent_cpu0=$(cpu_seconds "${agent_pid[porin]}")
for rep in $(seq "$REPS"); do
	for metric in rr stream conn; do
		echo "==> Repetition $rep/$REPS, $metric"
		for cfg in $(shuf -e "${CONFIGS[@]}"); do
			"measure_$metric" "$rep" "$cfg"
		done
	done
done

load_end=$(cut -d' ' -f1-3 /proc/loadavg)
agent_cpu=$(awk -v a="$agent_cpu0" -v b="$(cpu_seconds "${agent_pid[porin]}")" 'BEGIN { printf "%.1f", b - a }')

# The programs' own cost per run, from the kernel's accounting; off again right after, as it costs time.
echo "==> BPF program cost (kernel.bpf_stats_enabled=1 for the duration of three short porin runs)"
declare -A bpf_cost=()
stats_restore=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -qw kernel.bpf_stats_enabled=1
probe=$(( DURATION < 5 ? DURATION : 5 ))
for metric in rr conn stream; do
	mapfile -t before < <(bpf_counters)
	case $metric in
		rr) in_ns pbench-porin-c sockperf ping-pong --tcp -i "${server_ip[porin]}" -p $RR_PORT -m 64 -t "$probe" >/dev/null 2>&1 ;;
		conn) in_ns pbench-porin-c "$pbench" connect "${server_ip[porin]}" $CONN_PORT "$probe" >/dev/null ;;
		stream) in_ns pbench-porin-c iperf3 -c "${server_ip[porin]}" -p $STREAM_PORT -t "$probe" >/dev/null ;;
	esac
	mapfile -t after < <(bpf_counters)
	line=
	for i in 0 1; do
		read -r t0 n0 <<<"${before[$i]}"
		read -r t1 n1 <<<"${after[$i]}"
		name=$([ "$i" = 0 ] && echo from_container || echo to_container)
		line+=$(awk -v t=$((t1 - t0)) -v n=$((n1 - n0)) -v p="$name" \
			'BEGIN { if (n > 0) printf "%s %.0f ns/run (%d runs); ", p, t / n, n; else printf "%s not run; ", p }')
	done
	line=${line%; }
	bpf_cost[$metric]=$line
	echo "   $metric: $line"
done
sysctl -qw kernel.bpf_stats_enabled="$stats_restore"
stats_restore=

echo "==> CNI ADD latency: $CNI_PODS pods through porin-cni"
agent_unpin porin # the whole machine again, as a node gives it
# DEL flushes the pod's conntrack entries; how many the table holds tells what that walk costs.
ct_entries=$(bpftool -j map dump pinned "$BPF_ROOT/porin_ct4" 2>/dev/null | jq length)
echo "   conntrack entries in the table now: ${ct_entries:-?}"
adds=() dels=()
for i in $(seq -w "$CNI_PODS"); do
	add_pod porin "pbench-cni-$i"
	adds+=("$add_us")
done
for i in $(seq -w "$CNI_PODS"); do
	ns=pbench-cni-$i
	del_pod "$ns"
	dels+=("$del_us")
done
# nearest-rank percentiles, in milliseconds
cni_stats() {
	printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 / 1000 } END {
		p50 = v[int((NR * 50 + 99) / 100)]; p99 = v[int((NR * 99 + 99) / 100)]
		printf "%.1f %.1f %.1f", p50, p99, v[NR] }'
}
read -r add_p50 add_p99 add_max <<<"$(cni_stats "${adds[@]}")"
read -r del_p50 del_p99 del_max <<<"$(cni_stats "${dels[@]}")"

# ---------------------------------------------------------------------------------------------------
# Report

metrics=(rr_p50 rr_p99 conn stream)
declare -A unit=([rr_p50]=us [rr_p99]=us [conn]=/s [stream]=Gbit/s)
declare -A fmt=([rr_p50]=%.1f [rr_p99]=%.1f [conn]=%.0f [stream]=%.2f)
declare -A op=([rr_p50]="<=" [rr_p99]="<=" [conn]=">=" [stream]=">=")
declare -A target=([rr_p50]=1.05 [rr_p99]=1.25 [conn]=0.95 [stream]=0.98)

report() {
	local cfg m med lo hi row
	echo "Porin pod-to-pod datapath, $started; porin $version ($(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?'))"
	echo "kernel $(uname -r), $(nproc) CPUs; client and server both on CPU $CPU;" \
		"load average before the runs $load_start, after $load_end (other work on the machine adds noise)"
	echo "$REPS repetitions, configurations interleaved in random order; RR and stream ${DURATION} s, connections ${CONN_DURATION} s"
	echo "RR: sockperf ping-pong --tcp -m 64 --full-rtt; stream: iperf3, 1 stream; connections: connect, 1 byte, close"
	echo "Ratios: median of per-repetition ratios to the wire [min-max]; absolutes: median [min-max]"
	echo
	printf '%-17s %-22s %-22s %-22s %-22s\n' "" "TCP RR p50" "TCP RR p99" "connections/s" "1-stream throughput"
	for cfg in "${CONFIGS[@]}"; do
		row=$(printf '%-17s' "$cfg")
		for m in "${metrics[@]}"; do
			read -r med lo hi <<<"$(values "$cfg" "$m" | summarize)"
			row+=" $(printf "%-22s" "$(printf "${fmt[$m]} %s [${fmt[$m]}-${fmt[$m]}]" "$med" "${unit[$m]}" "$lo" "$hi")")"
		done
		echo "$row"
	done
	echo
	for cfg in routing porin; do
		row=$(printf '%-17s' "$cfg / wire")
		for m in "${metrics[@]}"; do
			read -r med lo hi <<<"$(ratios "$cfg" "$m" wire | summarize)"
			row+=" $(printf "%-22s" "$(printf "%.2fx [%.2f-%.2f]" "$med" "$lo" "$hi")")"
			[ "$cfg" = porin ] && ratio[$m]=$med
		done
		echo "$row"
	done
	row=$(printf '%-17s' "porin target")
	for m in "${metrics[@]}"; do
		row+=" $(printf "%-22s" "${op[$m]} ${target[$m]}x $(verdict "${ratio[$m]}" "${op[$m]}" "${target[$m]}")")"
	done
	echo "$row"
	echo
	echo "CNI ADD ($CNI_PODS pods, porin-cni exec to exit): p50 $add_p50 ms, p99 $add_p99 ms, max $add_max ms" \
		"(target p50 <= 50 ms $(verdict "$add_p50" "<=" 50), p99 <= 150 ms $(verdict "$add_p99" "<=" 150))"
	echo "CNI DEL ($CNI_PODS pods): p50 $del_p50 ms, p99 $del_p99 ms, max $del_max ms" \
		"(conntrack entries beforehand: ${ct_entries:-?})"
	echo "Agent CPU time during the interleaved runs: $agent_cpu s ($([ -n "$other_cpus" ] && echo "kept on CPU $other_cpus" || echo "not pinned"))"
	echo "BPF program cost per run (kernel.bpf_stats_enabled, ${probe} s of each workload on porin):"
	for m in rr conn stream; do
		echo "  $(printf '%-7s' "$m") ${bpf_cost[$m]}"
	done
}

declare -A ratio=()
mkdir -p "$root/bench/results"
result=$root/bench/results/datapath-$(date -u +%Y%m%d-%H%M%S).txt
echo
echo "==> Results"
report | tee "$result"
{
	echo
	echo "Per-repetition figures (rep, configuration, metric, value):"
	cat "$raw"
	echo
	echo "CNI ADD exec times, ms, in order: $(printf '%s\n' "${adds[@]}" | awk '{ printf "%.1f ", $1 / 1000 }')"
	echo "CNI DEL exec times, ms, in order: $(printf '%s\n' "${dels[@]}" | awk '{ printf "%.1f ", $1 / 1000 }')"
} >>"$result"
echo
echo "Written to $result"
