#!/usr/bin/env bash
# bin/quiver install-service --config FILE [--unit-dir DIR] [--no-reload]
# Writes quiver.service (from bin/quiver.service) so systemd runs this tree's Quiver with FILE at boot.
set -euo pipefail
home=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
config="" unit_dir=/etc/systemd/system reload=1
while [ $# -gt 0 ]; do
  case "$1" in
    --config) config=${2:?--config needs a file}; shift 2 ;;
    --unit-dir) unit_dir=${2:?--unit-dir needs a folder}; shift 2 ;;
    --no-reload) reload=0; shift ;;
    -h|--help) sed -n '2,3s/^# //p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "install-service: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[ -n "$config" ] || { echo "install-service: --config FILE is required: the configuration the service runs" >&2; exit 2; }
[ -f "$config" ] || { echo "install-service: $config: no such file" >&2; exit 2; }
config=$(cd "$(dirname "$config")" && pwd)/$(basename "$config")
case "$home$config" in *[[:space:]@\|]*) echo "install-service: paths with blanks, '@' or '|' cannot go in a unit: $home, $config" >&2; exit 2 ;; esac
mkdir -p "$unit_dir"
sed -e "s|@QUIVER_HOME@|$home|g" -e "s|@CONFIG@|$config|g" "$home/bin/quiver.service" > "$unit_dir/quiver.service"
echo "install-service: wrote $unit_dir/quiver.service (runs $home/bin/quiver with $config)"
if [ "$reload" = 1 ] && [ -d /run/systemd/system ]; then
  systemctl daemon-reload
  echo "install-service: next: systemctl enable --now quiver; journalctl -u quiver -f"
else
  echo "install-service: systemd is not running here: reload it and enable the unit where it does"
fi
