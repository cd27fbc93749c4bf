#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Compiles each datapath entry object (bpf_*.c) into the directory given as $1.
# BTF (-g) is kept: libbpf needs it for the map definitions, and the layout tests read it.
set -eu
out=$1
src=$(cd "$(dirname "$0")" && pwd)
if ! command -v clang >/dev/null 2>&1; then
	echo "porin: clang is missing; it compiles the eBPF datapath. Run ./scripts/setup.sh (or apt-get install clang llvm libbpf-dev)." >&2
	exit 1
fi
if [ ! -f /usr/include/bpf/bpf_helpers.h ]; then
	echo "porin: libbpf headers are missing. Run ./scripts/setup.sh (or apt-get install libbpf-dev)." >&2
	exit 1
fi
multiarch=$(clang -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
mkdir -p "$out"
for f in "$src"/bpf_*.c; do
	obj="$out/$(basename "${f%.c}").o"
	clang -O2 -g -Wall -Wextra -Werror -Wno-unused-parameter -target bpf \
		-I"$src" -I"/usr/include/$multiarch" -c "$f" -o "$obj"
done
