#!/usr/bin/env bash
# One command to try streamgate on a fresh Debian 12 machine: installs what is
# missing (apt), builds, and runs the gateway on etc/streamgate.xml.
#   tools/run.sh [streamgate args...]     (default: -c etc/streamgate.xml)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
"$here/tools/setup.sh" "$here/build" -DCMAKE_BUILD_TYPE=Release -DSTREAMGATE_BUILD_TESTS=OFF
cd "$here"
if (($#)); then exec "$here/build/bin/streamgate" "$@"; fi
exec "$here/build/bin/streamgate" -c etc/streamgate.xml
