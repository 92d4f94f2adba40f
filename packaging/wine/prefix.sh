# shellcheck shell=bash
# prefix.sh is sourced by the scripts that run Windows programs under Wine
# (the smoke test of the release, go test -exec). wine_prefix sets up a
# Wine prefix of our own under bin/wine/ and starts its wineserver, stopped
# on exit; Windows programs show their windows on $DISPLAY as it is then.
#
# Debian 12's Wine 8 lacks bcryptprimitives.dll, from which Go's runtime
# draws its random bytes; bcryptprimitives.c stands in for it in the
# prefix's system32.

wine_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
wine64=${WINE64:-/usr/lib/wine/wine64}
wineserver=${WINESERVER:-/usr/lib/wine/wineserver}
export WINEPREFIX=${WINEPREFIX:-$wine_root/bin/wine/prefix}
export WINEARCH=win64
# Without C.UTF-8 Wine garbles the program's arguments; WINEDEBUG=-all
# keeps Wine's own messages out of the output. No Mono or Gecko installer.
export LANG=C.UTF-8 LC_ALL=C.UTF-8 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
# No window on the desktop of whoever runs this.
unset DISPLAY WAYLAND_DISPLAY

wine_prefix() {
	local dir=$wine_root/bin/wine
	mkdir -p "$dir"
	x86_64-w64-mingw32-gcc -shared -O2 -o "$dir/bcryptprimitives.dll" \
		"$wine_root/packaging/wine/bcryptprimitives.c" "$wine_root/packaging/wine/bcryptprimitives.def" -ladvapi32
	if [ ! -f "$WINEPREFIX/.medibooth-ready" ]; then
		rm -rf "$WINEPREFIX"
		echo "wine: making the prefix $WINEPREFIX" >&2
		timeout 300 "$wine64" wineboot --init </dev/null >/dev/null 2>&1
		timeout 120 "$wineserver" -w
		touch "$WINEPREFIX/.medibooth-ready"
	fi
	cp "$dir/bcryptprimitives.dll" "$WINEPREFIX/drive_c/windows/system32/"
	# One wineserver and one set of Wine's services for the whole run,
	# started with no hold on our output: those the first program started
	# would inherit its stdout and keep a pipe reading it open.
	# A wineserver left running would keep the display it started with.
	"$wineserver" -k 2>/dev/null || true
	"$wineserver" -p </dev/null >/dev/null 2>&1
	trap wine_stop EXIT
	timeout 120 "$wine64" wineboot </dev/null >/dev/null 2>&1
}

# wine_stop ends the prefix's wineserver and every program still running
# in it.
wine_stop() {
	"$wineserver" -k 2>/dev/null || true
}

# winpath prints the Windows name of a Linux path (drive Z: is /).
winpath() {
	local p
	p=$(realpath -m "$1")
	printf 'Z:%s\n' "${p//\//\\}"
}
