#!/usr/bin/env bash
# test.sh checks the Windows build: go vet of every package for
# GOOS=windows; every package's tests built for Windows and started under
# Wine; and the tests of the Windows code paths (*_windows_test.go: the
# data directory under %LOCALAPPDATA%, printing through PowerShell, opening
# a folder in Explorer, sounds) run under Wine.
#
# The other tests stay on Linux: under Wine 8, t.TempDir's clean-up fails
# (os.RemoveAll asks for a POSIX delete Wine does not have), and some tests
# run the go command or Linux programs.
set -euo pipefail
cd "$(dirname "$0")/../.."
GO=${GO:-go}
source packaging/wine/prefix.sh
export GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc

echo "go vet for Windows"
$GO vet ./...
wine_prefix
wtest() {
	$GO test -count=1 -timeout 10m -exec "$PWD/packaging/wine/exec.sh" "$@"
}
echo "every package's tests start under Wine"
wtest -run '^$' ./...
echo "the Windows code paths under Wine"
wtest -run 'Windows' -v ./cmd/medibooth ./ui
