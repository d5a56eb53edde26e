#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, when they are missing and we may install.
set -euo pipefail
pkgs=(xvfb xauth dbus gnome-keyring libsecret-tools libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
      libxcb-xinerama0 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0
      libegl1 libgl1 libfontconfig1 libdbus-1-3 trayer imagemagick x11-utils desktop-file-utils
      appstream iproute2 util-linux ripgrep strace chromium chromium-driver curl
      firefox-esr  # tests/e2e/test_browser_firefox_e2e.py (driven over WebDriver BiDi, no geckodriver)
      recollcmd  # recollcmd: Recoll side by side in tests/bench (bench_searchable, bench_known_item)
      xdg-desktop-portal xdg-desktop-portal-kde)  # a real GlobalShortcuts portal (tests/e2e/test_portal_e2e.py)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian packages for the tests: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
