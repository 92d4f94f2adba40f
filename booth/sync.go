package booth

import "time"

// What syncing tells the screens and the command line: bundles made on a
// laptop, imported at HQ, and where each laptop stands.

// ExportResult is a bundle written by ExportBundle.
type ExportResult struct {
	File     string   `json:"file"`
	SHA256   string   `json:"sha256"` // of the file, as HQ records it
	Bytes    int64    `json:"bytes"`
	Manifest Manifest `json:"manifest"`
}

// SyncExport is a bundle this laptop made.
type SyncExport struct {
	SHA256 string     `json:"sha256"`
	MadeAt time.Time  `json:"made_at"`
	Path   string     `json:"path"`
	Rows   int        `json:"rows"`
	MaxSeq int64      `json:"max_seq"`
	Acked  *time.Time `json:"acked_at,omitempty"` // when HQ confirmed it has it
}

// SyncLaptop is what HQ has imported from one laptop.
type SyncLaptop struct {
	DeviceID   string    `json:"device_id"`
	Device     string    `json:"device"`
	Bundles    int       `json:"bundles"`
	LastMadeAt time.Time `json:"last_made_at"` // the newest bundle imported
	ImportedAt time.Time `json:"imported_at"`  // when that one was imported
	Rows       int       `json:"rows"`         // in that bundle
}

// SyncStatus says where this laptop's data stands: on a laptop, its last
// bundle; at HQ, also every laptop's newest bundle imported.
type SyncStatus struct {
	HQ         bool         `json:"hq"`
	LastExport *SyncExport  `json:"last_export,omitempty"`
	Unexported bool         `json:"unexported"` // this laptop wrote since its last bundle
	Laptops    []SyncLaptop `json:"laptops,omitempty"`
}

// BundleImport says what importing one bundle did.
type BundleImport struct {
	Decision string         `json:"decision"` // imported or already-imported
	SHA256   string         `json:"sha256"`   // of the file
	DeviceID string         `json:"device_id"`
	Device   string         `json:"device"`
	MadeAt   time.Time      `json:"made_at"`
	Rows     int            `json:"rows"`    // in the bundle
	Changed  int            `json:"changed"` // rows added or changed here
	Tables   map[string]int `json:"tables,omitempty"`
	// AppVersion is the medibooth that made the bundle.
	AppVersion string `json:"app_version,omitempty"`
}

// PurgeStatus says what purging personal data would do on this laptop:
// only what HQ confirmed it holds, and only once the retention days after
// that confirmation have passed.
type PurgeStatus struct {
	RetentionDays int `json:"retention_days"`
	// Ready is how many visitors' personal data may be purged now.
	Ready int `json:"ready"`
	// Waiting: HQ has them, but the retention days have not passed yet;
	// ReadyFrom is when the first of them may go.
	Waiting   int        `json:"waiting"`
	ReadyFrom *time.Time `json:"ready_from,omitempty"`
	// NotAtHQ: changed since the last bundle HQ confirmed.
	NotAtHQ int `json:"not_at_hq"`
	// Purged before.
	Purged int `json:"purged"`
}

// MaxRetentionDays bounds the retention setting.
const MaxRetentionDays = 365

// ReceiptCode is what HQ reads out for a bundle it imported (from a USB
// stick, say): the first twelve hex digits of the file's SHA-256, in three
// groups. Typed in on the laptop (data's ConfirmBundle) it confirms HQ has it.
func ReceiptCode(sha256 string) string {
	if len(sha256) < 12 {
		return sha256
	}
	return sha256[:4] + "-" + sha256[4:8] + "-" + sha256[8:12]
}
