#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only where they are missing,
# so that a clean machine (and CI) gets them from the project's own files.
set -euo pipefail
packages=()
# A line is a Debian package, optionally followed by a command that already satisfies it: the
# machines may carry Node.js from another source whose npm conflicts with Debian's npm package.
need() {
  if [ -n "${2:-}" ] && command -v "$2" >/dev/null 2>&1; then return; fi
  dpkg -s "$1" >/dev/null 2>&1 || packages+=("$1")
}
# (The list grows as stages need system libraries: PDF rendering, browser tests.)
while read -r pkg cmd; do
  case "$pkg" in ''|'#'*) continue ;; esac
  need "$pkg" "${cmd:-}"
done < "$(dirname "$0")/system-packages.txt"
if [ ${#packages[@]} -gt 0 ]; then
  echo "Installing system packages: ${packages[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi
