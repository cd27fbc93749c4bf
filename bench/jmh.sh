#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/jmh.sh: builds porin-bench and runs its JMH benchmarks (EventIngestBenchmark, PolicyResolveBenchmark),
# a few minutes with the defaults. Arguments go to JMH: a benchmark name pattern, -wi/-i/-f to change the
# warm-up, measurement and fork counts, -prof gc, -h for the rest. No root needed. See bench/README.md.
#
#   bench/jmh.sh                          everything
#   bench/jmh.sh EventIngest -prof gc     one benchmark, with allocation figures
set -euo pipefail

root=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
# shellcheck source=../scripts/env.sh
. "$root/scripts/env.sh"
porin_setup

echo "==> Building porin-bench" >&2
(cd "$root" && ./mvnw -q -B package -DskipTests -pl porin-bench -am) >&2

mkdir -p "$root/bench/results"
result=$root/bench/results/jmh-$(date -u +%Y%m%d-%H%M%S).txt
{
	echo "Porin JMH benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')"
	echo "kernel $(uname -r), $(nproc) CPUs, $("$JAVA_HOME/bin/java" -version 2>&1 | head -n 1); load average before $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$result"
"$JAVA_HOME/bin/java" -cp "$root/porin-bench/target/porin-bench-0.1.0-SNAPSHOT.jar:$root/porin-bench/target/lib/*" \
	org.openjdk.jmh.Main "$@" 2>&1 | tee -a "$result"
echo "load average after $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$result"
echo "Written to $result"
