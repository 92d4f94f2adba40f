-- Schema 6: HQ's key for bundles, and the bookkeeping of exports and
-- imports.

-- The recipient (age X25519) bundles of this event are encrypted to; the
-- event package carries it to every laptop.
CREATE TABLE hq_recipient (
	event_id   TEXT PRIMARY KEY REFERENCES event (id),
	recipient  TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	device_id  TEXT NOT NULL REFERENCES device (id),
	seq        INTEGER NOT NULL
);

-- local (HQ only): the identity that opens bundles. Never exported,
-- packaged or merged.
CREATE TABLE hq_identity (
	recipient  TEXT PRIMARY KEY,
	identity   TEXT NOT NULL,
	created_at TEXT NOT NULL
);

-- local (HQ): every bundle imported, by the SHA-256 of its file, so that
-- importing it again changes nothing and the Sync screen lists laptops.
CREATE TABLE bundle_import (
	hash        TEXT PRIMARY KEY,
	device_id   TEXT NOT NULL,
	device_name TEXT NOT NULL DEFAULT '',
	made_at     TEXT NOT NULL, -- when the laptop made the bundle
	imported_at TEXT NOT NULL,
	rows        INTEGER NOT NULL DEFAULT 0,
	changed     INTEGER NOT NULL DEFAULT 0
);

-- local (laptop): every bundle this laptop made, and whether HQ has it.
CREATE TABLE bundle_export (
	hash     TEXT PRIMARY KEY,
	made_at  TEXT NOT NULL,
	path     TEXT NOT NULL DEFAULT '',
	rows     INTEGER NOT NULL DEFAULT 0,
	max_seq  INTEGER NOT NULL DEFAULT 0,
	acked_at TEXT NOT NULL DEFAULT ''
);
