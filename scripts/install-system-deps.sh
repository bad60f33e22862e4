#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only where they are missing,
# so that a clean machine (and CI) gets them from the project's own files.
set -euo pipefail
packages=()
need() { dpkg -s "$1" >/dev/null 2>&1 || packages+=("$1"); }
# (The list grows as stages need system libraries: PDF rendering, browser tests.)
for pkg in $(grep -v '^#' "$(dirname "$0")/system-packages.txt"); do need "$pkg"; done
if [ ${#packages[@]} -gt 0 ]; then
  echo "Installing system packages: ${packages[*]}"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi
