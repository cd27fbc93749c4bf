#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# Compiles the porin-cni executable into the directory given as $1.
set -eu
if [ $# -ne 1 ]; then
	echo "usage: $0 <output directory>" >&2
	exit 2
fi
out=$1
src=$(cd "$(dirname "$0")" && pwd)
cc=
for c in cc gcc clang; do
	if command -v "$c" >/dev/null 2>&1; then
		cc=$c
		break
	fi
done
if [ -z "$cc" ]; then
	echo "porin: no C compiler found (looked for cc, gcc and clang); porin-cni is written in C. Install one, e.g. apt-get install gcc." >&2
	exit 1
fi
mkdir -p "$out"
# Built under a temporary name and renamed, so a failed build never leaves a half-written binary.
# _FORTIFY_SOURCE is undefined first: some compilers predefine it, and a redefinition is a warning.
tmp="$out/.porin-cni.$$"
trap 'rm -f "$tmp"' EXIT
"$cc" -O2 -Wall -Wextra -Werror -std=c11 -D_GNU_SOURCE -fstack-protector-strong \
	-U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2 -fPIE -pie \
	-o "$tmp" "$src"/porin_cni.c
chmod 0755 "$tmp"
mv -f "$tmp" "$out/porin-cni"
