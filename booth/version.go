package booth

import (
	"runtime/debug"
)

// Version is medibooth's version; FyneApp.toml says the same (a test keeps
// them together). It goes into every bundle's manifest, so HQ knows which
// medibooth made each bundle.
const Version = "0.1.0"

// VersionLine is what `medibooth --version` prints: the version, and the
// source revision the binary was built from when the build recorded it.
func VersionLine() string {
	line := "medibooth " + Version
	if info, ok := debug.ReadBuildInfo(); ok {
		var rev, dirty string
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				if s.Value == "true" {
					dirty = "+"
				}
			}
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			line += " (" + rev + dirty + ")"
		}
	}
	return line
}
