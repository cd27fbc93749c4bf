# SPDX-License-Identifier: Apache-2.0
#
# bench/lib.sh: what the benchmark scripts share, sourced by each of them. It keeps the record of
# everything a script creates (namespaces, host links, servers, Porin agents and their pods) and removes
# exactly that on exit, on failure and on Ctrl-C; and it holds the building blocks and the statistics.
#
# Before sourcing, a script sets:
#   BENCH   its name, for messages                          e.g. datapath.sh
#   PREFIX  what every namespace and host link it creates starts with, and its temporary directory's
#           name (/tmp/PREFIX.XXXXXX); distinct per script, so that two scripts can run at once
#   CPU     the one core client and server share
#   root    the repository root
# Then: bench_prepare (packages, pbench, the temporary directory, traps), agent_define for each agent,
# remove_leftovers, and the set-up. Extra clean-up steps go into cleanup_hooks (run first, last added first).
# shellcheck shell=bash

die() {
	echo "$BENCH: $*" >&2
	exit 1
}

work=
pbench=
cc=
namespaces=()
host_links=()
server_pids=()
agents=()         # names, in the order defined
cleanup_hooks=()  # functions run first on exit
declare -A agent_pid=() agent_flags=() agent_started=() agent_network=()
declare -A pod_id=() pod_ifname=() pod_agent=() # netns -> CNI container ID / host-side veth / agent

# ---------------------------------------------------------------------------------------------------
# Preparation

# bench_prepare PACKAGE:PROBE...: root, packages (as ./porin installs its own), a C compiler, the build,
# the temporary directory and pbench; the exit traps are set from here on.
bench_prepare() {
	[ "$(id -u)" -eq 0 ] || die "creates namespaces and runs agents that load eBPF programs: run it as root (sudo $0)"
	# shellcheck source=../scripts/env.sh
	. "$root/scripts/env.sh"
	porin_setup "sockperf:sockperf" "util-linux:taskset" "iproute2:ss" "jq:jq" "coreutils:shuf" "$@"
	local c
	for c in cc gcc clang; do
		if command -v "$c" >/dev/null 2>&1; then
			cc=$c
			break
		fi
	done
	[ -n "$cc" ] || porin_setup "gcc:gcc"
	cc=${cc:-gcc}
	taskset -c "$CPU" true 2>/dev/null || die "CPU $CPU is not usable here (this machine has $(nproc) CPUs); set CPU"

	trap cleanup EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 141' PIPE
	trap 'exit 143' TERM

	work=$(mktemp -d "/tmp/$PREFIX.XXXXXX")
	version=$("$root/porin" version --socket "$work/none.sock" | awk '/^Client:/ {print $2}') # builds if needed
	all_cpus=$(taskset -pc $$ | awk -F': ' '{print $2}')
	other_cpus=$(seq 0 $(($(nproc --all) - 1)) | grep -vx "$CPU" | while read -r c; do
		taskset -c "$c" true 2>/dev/null && echo "$c"; done | paste -sd, -)
	pbench=$work/pbench
	"$cc" -O2 -Wall -Wextra -std=c11 -D_GNU_SOURCE -o "$pbench" "$root/bench/pbench.c"
}

# ---------------------------------------------------------------------------------------------------
# Clean-up

