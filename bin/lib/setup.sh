# Sourced by bin/quiver and bin/quiver-test: finds JDK 25, installs missing Debian packages (as root) or says
# exactly what to install, and builds Quiver when its sources are newer than the build.
# shellcheck shell=bash

QUIVER_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export QUIVER_HOME

die() {
  echo "quiver: $*" >&2
  exit 1
}

# The Debian packages Quiver needs to build and run.
QUIVER_RUN_PACKAGES=(dpdk libdpdk-dev gcc pkg-config curl)
# ... what the benchmarks run as peers (dpdk-testpmd is in dpdk-dev; OVS-DPDK for the datapath benchmark)
QUIVER_BENCH_PACKAGES=(dpdk-dev openvswitch-switch-dpdk openssl)
# ... and what the test suite drives (namespaces, real traffic, crafted frames, the TLS interop peer).
QUIVER_TEST_PACKAGES=(iproute2 ethtool curl iputils-ping iputils-arping iputils-tracepath traceroute ndisc6 iperf3 procps socat netcat-openbsd python3-scapy openssl tcpdump
  tshark                                                    # decodes the LACPDUs Quiver encodes (LinuxLacpduTest), reads captures (CaptureLabTest)
  zsh bash-completion                                       # the completion scripts, sourced (CliConventionsTest)
  chromium chromium-driver                                  # the dashboard in a real browser (DashboardLabTest)
  asciidoctor man-db                                        # quiver man typesets the generated pages (CliConventionsTest)
  etcd-server etcd-client                                   # the fabric's VNIC directory, a 3-member cluster (EtcdFabricLabTest)
  dpdk-dev                                                  # dpdk-testpmd plays a VM's virtio device (VhostUserTest)
  qemu-system-x86 linux-image-amd64 busybox-static cpio     # a real VM over vhost-user (VmOverVhostUserTest)
  systemd                                                   # systemd-analyze checks the service unit
  vagrant vagrant-libvirt)                                  # vagrant validate checks the Vagrant lab

ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "quiver: installing ${missing[*]}" >&2
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; } >&2 \
      || die "apt-get could not install: ${missing[*]}"
  else
    die "missing Debian packages; install them with: sudo apt-get install -y ${missing[*]}"
  fi
}

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

# A JDK's version from its release file, without starting a JVM (a CLI verb must answer in milliseconds).
release_major() {
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null
}

find_jdk25() {
  local candidate v
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25* /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    v=$(release_major "$candidate")
    [ -n "$v" ] || v=$(java_major "$candidate/bin/java")
    if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then
      JAVA_HOME=$candidate
      export JAVA_HOME
      return 0
    fi
  done
  die "JDK 25 not found (looked at \$JAVA_HOME and /usr/lib/jvm): install a JDK 25, e.g. Eclipse Temurin 25 (package temurin-25-jdk from the Adoptium apt repository), and set JAVA_HOME to it"
}

# Builds when a jar is missing or any source, POM or the shim is newer than it.
ensure_built() {
  local stamp=$QUIVER_HOME/perf/target/.built
  # .git and the build outputs pruned: the walk is on every CLI verb's path (half its cost was .git)
  if [ -f "$stamp" ] && [ -z "$(find "$QUIVER_HOME" \( -path "$QUIVER_HOME/*/target" -o -path "$QUIVER_HOME/.git" \) -prune -o \
        \( -name '*.java' -o -name '*.c' -o -name 'pom.xml' -o -name '*.sh' -o -name '*.xml' -o -name '*.yaml' \) \
        -newer "$stamp" -print -quit)" ]; then
    return 0
  fi
  echo "quiver: building (./mvnw package, tests skipped; bin/quiver-test runs them)" >&2
  (cd "$QUIVER_HOME" && ./mvnw -q -B -DskipTests package) >&2 || die "the build failed (see above)"
  touch "$stamp"
}

quiver_setup() {
  ensure_packages "${QUIVER_RUN_PACKAGES[@]}"
  find_jdk25
}
