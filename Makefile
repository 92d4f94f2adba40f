# medibooth — `make run` opens the desk, `make test` runs every test.
# Both first make sure this machine has what the build needs (Debian/Ubuntu:
# installed with apt-get when run as root, otherwise named exactly).

SHELL := /bin/bash
GO    ?= go
BIN   := bin/medibooth
export LANG := en_US.UTF-8

# Debian packages: the X11/GL/Wayland headers Fyne compiles against, and what
# the window test drives a real window with.
BUILD_PKGS  := gcc pkg-config libgl-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev \
               libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev
WINDOW_PKGS := libgl1-mesa-dri xvfb xauth x11-apps imagemagick xdotool
# What the tests read their outputs back with: pdftotext for the report PDF.
TEST_PKGS   := poppler-utils

.PHONY: all deps deps-window build run test test-unit test-norace test-window fuzz soak bench lint package clean

all: build

deps:
	@$(MAKE) --no-print-directory ensure PKGS="$(BUILD_PKGS)"

deps-window: deps
	@$(MAKE) --no-print-directory ensure PKGS="$(WINDOW_PKGS)"

# ensure installs the Debian packages in PKGS that are missing.
ensure:
	@missing=""; \
	if command -v dpkg-query >/dev/null; then \
	  for p in $(PKGS); do \
	    dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	  done; \
	fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null || exit 1; \
	  else \
	    echo "medibooth needs these Debian packages:$$missing"; \
	    echo "Install them with: sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi

build: deps
	$(GO) build -o $(BIN) ./cmd/medibooth

run: build
	./$(BIN)

lint: deps
	@unformatted=$$(gofmt -l cmd ui booth data assets); \
	  if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

test-unit: deps
	@$(MAKE) --no-print-directory ensure PKGS="$(TEST_PKGS)"
	$(GO) test -race -count=1 -timeout 30m ./...

# test-norace runs without the race detector, which slows SQLite about 18
# times, what it would make too slow: the merge property's 1,000 scenarios
# (test-unit runs 60) and the seed fair replayed on the booth network.
test-norace: deps
	$(GO) test -count=1 -run '^TestMergeProperty' -timeout 30m -v ./data
	$(GO) test -count=1 -run '^TestCLISeedFairOnTheBoothNetworkAndWithout$$' -timeout 30m -v ./cmd/medibooth

# The window test starts the real binary under Xvfb, types a badge code as a
# scanner would and checks the database; its screenshots land in bin/.
test-window: deps-window
	MEDIBOOTH_WINDOW_TEST=1 MEDIBOOTH_ARTIFACTS=$(CURDIR)/bin $(GO) test -count=1 -run TestWindow -v ./cmd/medibooth

# fuzz runs every fuzz target (badge codes, visitor numbers, packages,
# bundles, notes, CSV and XLSX, signed HTTP requests, QR images, scanner
# input, search) for FUZZTIME each: a bounded part in make test, longer in
# make soak. A failing input is saved under testdata/fuzz and fails the run;
# a fuzzing engine that stops without one (a worker lost on a busy machine)
# is shown and run once more.
FUZZTIME ?= 4s
FUZZ_PKGS := ./booth ./booth/sheet ./booth/qr ./booth/camera
fuzz: deps
	@for pkg in $(FUZZ_PKGS); do \
	  for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "fuzz $$pkg $$f for $(FUZZTIME)"; \
	    out=$$(mktemp); \
	    if ! $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg >$$out 2>&1; then \
	      cat $$out; rm -f $$out; \
	      if git status --porcelain -- $$pkg/testdata/fuzz | grep -q .; then exit 1; fi; \
	      echo "fuzz $$f stopped without saving a failing input; running it once more"; \
	      $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	    fi; rm -f $$out; \
	  done; \
	done

# soak is the long run: the crash harness with 1,000 kills (make test kills
# 50 times) and a minute of fuzzing per target.
soak: deps
	MEDIBOOTH_KILLS=1000 $(GO) test -count=1 -run TestCrashHarness -v -timeout 60m ./cmd/medibooth
	$(GO) test -count=1 -run 'HQServer' -v ./cmd/medibooth
	@$(MAKE) --no-print-directory fuzz FUZZTIME=60s

test: lint test-unit test-norace fuzz test-window

# What make bench compares the QR decoder with: ZXing-C++ through Python.
BENCH_PKGS  := python3-zxing-cpp python3-numpy

bench: deps-window
	@$(MAKE) --no-print-directory ensure PKGS="$(BENCH_PKGS)"
	MEDIBOOTH_WINDOW_TEST=1 $(GO) test -run '^$$' -bench WindowScanToGreen -benchtime 8x ./cmd/medibooth/
	$(GO) test -run '^$$' -bench 'Checkin|FindVisitors' -benchtime 2000x ./data/
	$(GO) test -run '^$$' -bench 'Merge|SnapshotRoundTrip' -benchtime 1x -timeout 30m ./data/
	$(GO) test -run '^$$' -bench 'Booth' -benchtime 1x -timeout 45m ./boothnet/
	$(GO) test -run '^$$' -bench 'ReportHQ' -benchtime 3x -timeout 30m ./data/
	$(GO) test -run '^$$' -bench . ./booth/ ./booth/label/ ./booth/camera/
	$(GO) test -run '^$$' -bench . -benchtime 100x ./booth/qr/

# package makes bin/medibooth.tar.xz (binary, icon, .desktop file) with
# Fyne's packaging tool; it raises the build number in FyneApp.toml.
package: build
	$(GO) tool fyne package --os linux --exe $(BIN) --name medibooth --icon assets/icon.png --release
	mv medibooth.tar.xz bin/

clean:
	rm -rf bin

# Release files and the Windows build. The Windows .exe needs the mingw-w64
# C compiler; its smoke test and the Windows tests run under Wine (Debian's
# Wine 8, with a stand-in for the one DLL it lacks) and read the JSON back
# with jq.
RELEASE_PKGS := gcc-mingw-w64-x86-64 xz-utils binutils
WINE_PKGS    := wine64 gcc-mingw-w64-x86-64 jq

.PHONY: release release-smoke test-windows

# release builds into bin/release/ the Windows .exe, the Linux tarball and
# the Debian package of this version (packaging/release.sh), from a copy of
# the tree: FyneApp.toml's build number is left as it is.
release: deps
	@$(MAKE) --no-print-directory ensure PKGS="$(RELEASE_PKGS)"
	GO=$(GO) packaging/release.sh

# release-smoke runs the Windows .exe of make release under Wine: its
# version, the demo event, a badge checked in twice, the report and the
# desk's window on Xvfb.
release-smoke: deps-window
	@$(MAKE) --no-print-directory ensure PKGS="$(WINE_PKGS)"
	packaging/wine/smoke.sh

# test-windows vets every package built for Windows, starts each package's
# tests built for Windows under Wine, and runs there the tests of the
# Windows code paths: the data directory, printing, opening a folder, sounds.
test-windows: deps
	@$(MAKE) --no-print-directory ensure PKGS="$(WINE_PKGS)"
	GO=$(GO) packaging/wine/test.sh