cleanup() {
	local rc=$? ns pid i a hook flags
	trap '' HUP INT PIPE TERM
	trap - EXIT
	set +e
	echo "==> Cleaning up" >&2
	for ((i = ${#cleanup_hooks[@]} - 1; i >= 0; i--)); do
		"${cleanup_hooks[$i]}"
	done
	for pid in "${server_pids[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for ns in "${namespaces[@]}"; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill "$pid" 2>/dev/null
		done
	done
	[ ${#server_pids[@]} -eq 0 ] || wait "${server_pids[@]}" 2>/dev/null
	for ns in "${!pod_id[@]}"; do
		a=${pod_agent[$ns]}
		if [ -n "${agent_pid[$a]:-}" ] && kill -0 "${agent_pid[$a]}" 2>/dev/null; then
			cni_call DEL "$ns" "$work/del.json" >/dev/null 2>&1 ||
				echo "   CNI DEL for $ns failed: $(cat "$work/del.json" 2>/dev/null)" >&2
		fi
	done
	for ns in "${namespaces[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	for i in "${host_links[@]}"; do
		ip link del "$i" 2>/dev/null
	done
	for a in "${agents[@]}"; do
		pid=${agent_pid[$a]:-}
		[ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && kill -TERM "$pid"
	done
	for a in "${agents[@]}"; do
		pid=${agent_pid[$a]:-}
		[ -n "$pid" ] || continue
		for i in $(seq 300); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		if kill -0 "$pid" 2>/dev/null; then
			echo "   agent $a did not stop within 30 s of SIGTERM; killing it" >&2
			kill -KILL "$pid"
		fi
		wait "$pid" 2>/dev/null
	done
	for a in "${agents[@]}"; do
		[ -n "${agent_started[$a]:-}" ] || continue
		read -ra flags <<<"${agent_flags[$a]}"
		"$root/porin" cleanup "${flags[@]}" >"$work/cleanup.log" 2>&1 ||
			{ echo "   porin cleanup of agent $a failed:" >&2; cat "$work/cleanup.log" >&2; }
		if [ "$rc" -ne 0 ] && [ -s "$work/$a/agent.log" ]; then
			echo "   agent $a log, last lines:" >&2
			tail -n 15 "$work/$a/agent.log" | sed 's/^/   /' >&2
		fi
	done
	[ -n "$work" ] && rm -rf "$work"
	for ns in "${namespaces[@]}"; do
		[ -e "/var/run/netns/$ns" ] && echo "   left behind: namespace $ns" >&2
	done
	for i in "${host_links[@]}" "${pod_ifname[@]}"; do
		[ -e "/sys/class/net/$i" ] && echo "   left behind: link $i" >&2
	done
	for a in "${agents[@]}"; do
		[ -n "${agent_started[$a]:-}" ] || continue
		read -ra flags <<<"${agent_flags[$a]}"
		[ -e "/sys/class/net/$(flag_value --host-device "${flags[@]}")" ] &&
			echo "   left behind: link $(flag_value --host-device "${flags[@]}")" >&2
		[ -e "$(flag_value --bpf-root "${flags[@]}")" ] && echo "   left behind: $(flag_value --bpf-root "${flags[@]}")" >&2
	done
	exit "$rc"
}

# flag_value FLAG ARGS...: the value that follows FLAG in ARGS
flag_value() {
	local flag=$1
	shift
	while [ $# -gt 1 ]; do
		[ "$1" = "$flag" ] && { echo "$2"; return 0; }
		shift
	done
	return 1
}

# Leftovers of a run of this script that was killed with SIGKILL would collide with this one. Call after
# agent_define.
remove_leftovers() {
	local ns pid a root_dir flags
	for a in "${agents[@]}"; do
		read -ra flags <<<"${agent_flags[$a]}"
		root_dir=$(flag_value --bpf-root "${flags[@]}")
		pid=$(pgrep -f -- "--bpf-root $root_dir( |$)" || true)
		[ -z "$pid" ] || die "an agent of an earlier benchmark still runs (pid $pid): stop it (kill $pid) and retry"
	done
	for ns in $(ip netns list | awk '{print $1}' | grep "^$PREFIX-" || true); do
		# Only benchmark servers may be running there; anything else is not ours to stop.
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
	for ns in $(ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | grep "^$PREFIX-" || true); do
		echo "   removing link $ns left by an earlier run" >&2
		ip link del "$ns" 2>/dev/null || true
	done
	for a in "${agents[@]}"; do
		read -ra flags <<<"${agent_flags[$a]}"
		if [ -e "$(flag_value --bpf-root "${flags[@]}")" ] || [ -e "/sys/class/net/$(flag_value --host-device "${flags[@]}")" ]; then
			echo "   removing Porin's datapath $a left by an earlier run" >&2
			"$root/porin" cleanup "${flags[@]}" >/dev/null 2>&1 || die "porin cleanup of the earlier run failed"
		fi
	done
	for ns in "/tmp/$PREFIX".*; do
		[ -d "$ns" ] && [ "$ns" != "$work" ] && rm -rf "$ns"
	done
	return 0
}

# ---------------------------------------------------------------------------------------------------
# Porin agents: each with its own bpffs directory, host device, pod CIDR, CNI network, state, socket and
# CNI directories (under $work/NAME), so that several run side by side, apart from any installed agent.

# agent_define NAME BPF_ROOT POD_CIDR HOST_DEVICE NETWORK [FLAG...]
agent_define() {
	local name=$1 bpf_root=$2 cidr=$3 device=$4 network=$5 dir=$work/$1
	shift 5
	agents+=("$name")
	agent_network[$name]=$network
	# The agent allows 10 characters for the host device (its veth peer adds "_peer").
	local flags=(--state-dir "$dir/state" --socket "$dir/run/porin.sock" --bpf-root "$bpf_root"
		--cni-bin-dir "$dir/cni/bin" --cni-conf-dir "$dir/cni/net.d" --cni-network "$network" --pod-cidr "$cidr"
		--host-device "$device" --hubble-listen-address 127.0.0.1:0 --prometheus-serve-addr 127.0.0.1:0 "$@")
	agent_flags[$name]=${flags[*]} # one line, no value with a space: read back with read -ra
}

agent_socket() {
	echo "$work/$1/run/porin.sock"
}

# agent_api NAME METHOD PATH: the agent's REST API on its Unix socket
agent_api() {
	curl -sf --max-time 30 --unix-socket "$(agent_socket "$1")" -X "$2" "http://porin$3"
}

# porin_cli NAME ARG...: the CLI against that agent
porin_cli() {
	local name=$1
	shift
	"$root/porin" "$@" --socket "$(agent_socket "$name")"
}

# agent_start NAME: starts the agent, waits until it is ready, and keeps it off the measuring core (set after
# start-up, so that the JVM sizes itself for the whole machine; agent_unpin gives it the machine back).
agent_start() {
	local name=$1 dir=$work/$1 flags
	read -ra flags <<<"${agent_flags[$name]}"
	mkdir -p "$dir/cni/bin" "$dir/cni/net.d"
	echo "   starting agent $name (log: $dir/agent.log)"
	# Its own session: a Ctrl-C reaches the script alone, which deletes the pods before it stops the agent.
	setsid "$root/porin" agent "${flags[@]}" >"$dir/agent.log" 2>&1 &
	agent_pid[$name]=$! agent_started[$name]=1
	for _ in $(seq 600); do
		agent_api "$name" GET /v1/healthz >/dev/null 2>&1 && break
		kill -0 "${agent_pid[$name]}" 2>/dev/null || die "agent $name exited: $(tail -n 5 "$dir/agent.log")"
		sleep 0.1
	done
	agent_api "$name" GET /v1/healthz >/dev/null 2>&1 || die "agent $name did not become ready within 60 s"
	if [ -n "$other_cpus" ]; then
		taskset -a -pc "$other_cpus" "${agent_pid[$name]}" >/dev/null
	fi
	jq -c '.plugins[0] + {name: .name, cniVersion: "1.1.0"}' "$dir/cni/net.d/05-${agent_network[$name]}.conflist" \
		>"$dir/cni-config.json"
}

agent_unpin() {
	taskset -a -pc "$all_cpus" "${agent_pid[$1]}" >/dev/null
}

# ---------------------------------------------------------------------------------------------------
# Namespaces, pods and servers

add_netns() {
	ip netns add "$1"
	namespaces+=("$1")
	ip -n "$1" link set lo up
}

# cni_call COMMAND NETNS OUTFILE: porin-cni as a runtime execs it: a clean environment with the CNI_*
# variables, the conflist's plugin entry (name and cniVersion filled in, the pod's labels in args.cni.labels;
# prevResult on DEL) on stdin. Prints the wall time of the plugin's exec, in microseconds; returns the
# plugin's exit status.
cni_call() {
	local command=$1 ns=$2 out=$3 dir=$work/${pod_agent[$2]} config=$work/cni-$2.json
	if [ "$command" = DEL ]; then
		jq -c --slurpfile r "$work/add-$ns.json" '. + {prevResult: $r[0]}' "$work/cni-$ns.json" >"$work/cni-del-$ns.json" 2>/dev/null ||
			cp "$work/cni-$ns.json" "$work/cni-del-$ns.json"
		config=$work/cni-del-$ns.json
	fi
	env -i PATH="$PATH" CNI_COMMAND="$command" CNI_CONTAINERID="${pod_id[$ns]}" CNI_NETNS="/var/run/netns/$ns" \
		CNI_IFNAME=eth0 CNI_PATH="$dir/cni/bin" CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAMESPACE=$PREFIX;K8S_POD_NAME=$ns" \
		"$pbench" run "$out" "$dir/cni/bin/porin-cni" <"$config"
}

# add_pod AGENT NETNS [KEY=VALUE...]: a namespace plumbed by that agent's CNI ADD, with these pod labels;
# the plugin's exec time goes to $add_us (microseconds).
add_pod() {
	local agent=$1 ns=$2 kv labels='[]'
	shift 2
	for kv in "$@"; do
		labels=$(jq -c --arg k "${kv%%=*}" --arg v "${kv#*=}" '. + [{key: $k, value: $v}]' <<<"$labels")
	done
	add_netns "$ns"
	pod_agent[$ns]=$agent
	pod_id[$ns]=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
	jq -c --argjson l "$labels" 'if ($l | length) > 0 then . + {args: {cni: {labels: $l}}} else . end' \
		"$work/$agent/cni-config.json" >"$work/cni-$ns.json"
	if ! add_us=$(cni_call ADD "$ns" "$work/add-$ns.json"); then
		die "CNI ADD for $ns failed: $(cat "$work/add-$ns.json")"
	fi
	pod_ifname[$ns]=$(jq -r '.interfaces[0].name' "$work/add-$ns.json")
}

# del_pod NETNS: CNI DEL (exec time in $del_us), then the namespace goes
del_pod() {
	local ns=$1
	del_us=$(cni_call DEL "$ns" "$work/del.json") || die "CNI DEL for $ns failed: $(cat "$work/del.json")"
	unset "pod_id[$ns]"
	ip netns del "$ns"
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

# start_server NETNS PORT CMD...: on the benchmark's core; returns once PORT listens.
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

declare -A client_ns=() server_ns=() server_ip=()

# setup_routing CONFIG TAG NET: a client and a server namespace laid out like pods (a /32 address, a link
# route to a gateway, a default route through it), each on a veth to the host (PREFIX-TAG-c, PREFIX-TAG-s),
# host /32 routes, static neighbours. Client NET.1, server NET.2, gateway NET.254. Forwarding is switched
# on for these two links only (they are the input devices); all of it disappears with the links.
setup_routing() {
	local cfg=$1 tag=$2 net=$3 side ns ip link gw=$3.254
	client_ns[$cfg]=$PREFIX-$tag-c server_ns[$cfg]=$PREFIX-$tag-s server_ip[$cfg]=$net.2
	for side in c s; do
		ns=$PREFIX-$tag-$side link=$PREFIX-$tag-$side
		[ $side = c ] && ip=$net.1 || ip=$net.2
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

# client_sysctls NETNS: connection-rate clients would run out of ports: the full range, and TIME_WAIT ports
# reused. The same in every configuration.
client_sysctls() {
	ip netns exec "$1" sysctl -qw net.ipv4.ip_local_port_range="1024 65535" net.ipv4.tcp_tw_reuse=1
}

# ---------------------------------------------------------------------------------------------------
# Measurements: each prints its figures; record appends "rep config metric value" to $raw.

# rr NETNS ADDR PORT SECONDS [SOCKPERF-ARG...]: "p50 p99" in µs of TCP request/response, 64-byte
# messages, full round trip
rr() {
	local ns=$1 ip=$2 port=$3 seconds=$4 out p50 p99
	shift 4
	out=$(in_ns "$ns" sockperf ping-pong --tcp -i "$ip" -p "$port" -m 64 -t "$seconds" --full-rtt "$@" 2>&1) ||
		die "sockperf against $ip:$port from $ns failed: $(tail -n 3 <<<"$out")"
	p50=$(awk '/percentile 50.000 =/ {print $NF}' <<<"$out")
	p99=$(awk '/percentile 99.000 =/ {print $NF}' <<<"$out")
	[ -n "$p50" ] && [ -n "$p99" ] || die "no percentiles in sockperf's output ($ns): $(tail -n 3 <<<"$out")"
	echo "$p50 $p99"
}

# conn_rate NETNS ADDR PORT SECONDS: connections per second (connect, send one byte, close)
conn_rate() {
	in_ns "$1" "$pbench" connect "$2" "$3" "$4" || die "connection rate against $2:$3 from $1 failed"
}

record() {
	printf '%s\t%s\t%s\t%s\n' "$@" >>"$raw"
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

# ratios CONFIG METRIC REFERENCE: per repetition, the configuration's figure over the reference's
ratios() {
	awk -v c="$1" -v m="$2" -v ref="$3" '$3 == m && $2 == ref { w[$1] = $4 } $3 == m && $2 == c { x[$1] = $4 }
		END { for (r in x) if (r in w && w[r] > 0) print x[r] / w[r] }' "$raw"
}

# percentiles P...: nearest-rank percentiles of the numbers on stdin
percentiles() {
	sort -g | awk -v ps="$*" '{ v[NR] = $1 } END {
		n = split(ps, p, " ")
		for (i = 1; i <= n; i++) { k = int((NR * p[i] + 99) / 100); if (k < 1) k = 1; printf "%s%s", v[k], (i < n ? " " : "\n") } }'
}

# cpu_seconds PID: user + system time the process has used
cpu_seconds() {
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.2f", ($12 + $13) / hz }' "/proc/$1/stat"
}

verdict() { # value op target
	awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == "<=") ? v <= t : v >= t; print (ok ? "met" : "MISSED") }'
}

loadavg() {
	cut -d' ' -f1-3 /proc/loadavg
}

# syn_retrans NETNS: SYNs the namespace's TCP has sent again (a lost SYN or SYN-ACK costs a connection a
# second): TcpExt TCPSynRetrans from /proc/net/netstat
syn_retrans() {
	ip netns exec "$1" awk '$1 == "TcpExt:" { if (!n) { for (i = 2; i <= NF; i++) k[i] = $i; n = 1 } else {
		for (i = 2; i <= NF; i++) if (k[i] == "TCPSynRetrans") print $i } }' /proc/net/netstat
}
