#!/usr/bin/env bash
# release.sh builds the release files into bin/release/, named with the
# version in booth/version.go:
#
#   medibooth-V-windows-amd64.exe    Windows: icon and version resource
#   medibooth-V-linux-amd64.tar.xz   Linux: binary, icon, .desktop file and
#                                    the Makefile that installs them
#   medibooth_V_amd64.deb            Debian and Ubuntu
#
# Both builds go through Fyne's packaging tool, the Windows one with the
# mingw-w64 C compiler. The tool writes into the directory it builds (its
# metadata file, the Windows resource, the raised build number in
# FyneApp.toml), so it works on a copy of the tree under bin/: the checkout
# stays as it was, and no other build sees those files.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
root=$PWD

version=$(sed -n 's/^const Version = "\(.*\)"$/\1/p' booth/version.go)
if [ -z "$version" ] || ! grep -qx "Version = \"$version\"" FyneApp.toml; then
	echo "release: booth/version.go and FyneApp.toml do not name the same version" >&2
	exit 1
fi

out=bin/release
work=$root/bin/release-work
rm -rf "$out" "$work"
mkdir -p "$out" "$work/src"

# The tree as it is, tracked and new files alike, without what .gitignore
# leaves out.
git ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
	tar --null -T - -cf - | tar -xf - -C "$work/src"
src=$work/src/cmd/medibooth
icon=$root/assets/icon.png
$GO build -o "$work/fyne" fyne.io/tools/cmd/fyne

# fynepkg OS [ENV...] packages cmd/medibooth for OS, reading the app's id,
# version, build number and migrations from FyneApp.toml.
fynepkg() {
	local os=$1
	shift
	cp FyneApp.toml "$src/"
	(cd "$src" && env "$@" "$work/fyne" package --os "$os" --release --name medibooth --icon "$icon")
}

echo "release: Windows amd64"
# The packaging tool compiles C with -fstack-protector-strong and
# _FORTIFY_SOURCE, whose checks mingw-w64 keeps in libssp: linked in
# statically, so that the .exe needs no libssp-0.dll beside it.
fynepkg windows CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc CGO_LDFLAGS=-l:libssp.a
mv "$src/medibooth.exe" "$out/medibooth-$version-windows-amd64.exe"

echo "release: Linux amd64"
fynepkg linux CGO_ENABLED=1 GOOS=linux GOARCH=amd64
tarball=$out/medibooth-$version-linux-amd64.tar.xz
mv "$src/medibooth.tar.xz" "$tarball"

echo "release: Debian package"
# The package holds what the tarball holds, moved from /usr/local to /usr.
mkdir -p "$work/linux"
tar -xJf "$tarball" -C "$work/linux"
exe=$(find "$work/linux" -path '*/bin/medibooth' -type f)
desktop=$(find "$work/linux" -name '*.desktop' -type f)
appid=$(basename "$desktop" .desktop)
size=$(od -An -tu1 -j16 -N4 "$icon" | awk '{print $1*16777216 + $2*65536 + $3*256 + $4}')
deb=$work/deb
install -Dm755 "$exe" "$deb/usr/bin/medibooth"
install -Dm644 "$desktop" "$deb/usr/share/applications/$appid.desktop"
install -Dm644 "$icon" "$deb/usr/share/icons/hicolor/${size}x$size/apps/$appid.png"
# libc6 at least as new as the newest symbol version the binary uses.
glibc=$(objdump -T "$exe" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1)
mkdir -p "$deb/DEBIAN"
sed -e "s/@VERSION@/$version/" -e "s/@GLIBC@/$glibc/" \
	-e "s/@SIZE@/$(du -sk --exclude=DEBIAN "$deb" | cut -f1)/" \
	-e "s|@MAINTAINER@|${DEB_MAINTAINER:-medibooth maintainers <maintainers@users.noreply.r-seed-c17723d3.example>}|" \
	packaging/debian/control >"$deb/DEBIAN/control"
# GLFW opens the X11 libraries when it starts (they are listed by hand);
# every library the binary is linked to must be there too.
depends=$(sed -n 's/^Depends: //p' "$deb/DEBIAN/control")
for lib in $(objdump -p "$exe" | awk '$1 == "NEEDED" {print $2}'); do
	pkg=$(dpkg -S "*/$lib" 2>/dev/null | awk -F": " -v l="/$lib" \
		'substr($2, length($2) - length(l) + 1) == l {sub(/[:,].*/, "", $1); print $1; exit}') || true
	if [ -n "$pkg" ] && ! grep -Eq "(^|, )$pkg( |,|$)" <<<"$depends"; then
		echo "release: medibooth needs $lib, from $pkg, which packaging/debian/control does not name" >&2
		exit 1
	fi
done
debfile=$out/medibooth_${version}_amd64.deb
dpkg-deb --root-owner-group -Zxz --build "$deb" "$debfile" >/dev/null

# Check the package: its fields, its files, and the program it installs.
dpkg-deb --field "$debfile" Package Version Architecture Depends
dpkg-deb --contents "$debfile" | awk '{print $6}' >"$work/contents"
for f in ./usr/bin/medibooth "./usr/share/applications/$appid.desktop" "./usr/share/icons/hicolor/${size}x$size/apps/$appid.png"; do
	grep -qx "$f" "$work/contents" || { echo "release: $debfile lacks $f" >&2; exit 1; }
done
dpkg -x "$debfile" "$work/root"
said=$(timeout 60 "$work/root/usr/bin/medibooth" --version)
case "$said" in
"medibooth $version"*) ;;
*) echo "release: the packaged medibooth says \"$said\", not version $version" >&2; exit 1 ;;
esac
if command -v apt-get >/dev/null; then
	# Every dependency names a package this system's archive knows.
	apt-get install --simulate -qq "$root/$debfile" >/dev/null
fi

rm -rf "$work"
ls -l "$out"
