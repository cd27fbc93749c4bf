# SPDX-License-Identifier: Apache-2.0
# Sourced by ./porin and ./test: selects Java 25 and installs what the build and the tests need.

porin_find_java() {
	local candidate
	for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25*; do
		if [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] &&
			"$candidate/bin/java" -version 2>&1 | grep -Eq 'version "(2[5-9]|[3-9][0-9])'; then
			echo "$candidate"
			return 0
		fi
	done
	return 1
}

if ! JAVA_HOME=$(porin_find_java); then
	echo "porin: Java 25 is required (looked in \$JAVA_HOME and /usr/lib/jvm). Install Temurin 25." >&2
	exit 1
fi
export JAVA_HOME

# Debian packages and the commands that tell whether each is present.
PORIN_PACKAGES=(
	"clang:clang" "llvm:llvm-objdump" "libbpf-dev:/usr/include/bpf/bpf_helpers.h" "bpftool:bpftool"
	"iproute2:ip" "iputils-ping:ping" "curl:curl" "util-linux:setsid" "procps:pgrep"
)

porin_setup() {
	local missing=() entry pkg probe
	for entry in "${PORIN_PACKAGES[@]}" "$@"; do
		pkg=${entry%%:*}
		probe=${entry#*:}
		if [[ $probe == /* ]]; then
			[ -e "$probe" ] || missing+=("$pkg")
		else
			command -v "$probe" >/dev/null 2>&1 || missing+=("$pkg")
		fi
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		echo "porin: missing packages: ${missing[*]}; install them (apt-get install ${missing[*]}) and retry." >&2
		exit 1
	fi
	echo "porin: installing ${missing[*]}..." >&2
	if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"; } >&2; then
		echo "porin: could not install ${missing[*]} with apt-get; install them by hand and retry." >&2
		exit 1
	fi
}

# Prints a source file newer than $1, if any: the build output is then stale.
porin_stale_sources() {
	find "$root/pom.xml" "$root"/porin-*/pom.xml "$root"/porin-*/src/main -newer "$1" -type f -print -quit 2>/dev/null
}
