#!/bin/sh
# Provisions a guest VM (or the uplink VM): its link to the appliance gets address 10.77.0.N/24, persistently, and
# a route to Quiver's configuration service (docs/guest-protocol.md).
#   guest.sh N MAC
# QUIVER_PROVISION_DRY_RUN=1 prints what it would run and writes under QUIVER_PROVISION_ROOT instead.
set -eu
n=${1:?usage: guest.sh N MAC}
mac=${2:?usage: guest.sh N MAC}
root=${QUIVER_PROVISION_ROOT:-}
dry=${QUIVER_PROVISION_DRY_RUN:-}
case "$n" in *[!0-9]*|'') echo "guest.sh: N must be a number, not '$n'" >&2; exit 2 ;; esac
[ "$n" -ge 1 ] && [ "$n" -le 254 ] || { echo "guest.sh: N must be 1..254" >&2; exit 2; }

dev=""
if [ -z "$dry" ]; then
  for d in /sys/class/net/*; do
    [ "$(cat "$d/address")" = "$mac" ] && dev=$(basename "$d")
  done
  [ -n "$dev" ] || { echo "guest.sh: no interface with MAC $mac" >&2; exit 1; }
else
  dev=eth1
fi

mkdir -p "$root/etc/network/interfaces.d"
cat > "$root/etc/network/interfaces.d/quiver" <<CONF
# Written by vagrant/provision/guest.sh: the link to the Quiver appliance
auto $dev
iface $dev inet static
    address 10.77.0.$n/24
    up ip route replace 169.254.169.254/32 dev $dev
CONF
echo "guest.sh: wrote $root/etc/network/interfaces.d/quiver ($dev = 10.77.0.$n/24)"
if [ -n "$dry" ]; then
  echo "would run: ifup $dev"
else
  ifup "$dev"
fi
