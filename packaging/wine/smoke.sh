#!/usr/bin/env bash
# smoke.sh runs the Windows release under Wine: --version, the demo event
# in the default data directory (%LOCALAPPDATA%\medibooth) and in one given
# with --data, a demo visitor found, their badge checked in twice, the
# report, and the desk's window on a virtual screen (Xvfb). Each step is
# judged on the exit code and what the program printed or showed (Wine may
# add noise of its own on stderr).
set -euo pipefail
cd "$(dirname "$0")/../.."
source packaging/wine/prefix.sh

version=$(sed -n 's/^const Version = "\(.*\)"$/\1/p' booth/version.go)
exe=bin/release/medibooth-$version-windows-amd64.exe
if [ ! -f "$exe" ]; then
	echo "smoke: $exe is missing; make release builds it" >&2
	exit 1
fi
work=bin/wine/smoke
rm -rf "$work" "$WINEPREFIX"/drive_c/users/*/AppData/Local/medibooth
mkdir -p "$work"

# A virtual screen for the window, on the first free display; Xvfb names
# it once it is ready.
mkfifo "$work/display"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$work/display" >/dev/null 2>&1 &
xvfb=$!
read -r -t 60 screen <"$work/display" || { echo "smoke: Xvfb did not start" >&2; exit 1; }
export DISPLAY=:$screen
wine_prefix
trap 'wine_stop; kill $xvfb' EXIT
unset MEDIBOOTH_DATA
data=$(winpath "$work/data")

fail() {
	echo "smoke: $*" >&2
	exit 1
}

# run STEP WANT ARGS... runs medibooth.exe with ARGS, stdout into
# $work/STEP.out, stderr into $work/STEP.err, and fails unless it exits
# with WANT.
run() {
	local step=$1 want=$2 rc=0
	shift 2
	timeout 120 "$wine64" "$exe" "$@" </dev/null >"$work/$step.out" 2>"$work/$step.err" || rc=$?
	if [ "$rc" != "$want" ]; then
		echo "smoke: $step: medibooth ${*:1:2}… exited with $rc, not $want. It said:" >&2
		cat "$work/$step.out" "$work/$step.err" >&2
		exit 1
	fi
	echo "ok   $step (exit $rc)"
}

# expect STEP FILTER fails unless the JSON STEP printed passes the jq test.
expect() {
	jq -e "$2" "$work/$1.out" >/dev/null ||
		fail "$1: the output does not pass $2: $(head -c 2000 "$work/$1.out")"
}

run version 0 --version
head -1 "$work/version.out" | grep -q "^medibooth $version\b" ||
	fail "version: printed \"$(head -1 "$work/version.out")\", not medibooth $version"
echo "     $(head -1 "$work/version.out")"

run demo-default 0 demo --json
expect demo-default '.visitors > 0 and .added == .visitors'
ls "$WINEPREFIX"/drive_c/users/*/AppData/Local/medibooth/medibooth.db >/dev/null 2>&1 ||
	fail "demo-default: no medibooth.db under %LOCALAPPDATA%\\medibooth"

run demo 0 demo --data "$data" --json
expect demo '.visitors > 0 and .added == .visitors'
visitors=$(jq .visitors "$work/demo.out")
run demo-again 0 demo --data "$data" --json
expect demo-again '.added == 0'
echo "     demo event: $visitors visitors, loaded again: none added"

run find 0 visitor find sokolov --data "$data" --json
expect find '.results | length >= 1'
id=$(jq -r '.results[0].id' "$work/find.out")
name=$(jq -r '.results[0].name' "$work/find.out")

run badge 0 badge "$id" --data "$data" --json
expect badge '.code | test("^[0-9]{40,}$")'
code=$(jq -r .code "$work/badge.out")

# The demo is the fair as it happened: the report before the check-ins
# below, which add one visitor on the first day and two scans.
run report-before 0 report --format json --data "$data"
scans=$(jq .scans "$work/report-before.out")
day1=$(jq '.checkins_by_day["2026-09-17"] // 0' "$work/report-before.out")

at=2026-09-17T11:00:00+06:00
run checkin 0 checkin "$code" --at "$at" --data "$data" --json
expect checkin ".decision == \"admitted\" and .visitor_id == \"$id\""
run checkin-again 3 checkin "$code" --at "$at" --data "$data" --json
expect checkin-again ".decision == \"duplicate\" and .visitor_id == \"$id\""
echo "     $name ($id): admitted, then duplicate"

run report 0 report --format json --data "$data"
expect report ".registered == $visitors and .scans == $scans + 2 and .checkins_by_day[\"2026-09-17\"] == $day1 + 1"
echo "     report: $(jq -c '{registered, visitors_unique, scans, checkins_by_day}' "$work/report.out")"
# The desk: with no command medibooth opens its window, which must show and
# draw (more than a few colours) while the program runs on.
timeout 300 "$wine64" "$exe" --data "$data" </dev/null >"$work/window.out" 2>&1 &
gui=$!
shot=$work/window.png
win=
deadline=$((SECONDS + 120))
while ((SECONDS < deadline)); do
	kill -0 $gui 2>/dev/null || fail "window: medibooth ended before its window drew. It said: $(cat "$work/window.out")"
	win=$(timeout 10 xdotool search --onlyvisible --name '^medibooth' 2>/dev/null | head -1) || true
	if [ -n "$win" ] && timeout 10 xwd -id "$win" -silent | timeout 10 convert xwd:- "$shot" 2>/dev/null &&
		[ "$(convert "$shot" -format %k info:)" -gt 8 ]; then
		break
	fi
	sleep 0.2
done
[ -n "$win" ] || fail "window: no medibooth window showed in two minutes"
[ "$(convert "$shot" -format %k info:)" -gt 8 ] || fail "window: the window stayed blank ($shot)"
echo "ok   window (${shot#"$work/"}: $(convert "$shot" -format '%wx%h, %k colours' info:))"
kill $gui
echo "smoke: the Windows build passed under Wine"
