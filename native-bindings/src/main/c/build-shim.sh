#!/bin/sh
# Builds libquiver_shim.so into $1 (the module's class output, so the jar carries it).
# One C file per binding area, named after its Java peer (eal.c for Eal.java, ...), all in one library.
# Linked with --no-as-needed so that one dlopen of the shim brings every DPDK library the
# bindings look symbols up in, and the EAL finds its drivers through Debian's plugin path.
set -eu
out=${1:?usage: build-shim.sh OUTPUT_DIR}
here=$(cd "$(dirname "$0")" && pwd)
if ! pkg-config --exists libdpdk 2>/dev/null; then
  echo "build-shim: DPDK development files not found: install the Debian packages dpdk libdpdk-dev pkg-config gcc" >&2
  exit 1
fi
mkdir -p "$out"
# shellcheck disable=SC2046
gcc -O2 -g -Wall -Wextra -Werror -fPIC -shared -o "$out/libquiver_shim.so" "$here"/*.c \
    $(pkg-config --cflags libdpdk) -Wl,--no-as-needed $(pkg-config --libs libdpdk | sed 's/-Wl,--as-needed//g')
