#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/bpf-cost.sh: where from_container's time per packet goes. Builds variants of bpf_lxc with one part
# of the hot path cut out (or one lookup added), and reports each variant's cost next to the product's:
# the difference is what that part costs. See bench/README.md.
#
#   testrun  BPF_PROG_TEST_RUN on crafted packets of an established TCP connection (request and response)
#            and on connections' first packets: quick, no traffic, caches warmer than in real life
#   live     each variant attached to two real pods' veths in turn, sockperf request/response, a
#            connect/close loop and an iperf3 stream between them, cost from the kernel's accounting
#            (kernel.bpf_stats_enabled): the figure bench/datapath.sh reports, per variant
#
# Run as root: sudo bench/bpf-cost.sh      Knobs: MODE (testrun|live|both) VARIANTS CALLS ROUNDS REPS DURATION CPU
set -euo pipefail

MODE=${MODE:-both}
CALLS=${CALLS:-1000}     # testrun: timed calls per figure (the hot loop uses a tenth of them)
ROUNDS=${ROUNDS:-7}      # testrun: rounds, each loads every variant anew, in random order
REPS=${REPS:-3}          # live: rounds, each attaches every variant anew, in random order
DURATION=${DURATION:-4}  # live: seconds of each workload per variant and repetition
CPU=${CPU:-1}            # live: the core client and server share

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
NS_A=pcost-a NS_B=pcost-b IP_A=10.213.0.1 IP_B=10.213.0.2 GW=10.213.0.254
NS_WC=pcost-wc NS_WS=pcost-ws IP_WC=10.213.1.1 IP_WS=10.213.1.2 # the wire: one veth pair, nothing else
RR_PORT=11111 CONN_PORT=12345 STREAM_PORT=5201

