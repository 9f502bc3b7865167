#!/usr/bin/env bash
# Installs what streamgate needs on Debian 12 (only what is missing), then
# configures and builds it. Used by tools/run.sh and tools/test.sh.
#   tools/setup.sh [build-dir] [extra cmake args...]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
shift || true

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libboost1.81-all-dev libpugixml-dev libspdlog-dev libssl-dev
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  clang libclang-rt-14-dev
  ffmpeg rtmpdump curl python3
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-libav
  chromium
  nginx-light libnginx-mod-rtmp
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from another source than Debian's packages; ask for it only if absent.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
  # Debian starts nginx as a system service on install; streamgate's tests
  # and benchmarks run private instances instead.
  if [[ " ${missing[*]} " == *" nginx-light "* ]]; then
    $sudo systemctl disable --now nginx 2>/dev/null || $sudo service nginx stop 2>/dev/null || true
  fi
fi

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
jobs=$(nproc)
cmake -S "$here" -B "$build" -G Ninja "${launcher[@]}" "$@"
cmake --build "$build" -j "$jobs"
