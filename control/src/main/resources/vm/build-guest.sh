#!/bin/sh
# Builds a tiny VM guest from Debian packages: the distribution kernel (linux-image-amd64) and an initramfs of
# busybox (busybox-static), socat and iperf3, the virtio-net and bonding modules in the order they must load, and an /init that brings eth0 up with
# the given address and then serves a shell on the serial console for the test to drive.
#   build-guest.sh OUT_DIR IPV4/LEN
set -eu
out=$1
address=$2
kernel=$(ls /boot/vmlinuz-* 2>/dev/null | sort -V | tail -n 1)
[ -n "$kernel" ] || { echo "no kernel in /boot: apt-get install linux-image-amd64" >&2; exit 2; }
version=${kernel#/boot/vmlinuz-}
modules=/lib/modules/$version/kernel
busybox=$(command -v busybox) || { echo "no busybox: apt-get install busybox-static" >&2; exit 2; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/sbin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/modules"
cp "$busybox" "$root/bin/busybox"
# the load order matters: virtio_net needs net_failover, which needs failover; the PCI transport before the device;
# bonding (which needs tls) makes the guest a Linux bond peer for the aggregation tests
order="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci failover net_failover virtio_net tls bonding"
n=0
for m in $order; do
  f=$(find "$modules" -name "$m.ko*" | head -n 1)
  [ -n "$f" ] || continue # built into this kernel
  case "$f" in
    *.ko.xz) xz -dc "$f" > "$root/modules/$n-$m.ko" ;;
    *.ko.zst) zstd -qdc "$f" > "$root/modules/$n-$m.ko" ;;
    *) cp "$f" "$root/modules/$n-$m.ko" ;;
  esac
  n=$((n + 1))
done
# socat, for the guest protocol's UDP (busybox nc speaks TCP only), and iperf3, for TCP through an aggregation, each
# with the libraries it links
for tool in socat iperf3; do
  bin=$(command -v "$tool") || continue
  mkdir -p "$root/usr/bin"
  cp "$bin" "$root/usr/bin/$tool"
  for lib in $(ldd "$bin" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
done
cat > "$root/init" <<INIT
#!/bin/busybox sh
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
for m in \$(ls /modules | sort -n); do insmod /modules/\$m; done
ip link set lo up
ip link set eth0 up
ip address add $address dev eth0
ip route add 169.254.169.254/32 dev eth0
echo QUIVER-GUEST-READY
exec setsid sh -c 'exec sh </dev/ttyS0 >/dev/ttyS0 2>&1'
INIT
chmod +x "$root/init"
mkdir -p "$out"
cp "$kernel" "$out/vmlinuz"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out/initramfs.gz"
echo "$version"