die() {
	echo "bpf-cost.sh: $*" >&2
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "loads eBPF programs and creates namespaces: run it as root (sudo $0)"
[[ $MODE =~ ^(testrun|live|both)$ ]] || die "MODE is testrun, live or both"
[[ $CALLS =~ ^[1-9][0-9]+$ && $ROUNDS =~ ^[1-9][0-9]*$ && $REPS =~ ^[1-9][0-9]*$ && $DURATION =~ ^[1-9][0-9]*$ &&
	$CPU =~ ^[0-9]+$ ]] || die "CALLS (at least 10), ROUNDS, REPS and DURATION must be positive integers, CPU a CPU number"

# shellcheck source=../scripts/env.sh
. "$root/scripts/env.sh"
porin_setup "sockperf:sockperf" "iperf3:iperf3" "jq:jq" "util-linux:taskset" "coreutils:shuf" "gcc:gcc"

# ---------------------------------------------------------------------------------------------------
# Variants. Each is a list of edits to a copy of porin-datapath/src/main/bpf; an edit that no longer
# matches the source fails the run (the datapath changed: update the variant).
#
#   stub FUNCTION VALUE   FUNCTION returns VALUE at once (VALUE empty for void)
#   edit FILE PERL        a perl substitution on FILE (whole file, /s semantics up to the expression)

declare -A VARIANT=(
	[no-metrics]="stub update_metrics ''"
	[no-ep-stats]="stub account_tx ''; stub account_rx ''"
	[no-ct-atomics]="edit lib/conntrack.h 's/\t\t__sync_fetch_and_add\([^\n]*\n//g'"
	[no-ct-lifetime]="edit lib/conntrack.h 's/\tif \(pkt->proto == IPPROTO_TCP\)\n\t\tct_update_tcp\(entry, pkt->tcp_flags, reply, now\);\n\telse\n\t\tct_refresh\(entry, now, CONFIG.ct_lifetime_any\);\n//'"
	[no-ct-account]="stub ct_account ''"
	[no-ct-vouch]="stub ct_sender 0"
	[ct-forward-first]="edit lib/conntrack.h 's/bool reply_first = bpf_ntohs\(key->sport\) < bpf_ntohs\(key->dport\);/bool reply_first = false;/'"
	[no-ktime]="stub mono_now 1000000"
	[clock-per-packet]="stub mono_now 'bpf_ktime_get_coarse_ns() / NSEC_PER_SEC'"
	[no-l3-rewrite]="stub ipv4_l3_local 0"
	[no-trace]="stub trace_wanted false"
	[no-verdicts]="stub emit_policy_verdict ''"
	[no-enforce]="stub enforce 0"
	[no-policy-rev]="stub policy_revision 0"
	[plus-ep-lookup]="edit bpf_lxc.c 's/(\tdst = lookup_ip4_endpoint\(pkt.daddr\);\n)/\$1\tif (lookup_ip4_endpoint(pkt.daddr))\n\t\tm->cookie = 0;\n/'"
	[plus-ct-lookup]="edit bpf_lxc.c 's/(\tstate = ct4_lookup\(ctx, &pkt, &key, now, &entry\);\n)/\$1\tif (bpf_map_lookup_elem(&porin_ct4, &key))\n\t\tm->cookie = 0;\n/'"
)
VARIANT[skeleton]="${VARIANT[no-metrics]}; ${VARIANT[no-ep-stats]}; ${VARIANT[no-ct-account]}; ${VARIANT[no-ktime]};
	${VARIANT[no-l3-rewrite]}; ${VARIANT[no-trace]}; ${VARIANT[no-policy-rev]}"
ORDER=(no-metrics no-ep-stats no-ct-atomics no-ct-lifetime no-ct-account no-ct-vouch ct-forward-first no-ktime clock-per-packet
	no-l3-rewrite no-trace no-verdicts no-enforce no-policy-rev plus-ep-lookup plus-ct-lookup skeleton)
if [ -n "${VARIANTS:-}" ]; then
	read -r -a ORDER <<<"$VARIANTS"
fi

stub() {
	local fn=$1 value=$2 n
	n=$(grep -lE "^$fn\(" "$src"/bpf_lxc.c "$src"/lib/*.h | wc -l)
	[ "$n" -eq 1 ] || die "variant $variant: no single definition of $fn() in the datapath (found $n)"
	perl -0pi -e "s#(\n$fn\((?:[^()]|\([^()]*\))*\)\n\{\n)#\$1\treturn $value;\n# or die" \
		"$(grep -lE "^$fn\(" "$src"/bpf_lxc.c "$src"/lib/*.h)" ||
		die "variant $variant: cannot stub $fn()"
}

edit() {
	local file=$1 expr=$2
	perl -0pi -e "$expr or die" "$src/$file" || die "variant $variant: this edit no longer applies to $file: $expr"
}

# build NAME: the variant's object in $work/NAME.o
build() {
	variant=$1 src=$work/src-$1
	rm -rf "$src"
	cp -r "$root/porin-datapath/src/main/bpf" "$src"
	[ "$variant" = full ] || eval "${VARIANT[$variant]}"
	clang -O2 -g -Wall -Wno-unused-parameter -Wno-unused-variable -Wno-unused-function -target bpf \
		-I"$src" -I"/usr/include/$multiarch" -c "$src/bpf_lxc.c" -o "$work/$variant.o" ||
		die "variant $variant does not compile"
}

# ---------------------------------------------------------------------------------------------------

work=
stats_restore=
live_pid=
cleanup() {
	local rc=$?
	trap - EXIT
	set +e
	[ -n "$live_pid" ] && kill "$live_pid" 2>/dev/null && wait "$live_pid" 2>/dev/null
	[ -n "$stats_restore" ] && sysctl -qw kernel.bpf_stats_enabled="$stats_restore"
	for ns in $NS_A $NS_B $NS_WC $NS_WS; do
		for pid in $(ip netns pids "$ns" 2>/dev/null); do
			kill "$pid" 2>/dev/null
		done
	done
	sleep 0.2
	for ns in $NS_A $NS_B $NS_WC $NS_WS; do
		ip netns del "$ns" 2>/dev/null
	done
	ip link del $NS_A 2>/dev/null
	ip link del $NS_B 2>/dev/null
	[ -n "$work" ] && rm -rf "$work"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for ns in $NS_A $NS_B $NS_WC $NS_WS; do
	[ -e "/var/run/netns/$ns" ] && die "namespace $ns exists: another bpf-cost.sh runs, or one was killed (ip netns del $ns)"
done
work=$(mktemp -d /tmp/pcost.XXXXXX)
multiarch=$(clang -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)

echo "==> Building Porin and the variants" >&2
"$root/porin" version --socket "$work/none" >/dev/null # builds if needed
dist=$root/porin-dist/target/porin/lib
"$JAVA_HOME/bin/javac" -nowarn -cp "$dist/*" -d "$work/classes" "$root/bench/bpfcost/BpfCost.java"
clang -O2 -g -Wall -target bpf -I"$root/porin-datapath/src/main/bpf" -I"/usr/include/$multiarch" \
	-c "$root/bench/bpfcost/reference.c" -o "$work/reference.o"
build full
for v in "${ORDER[@]}"; do
	[ -n "${VARIANT[$v]:-}" ] || die "no variant $v (known: ${!VARIANT[*]})"
	build "$v"
done
java_run() { # with PIN set: on that CPU only
	local pin=()
	[ -z "${PIN:-}" ] || pin=(taskset -c "$PIN")
	# libbpf notes that the clsact qdisc exists already each time a variant is attached: not news.
	"${pin[@]}" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -cp "$work/classes:$dist/*" \
		BpfCost "$@" 2> >(grep -v 'Exclusivity flag on' >&2)
}

echo "porin $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD -- porin-datapath/src/main/bpf || echo '+changes'), kernel $(uname -r), $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"

if [ "$MODE" != live ]; then
	echo
	echo "==> BPF_PROG_TEST_RUN, from_container" >&2
	args=()
	for v in full "${ORDER[@]}"; do
		args+=("$v=$work/$v.o")
	done
	# On one core, like the live runs: the two cores of a small VM are not equally busy.
	taskset -c "$CPU" true 2>/dev/null || die "CPU $CPU is not usable here; set CPU"
	PIN=$CPU java_run testrun "$CALLS" "$ROUNDS" "$work/reference.o" "${args[@]}"
fi

[ "$MODE" = testrun ] && exit 0

# ---------------------------------------------------------------------------------------------------
# Live: two pods as Porin plumbs them (a /32, a gateway, the default route through it), no agent; the
# harness loads each variant, fills its maps for these two pods and attaches it to both host-side veths.

echo >&2
echo "==> Live traffic, kernel.bpf_stats_enabled=1 ($REPS x ${DURATION} s of each workload per variant, CPU $CPU)" >&2
taskset -c "$CPU" true 2>/dev/null || die "CPU $CPU is not usable here; set CPU"
pbench=$work/pbench
gcc -O2 -Wall -std=c11 -D_GNU_SOURCE -o "$pbench" "$root/bench/pbench.c"
declare -A pod_mac=()
for side in a b; do
	ns=pcost-$side
	[ $side = a ] && ip=$IP_A || ip=$IP_B
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	ip link add "$ns" type veth peer name eth0 netns "$ns"
	sysctl -qw "net.ipv6.conf.$ns.disable_ipv6=1"
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
	ip link set "$ns" up
	ip -n "$ns" addr add "$ip/32" dev eth0
	ip -n "$ns" link set eth0 up
	ip -n "$ns" route add "$GW/32" dev eth0 scope link
	ip -n "$ns" route add default via "$GW" dev eth0
	ip -n "$ns" neigh replace "$GW" lladdr "$(cat "/sys/class/net/$ns/address")" dev eth0 nud permanent
	pod_mac[$side]=$(ip netns exec "$ns" cat /sys/class/net/eth0/address)
done
ip netns add $NS_WC
ip netns add $NS_WS
ip -n $NS_WC link add eth0 type veth peer name eth0 netns $NS_WS
for ns in $NS_WC $NS_WS; do
	ip netns exec $ns sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
	ip -n $ns link set lo up
	ip -n $ns link set eth0 up
done
ip -n $NS_WC addr add $IP_WC/24 dev eth0
ip -n $NS_WS addr add $IP_WS/24 dev eth0
for pair in "$NS_A $NS_B $IP_B" "$NS_WC $NS_WS $IP_WS"; do
	read -r client server ip <<<"$pair"
	ip netns exec "$client" sysctl -qw net.ipv4.ip_local_port_range="1024 65535" net.ipv4.tcp_tw_reuse=1
	taskset -c "$CPU" ip netns exec "$server" sockperf server --tcp -i "$ip" -p $RR_PORT >/dev/null 2>&1 &
	taskset -c "$CPU" ip netns exec "$server" "$pbench" serve "$ip" $CONN_PORT >/dev/null 2>&1 &
	taskset -c "$CPU" ip netns exec "$server" iperf3 -s -B "$ip" -p $STREAM_PORT >/dev/null 2>&1 &
done
sleep 1

stats_restore=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -qw kernel.bpf_stats_enabled=1
counters() { # "run_time_ns run_cnt" of program $1
	bpftool -j prog show id "$1" | jq -r '"\(.run_time_ns // 0) \(.run_cnt // 0)"'
}
raw=$work/live.tsv
: >"$raw"
# workload VARIANT PROGRAM-ID NAME CLIENT-NS SERVER-IP: runs one workload; appends "rep variant workload ns/run
# figure" (no program id: the wire, no program)
workload() {
	local v=$1 id=$2 name=$3 ns=$4 ip=$5 t0=0 n0=0 t1=0 n1=0 out figure
	[ -z "$id" ] || read -r t0 n0 <<<"$(counters "$id")"
	case $name in
		rr)
			out=$(taskset -c "$CPU" ip netns exec "$ns" sockperf ping-pong --tcp -i "$ip" -p $RR_PORT -m 64 \
				-t "$DURATION" --full-rtt 2>&1) || die "variant $v: sockperf failed"
			figure=$(awk '/percentile 50.000 =/ {print $NF}' <<<"$out") ;;
		churn)
			figure=$(taskset -c "$CPU" ip netns exec "$ns" "$pbench" connect "$ip" $CONN_PORT "$DURATION") ||
				die "variant $v: connection loop failed" ;;
		stream)
			out=$(taskset -c "$CPU" ip netns exec "$ns" iperf3 -c "$ip" -p $STREAM_PORT -t "$DURATION" -O 1 -J 2>&1) ||
				die "variant $v: iperf3 failed"
			figure=$(jq -r '.end.sum_received.bits_per_second / 1e9' <<<"$out") ;;
	esac
	[ -z "$id" ] || read -r t1 n1 <<<"$(counters "$id")"
	awk -v r="$rep" -v v="$v" -v w="$name" -v t=$((t1 - t0)) -v n=$((n1 - n0)) -v f="$figure" \
		'BEGIN { printf "%s\t%s\t%s\t%.1f\t%s\n", r, v, w, n ? t / n : 0, f }' >>"$raw"
}
for rep in $(seq "$REPS"); do
	for v in $(shuf -e wire reference full "${ORDER[@]}"); do
		if [ "$v" = wire ]; then
			for w in rr churn stream; do
				workload wire "" "$w" $NS_WC $IP_WS
			done
		else
			coproc LIVE { java_run live "$work/$v.o" $NS_A "${pod_mac[a]}" $IP_A $NS_B "${pod_mac[b]}" $IP_B; }
			live_pid=$LIVE_PID
			read -r word id <&"${LIVE[0]}" || die "variant $v did not attach"
			[ "$word" = ready ] || die "variant $v: $word $id"
			ip netns exec $NS_A ping -c 1 -W 2 $IP_B >/dev/null || die "variant $v: pod A cannot reach pod B"
			for w in rr churn stream; do
				workload "$v" "$id" "$w" $NS_A $IP_B
			done
			eval "exec ${LIVE[1]}>&-"
			wait "$live_pid" 2>/dev/null || true
			live_pid=
		fi
		echo "   rep $rep $(printf '%-18s' "$v") $(awk -v r="$rep" -v v="$v" '$1 == r && $2 == v {
			printf "%s %.0f ns/run (%s)   ", $3, $4, $5 }' "$raw")" >&2
	done
done
sysctl -qw kernel.bpf_stats_enabled="$stats_restore"
stats_restore=

median() {
	sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
# figure VARIANT WORKLOAD COLUMN: the median over the rounds
figure() {
	awk -v v="$1" -v w="$2" -v c="$3" '$2 == v && $3 == w { print $c }' "$raw" | median
}
# to_wire VARIANT WORKLOAD: the median of the rounds' ratios of the variant's figure to the wire's
to_wire() {
	awk -v v="$1" -v w="$2" '$3 == w && $2 == "wire" { x[$1] = $5 } $3 == w && $2 == v { y[$1] = $5 }
		END { for (r in y) if (x[r] > 0) print y[r] / x[r] }' "$raw" | median
}
echo
echo "# live: from_container ns per run (kernel.bpf_stats_enabled), median of $REPS x ${DURATION} s. RR: sockperf"
echo "# ping-pong 64 B (p50 over the wire's); churn: connect, 1 byte, close (connections/s over the wire's);"
echo "# stream: iperf3, 1 stream (ns per GSO packet; Gbit/s over the wire's). Both pods enforce policy."
echo "# Ratios are medians of per-round ratios; saves = full - variant."
printf '%-18s %7s %7s %7s | %8s %8s %8s | %s\n' variant RR churn stream "RR p50" "conn/s" "Gbit/s" \
	"saves (RR / churn / stream)"
printf '%-18s %7s %7s %7s | %6.1fus %8.0f %8.2f |\n' wire - - - "$(figure wire rr 5)" "$(figure wire churn 5)" \
	"$(figure wire stream 5)"
for v in reference full "${ORDER[@]}"; do
	saves=
	[ "$v" = full ] || [ "$v" = reference ] ||
		saves=$(awk -v a="$(figure full rr 4)" -v b="$(figure "$v" rr 4)" -v c="$(figure full churn 4)" \
			-v d="$(figure "$v" churn 4)" -v e="$(figure full stream 4)" -v f="$(figure "$v" stream 4)" \
			'BEGIN { printf "%+.0f / %+.0f / %+.0f", a - b, c - d, e - f }')
	printf '%-18s %7.0f %7.0f %7.0f | %7.2fx %7.2fx %7.2fx | %s\n' "$v" "$(figure "$v" rr 4)" \
		"$(figure "$v" churn 4)" "$(figure "$v" stream 4)" "$(to_wire "$v" rr)" "$(to_wire "$v" churn)" \
		"$(to_wire "$v" stream)" "$saves"
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
