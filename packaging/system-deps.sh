#!/usr/bin/env bash
# Debian/Ubuntu packages the kiosk needs outside pip: the shared libraries that the PySide6 and
# OpenCV wheels link against (Qt's xcb and offscreen platforms, OpenGL, fonts), and Xvfb for
# screenshots and GUI tests on a machine without a display; a small CJK font so the Chinese
# translation shows characters, not boxes; binutils (objdump, strip, nm) and gcc
# (to relink Qt's ICU data with fewer locales) for the
# PyInstaller bundle; the PostgreSQL server (Debian's, in /usr/lib/postgresql/<version>/bin) for
# the chain-of-kiosks tests and `kiosk bench fleet`, which start a throw-away cluster of their own
# (a shop's HQ runs its own server; a kiosk needs only the client inside psycopg-binary).
#
# As root: installs what is missing. Otherwise: prints the one apt command to run, and fails.
set -euo pipefail

packages=(
  libgl1 libegl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3
  libxkbcommon0 libxkbcommon-x11-0 libx11-xcb1
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0
  libxcb-render-util0 libxcb-shape0 libxcb-xfixes0 libxcb-xkb1
  fonts-dejavu-core fonts-wqy-microhei xvfb xauth
  binutils gcc libc6-dev
  postgresql
)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-deps: not a Debian/Ubuntu system; install the equivalents of: ${packages[*]}" >&2
  exit 0
fi

missing=()
for pkg in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if [[ $(id -u) -eq 0 ]]; then
  echo "system-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "system-deps: missing Debian packages. Run this once, then try again:" >&2
  echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi
