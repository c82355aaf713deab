#!/usr/bin/env bash
# Makes sure a headless-capable Chromium is installed for the tracking pixel's browser tests and
# prints its path on stdout. Debian's package is the browser our machines can get (Playwright's
# own download is not reachable); the test suite calls this on first use and .ci/run calls it up
# front, so no step is left to do by hand.
#
# Environment: CHROMIUM_PATH names another build (e.g. Playwright's on a hosted CI runner).
set -euo pipefail

if [ -n "${CHROMIUM_PATH:-}" ]; then
  [ -x "$CHROMIUM_PATH" ] || { echo "chromium.sh: CHROMIUM_PATH=$CHROMIUM_PATH is not an executable" >&2; exit 1; }
  echo "$CHROMIUM_PATH"
  exit 0
fi
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium.sh: Chromium is not installed; install Debian's chromium package (apt-get install chromium) or set CHROMIUM_PATH" >&2
    exit 1
  fi
  echo "chromium.sh: installing Debian's chromium package (once per machine)" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >&2
fi
command -v chromium
