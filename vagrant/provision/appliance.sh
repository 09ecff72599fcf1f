#!/bin/sh
# Provisions the appliance VM: the Debian packages and JDK 25 Quiver needs, Quiver built from this repository
# (synced to /opt/quiver), a configuration for the lab's links, and Quiver as a systemd service.
#   appliance.sh GUESTS
# QUIVER_PROVISION_DRY_RUN=1 prints what it would run and writes the configuration under QUIVER_PROVISION_ROOT
# instead (how the test suite checks this script on a machine that cannot boot the lab).
set -eu
guests=${1:?usage: appliance.sh GUESTS}
root=${QUIVER_PROVISION_ROOT:-}
dry=${QUIVER_PROVISION_DRY_RUN:-}
quiver=${QUIVER_SOURCE:-/opt/quiver}

run() {
  if [ -n "$dry" ]; then echo "would run: $*"; else "$@"; fi
}

# the interface whose MAC the Vagrantfile gave link n (52:54:00:77:00:0n); in a dry run, the name it would have
link_interface() {
  mac=$(printf '52:54:00:77:00:%02x' "$1")
  if [ -z "$dry" ]; then
    for dev in /sys/class/net/*; do
      [ "$(cat "$dev/address")" = "$mac" ] && { basename "$dev"; return 0; }
    done
    echo "appliance.sh: no interface with MAC $mac (link $1)" >&2
    exit 1
  fi
  echo "eth$(($1 + 1))"
}

run apt-get update -qq
run env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq dpdk libdpdk-dev dpdk-dev gcc pkg-config curl iproute2 ethtool wget gnupg
if [ -z "$dry" ] && ! ls -d /usr/lib/jvm/temurin-25* >/dev/null 2>&1; then
  # Debian 12 has no JDK 25: Adoptium's Temurin repository does
  wget -qO- https://packages.adoptium.net/artifactory/api/gpg/key/public | gpg --dearmor > /usr/share/keyrings/adoptium.gpg
  echo "deb [signed-by=/usr/share/keyrings/adoptium.gpg] https://packages.adoptium.net/artifactory/deb bookworm main" \
    > /etc/apt/sources.list.d/adoptium.list
  apt-get update -qq
  apt-get install -y -qq temurin-25-jdk
elif [ -n "$dry" ]; then
  echo "would install: temurin-25-jdk from Adoptium's repository"
fi

# Quiver takes the links over: no kernel addresses, promiscuous, offloads off (af_packet hands over what the NIC gave)
links=""
n=0
while [ "$n" -le "$guests" ]; do
  dev=$(link_interface "$n")
  run ip link set "$dev" up promisc on
  run ethtool -K "$dev" tx off rx off tso off gso off gro off
  links="$links $dev"
  n=$((n + 1))
done
set -- $links
uplink=$1
shift

mkdir -p "$root/etc/quiver"
config="$root/etc/quiver/quiver.yaml"
{
  echo "# Written by vagrant/provision/appliance.sh: the lab's uplink and $guests guest link(s), each an af_packet port"
  echo "eal: { mainCpu: 0 }"
  echo "ports:"
  echo "  - { name: uplink, devargs: \"net_af_packet0,iface=$uplink\" }"
  i=1
  for dev in "$@"; do
    echo "  - { name: g$i, devargs: \"net_af_packet$i,iface=$dev\" }"
    i=$((i + 1))
  done
  echo "uplink: { port: uplink }"
  echo "datapath: { mode: shared, cpus: [1] }"
  echo "vnics:"
  i=1
  while [ "$i" -le "$guests" ]; do
    printf '  - { name: guest%d, mac: "02:00:00:00:00:%02x", ipv4: ["10.77.0.%d/24"], port: g%d, guestPolicy: "mtu=68..1500" }\n' "$i" "$i" "$i" "$i"
    i=$((i + 1))
  done
} > "$config"
echo "appliance.sh: wrote $config"

run "$quiver/bin/quiver" --help
run "$quiver/bin/quiver" install-service --config /etc/quiver/quiver.yaml
run systemctl enable --now quiver
