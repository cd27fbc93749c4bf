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

# Porin's private set-up: nothing here is shared with an installed agent, the demo or the tests.
BPF_ROOT=/sys/fs/bpf/porin-bench
POD_CIDR=10.212.0.0/24
HOST_DEVICE=porinbench # the agent allows 10 characters (its veth peer adds "_peer")
NETWORK=porin-bench
CONFIGS=(wire routing porin)
RR_PORT=11111 STREAM_PORT=5201 CONN_PORT=12345

die() {
	echo "datapath.sh: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "creates namespaces and runs an agent that loads eBPF programs: run it as root (sudo $0)"
[[ $REPS =~ ^[1-9][0-9]*$ && $DURATION =~ ^[1-9][0-9]*$ && $CONN_DURATION =~ ^[1-9][0-9]*$ &&
	$CNI_PODS =~ ^[1-9][0-9]*$ && $CNI_PODS -le 200 && $CPU =~ ^[0-9]+$ ]] ||
	die "REPS, DURATION, CONN_DURATION and CNI_PODS (at most 200) must be positive integers, CPU a CPU number"

# Packages, as ./porin installs its own: Debian package and the command or file that shows it is there.
# shellcheck source=../scripts/env.sh
. "$root/scripts/env.sh"
porin_setup "sockperf:sockperf" "iperf3:iperf3" "util-linux:taskset" "iproute2:ss" "jq:jq" "coreutils:shuf"
cc=
for c in cc gcc clang; do
	if command -v "$c" >/dev/null 2>&1; then
		cc=$c
		break
	fi
done
[ -n "$cc" ] || porin_setup "gcc:gcc"
cc=${cc:-gcc}
taskset -c "$CPU" true 2>/dev/null || die "CPU $CPU is not usable here (this machine has $(nproc) CPUs); set CPU"

# ---------------------------------------------------------------------------------------------------
# Everything created is recorded here, and cleanup() removes exactly that: on success, failure and Ctrl-C.

work=
namespaces=()
host_links=()
server_pids=()
agent_pid=
agent_started=
stats_restore=
declare -A pod_id=() pod_ifname=() # netns -> CNI container ID / host-side veth, for porin pods

cleanup() {
	local rc=$? ns pid i
	trap '' HUP INT PIPE TERM
	trap - EXIT
	set +e
	echo "==> Cleaning up" >&2
	if [ -n "$stats_restore" ]; then
		sysctl -qw kernel.bpf_stats_enabled="$stats_restore"
	fi
	for pid in "${server_pids[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for ns in "${namespaces[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill "$pid" 2>/dev/null
		done
	done
	[ ${#server_pids[@]} -eq 0 ] || wait "${server_pids[@]}" 2>/dev/null
	if [ -n "$agent_pid" ] && kill -0 "$agent_pid" 2>/dev/null; then
		for ns in "${!pod_id[@]}"; do
			cni_call DEL "$ns" "$work/del.json" >/dev/null 2>&1 ||
				echo "   CNI DEL for $ns failed: $(cat "$work/del.json" 2>/dev/null)" >&2
		done
	fi
	for ns in "${namespaces[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	for i in "${host_links[@]}"; do
		ip link del "$i" 2>/dev/null
	done
	if [ -n "$agent_pid" ] && kill -0 "$agent_pid" 2>/dev/null; then
		kill -TERM "$agent_pid"
		for i in $(seq 300); do
			kill -0 "$agent_pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$agent_pid" 2>/dev/null; then
			echo "   the agent did not stop within 30 s of SIGTERM; killing it" >&2
			kill -KILL "$agent_pid"
		fi
		wait "$agent_pid" 2>/dev/null
	fi
	if [ -n "$agent_started" ]; then
		"$root/porin" cleanup "${agent_flags[@]}" >"$work/cleanup.log" 2>&1 ||
			{ echo "   porin cleanup failed:" >&2; cat "$work/cleanup.log" >&2; }
	fi
	if [ "$rc" -ne 0 ] && [ -n "$agent_started" ] && [ -s "$work/agent.log" ]; then
		echo "   agent log, last lines:" >&2
		tail -n 15 "$work/agent.log" | sed 's/^/   /' >&2
	fi
	[ -n "$work" ] && rm -rf "$work"
	for ns in "${namespaces[@]}"; do
		[ -e "/var/run/netns/$ns" ] && echo "   left behind: namespace $ns" >&2
	done
	for i in "${host_links[@]}" "${pod_ifname[@]}"; do
		[ -e "/sys/class/net/$i" ] && echo "   left behind: link $i" >&2
	done
	if [ -n "$agent_started" ]; then
		[ -e "/sys/class/net/$HOST_DEVICE" ] && echo "   left behind: link $HOST_DEVICE" >&2
		[ -e "$BPF_ROOT" ] && echo "   left behind: $BPF_ROOT" >&2
	fi
	exit "$rc"
}

# Leftovers of a run that was killed with SIGKILL would collide with this one.
remove_leftovers() {
	local ns pid
	pid=$(pgrep -f -- "--bpf-root $BPF_ROOT( |$)" || true)
	[ -z "$pid" ] || die "an agent of an earlier benchmark still runs (pid $pid): stop it (kill $pid) and retry"
	for ns in $(ip netns list | awk '{print $1}' | grep '^pbench-' || true); do
		# Only this script's own servers may be running there; anything else is not ours to stop.
		for pid in $(ip netns pids "$ns"); do
			case $(cat "/proc/$pid/comm" 2>/dev/null) in
				sockperf | iperf3 | pbench) kill "$pid" 2>/dev/null || true ;;
				*) die "namespace $ns of an earlier run holds a process that is not a benchmark server: $pid" ;;
			esac
		done
		echo "   removing namespace $ns left by an earlier run" >&2
		ip netns del "$ns"
	done
	sleep 0.5 # a deleted namespace takes its links along, asynchronously
	for ns in $(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep '^pbench-' || true); do
		echo "   removing link $ns left by an earlier run" >&2
		ip link del "$ns" 2>/dev/null || true
	done
	if [ -e "$BPF_ROOT" ] || [ -e "/sys/class/net/$HOST_DEVICE" ]; then
		echo "   removing Porin's bench datapath left by an earlier run" >&2
		"$root/porin" cleanup "${agent_flags[@]}" >/dev/null 2>&1 || die "porin cleanup of the earlier run failed"
	fi
	for ns in /tmp/pbench.*; do
		[ -d "$ns" ] && [ "$ns" != "$work" ] && rm -rf "$ns"
	done
	return 0
}

# ---------------------------------------------------------------------------------------------------
# Building blocks

add_netns() {
	ip netns add "$1"
	namespaces+=("$1")
	ip -n "$1" link set lo up
}

# cni_call COMMAND NETNS OUTFILE: porin-cni as a runtime execs it: a clean environment with the CNI_*
# variables, the conflist's plugin entry (name and cniVersion filled in; prevResult on DEL) on stdin.
# Prints the wall time of the plugin's exec, in microseconds; returns the plugin's exit status.
cni_call() {
	local command=$1 ns=$2 out=$3 config=$work/cni-config.json
	if [ "$command" = DEL ]; then
		config=$work/cni-del-$ns.json
		jq -c --slurpfile r "$work/add-$ns.json" '. + {prevResult: $r[0]}' "$work/cni-config.json" >"$config" 2>/dev/null ||
			cp "$work/cni-config.json" "$config"
	fi
	env -i PATH="$PATH" CNI_COMMAND="$command" CNI_CONTAINERID="${pod_id[$ns]}" CNI_NETNS="/var/run/netns/$ns" \
		CNI_IFNAME=eth0 CNI_PATH="$work/cni/bin" CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAMESPACE=pbench;K8S_POD_NAME=$ns" \
		"$pbench" run "$out" "$work/cni/bin/porin-cni" <"$config"
}

# add_pod NETNS: a namespace plumbed by CNI ADD; the plugin's exec time goes to $add_us (microseconds).
add_pod() {
	local ns=$1
	add_netns "$ns"
	pod_id[$ns]=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
	if ! add_us=$(cni_call ADD "$ns" "$work/add-$ns.json"); then
		die "CNI ADD for $ns failed: $(cat "$work/add-$ns.json")"
	fi
	pod_ifname[$ns]=$(jq -r '.interfaces[0].name' "$work/add-$ns.json")
}

pod_ip() {
	jq -r '.ips[0].address | split("/")[0]' "$work/add-$1.json"
}

# no_ipv6 NETNS|- IFNAME: as Porin does on both ends of a pod's veth (it routes IPv4 only), so that no
# configuration carries IPv6 chatter the others do not.
no_ipv6() {
	[ -d /proc/sys/net/ipv6 ] || return 0
	if [ "$1" = - ]; then
		sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
	else
		ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
	fi
}

# in_ns NETNS CMD...: on the benchmark's core, inside the namespace.
in_ns() {
	local ns=$1
	shift
	taskset -c "$CPU" ip netns exec "$ns" "$@"
}

start_server() {
	local ns=$1 port=$2
	shift 2
	taskset -c "$CPU" ip netns exec "$ns" "$@" >>"$work/servers.log" 2>&1 &
	server_pids+=($!)
	for _ in $(seq 100); do
		[ -n "$(ip netns exec "$ns" ss -Hltn "sport = :$port")" ] && return 0
		sleep 0.05
	done
	die "server on port $port in $ns did not start: $(tail -n 3 "$work/servers.log")"
}

# ---------------------------------------------------------------------------------------------------
# Set-up

declare -A client_ns=() server_ns=() server_ip=()

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

# Like a pod: a /32 address, a link route to a gateway and a default route through it. The host forwards
# between the two veths with a /32 route each. Forwarding is switched on for these two links only (they
# are the input devices), and static neighbours spare ARP; all of it disappears with the links.
setup_routing() {
	local side ns ip link gw=10.211.0.254
	client_ns[routing]=pbench-route-c server_ns[routing]=pbench-route-s server_ip[routing]=10.211.0.2
	for side in c s; do
		ns=pbench-route-$side link=pbench-rt-$side
		[ $side = c ] && ip=10.211.0.1 || ip=10.211.0.2
		add_netns "$ns"
		ip link add "$link" type veth peer name eth0 netns "$ns"
		host_links+=("$link")
		no_ipv6 - "$link"
		no_ipv6 "$ns" eth0
		sysctl -qw "net.ipv4.conf.$link.forwarding=1"
		ip link set "$link" up
		ip -n "$ns" addr add "$ip/32" dev eth0
		ip -n "$ns" link set eth0 up
		ip -n "$ns" route add "$gw/32" dev eth0 scope link
		ip -n "$ns" route add default via "$gw" dev eth0
		ip -n "$ns" neigh replace "$gw" lladdr "$(cat "/sys/class/net/$link/address")" dev eth0 nud permanent
		ip route add "$ip/32" dev "$link" scope link
		ip neigh replace "$ip" lladdr "$(ip netns exec "$ns" cat /sys/class/net/eth0/address)" dev "$link" nud permanent
	done
}

setup_porin() {
	local log=$work/agent.log
	mkdir -p "$work/cni/bin" "$work/cni/net.d"
	echo "   starting the agent (log: $log)"
	# Its own session: a Ctrl-C reaches the script alone, which deletes the pods before it stops the agent.
	setsid "$root/porin" agent "${agent_flags[@]}" >"$log" 2>&1 &
	agent_pid=$! agent_started=1
	for _ in $(seq 600); do
		curl -sf --max-time 1 --unix-socket "$work/run/porin.sock" http://porin/v1/healthz >/dev/null 2>&1 && break
		kill -0 "$agent_pid" 2>/dev/null || die "the agent exited: $(tail -n 5 "$log")"
		sleep 0.1
	done
	curl -sf --max-time 1 --unix-socket "$work/run/porin.sock" http://porin/v1/healthz >/dev/null 2>&1 ||
		die "the agent did not become ready within 60 s"
	# Off the measuring core while the datapath is measured: its housekeeping (conntrack garbage collection
	# walks the whole table) would otherwise land on whichever configuration happens to run. Set after
	# start-up, so that the JVM sizes itself for the whole machine; undone before the CNI measurement.
	if [ -n "$other_cpus" ]; then
		taskset -a -pc "$other_cpus" "$agent_pid" >/dev/null
	fi
	jq -c '.plugins[0] + {name: .name, cniVersion: "1.1.0"}' "$work/cni/net.d/05-$NETWORK.conflist" >"$work/cni-config.json"
	add_pod pbench-porin-c
	add_pod pbench-porin-s
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

# median min max of the numbers on stdin, one per line
summarize() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan nan nan"; exit }
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		print m, v[1], v[NR] }'
}

# values CONFIG METRIC: that configuration's figure of every repetition
values() {
	awk -v c="$1" -v m="$2" '$2 == c && $3 == m { print $4 }' "$raw"
}

# ratios CONFIG METRIC: per repetition, the configuration's figure over the wire's
ratios() {
	awk -v c="$1" -v m="$2" '$3 == m && $2 == "wire" { w[$1] = $4 } $3 == m && $2 == c { x[$1] = $4 }
		END { for (r in x) if (r in w && w[r] > 0) print x[r] / w[r] }' "$raw"
}

# cpu_seconds PID: user + system time the process has used
cpu_seconds() {
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat"
}

# bpf_counters: "run_time_ns run_cnt" of each of Porin's two programs, from their pins
bpf_counters() {
	local p
	for p in from_container to_container; do
		bpftool -j prog show pinned "$BPF_ROOT/$p" | jq -r '"\(.run_time_ns // 0) \(.run_cnt // 0)"'
	done
}

# ---------------------------------------------------------------------------------------------------

trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 141' PIPE
trap 'exit 143' TERM

work=$(mktemp -d /tmp/pbench.XXXXXX)
agent_flags=(--state-dir "$work/state" --socket "$work/run/porin.sock" --bpf-root "$BPF_ROOT"
	--cni-bin-dir "$work/cni/bin" --cni-conf-dir "$work/cni/net.d" --cni-network "$NETWORK"
	--pod-cidr "$POD_CIDR" --host-device "$HOST_DEVICE")
raw=$work/raw.tsv
: >"$raw"

echo "==> Preparing"
version=$("$root/porin" version --socket "$work/run/porin.sock" | awk '/^Client:/ {print $2}') # builds if needed
remove_leftovers
all_cpus=$(taskset -pc $$ | awk -F': ' '{print $2}')
other_cpus=$(seq 0 $(($(nproc --all) - 1)) | grep -vx "$CPU" | while read -r c; do
	taskset -c "$c" true 2>/dev/null && echo "$c"; done | paste -sd, -)
pbench=$work/pbench
"$cc" -O2 -Wall -Wextra -std=c11 -D_GNU_SOURCE -o "$pbench" "$root/bench/pbench.c"

echo "==> Setting up wire, routing and porin"
setup_wire
setup_routing
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
agent_cpu0=$(cpu_seconds "$agent_pid")
for rep in $(seq "$REPS"); do
	for metric in rr stream conn; do
		echo "==> Repetition $rep/$REPS, $metric"
		for cfg in $(shuf -e "${CONFIGS[@]}"); do
			"measure_$metric" "$rep" "$cfg"
		done
	done
done

load_end=$(cut -d' ' -f1-3 /proc/loadavg)
agent_cpu=$(awk -v a="$agent_cpu0" -v b="$(cpu_seconds "$agent_pid")" 'BEGIN { printf "%.1f", b - a }')

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
taskset -a -pc "$all_cpus" "$agent_pid" >/dev/null # the whole machine again, as a node gives it
# DEL flushes the pod's conntrack entries; how many the table holds tells what that walk costs.
ct_entries=$(bpftool -j map dump pinned "$BPF_ROOT/porin_ct4" 2>/dev/null | jq length)
echo "   conntrack entries in the table now: ${ct_entries:-?}"
adds=() dels=()
for i in $(seq -w "$CNI_PODS"); do
	add_pod "pbench-cni-$i"
	adds+=("$add_us")
done
for i in $(seq -w "$CNI_PODS"); do
	ns=pbench-cni-$i
	us=$(cni_call DEL "$ns" "$work/del.json") || die "CNI DEL for $ns failed: $(cat "$work/del.json")"
	dels+=("$us")
	unset "pod_id[$ns]"
	ip netns del "$ns"
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

verdict() { # value op target
	awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == "<=") ? v <= t : v >= t; print (ok ? "met" : "MISSED") }'
}

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
			read -r med lo hi <<<"$(ratios "$cfg" "$m" | summarize)"
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
