#!/usr/bin/env bash
# exec.sh runs a Windows test binary under Wine, for
# GOOS=windows go test -exec packaging/wine/exec.sh; make test-windows sets
# up the prefix and its wineserver first.
# shellcheck source=packaging/wine/prefix.sh
source "$(dirname "$0")/prefix.sh"
exec "$wine64" "$@"
