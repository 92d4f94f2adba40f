-- medibooth schema 1. Every shared record has an id made on the laptop
-- (UUIDv7), the device that made it, UTC times (booth.TimeFormat) and the
-- device's write sequence, so that HQ can merge many laptops without a
-- schema change. Tables that are only about this laptop are marked local.

-- local: settings of this laptop only; never merged.
CREATE TABLE local (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE device (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	created_at TEXT NOT NULL
);

CREATE TABLE event (
	id         TEXT PRIMARY KEY,
	name       TEXT NOT NULL,
	city       TEXT NOT NULL,
	country    TEXT NOT NULL CHECK (length(country) = 2),
	start_date TEXT NOT NULL,
	end_date   TEXT NOT NULL CHECK (end_date >= start_date),
	tz         TEXT NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	device_id  TEXT NOT NULL REFERENCES device (id),
	seq        INTEGER NOT NULL
);

CREATE TABLE org (
	id         TEXT PRIMARY KEY,
	kind       TEXT NOT NULL CHECK (kind IN ('hospital', 'agency', 'firm')),
	name       TEXT NOT NULL,
	name_fold  TEXT NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	device_id  TEXT NOT NULL REFERENCES device (id),
	seq        INTEGER NOT NULL,
	UNIQUE (kind, name_fold)
);

CREATE TABLE department (
	id         TEXT PRIMARY KEY,
	org_id     TEXT NOT NULL REFERENCES org (id),
	name       TEXT NOT NULL,
	name_fold  TEXT NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	device_id  TEXT NOT NULL REFERENCES device (id),
	seq        INTEGER NOT NULL,
	UNIQUE (org_id, name_fold)
);

CREATE TABLE staff (
	id         TEXT PRIMARY KEY,
	org_id     TEXT REFERENCES org (id),
	name       TEXT NOT NULL,
	role       TEXT NOT NULL CHECK (role IN ('desk', 'doctor', 'coordinator', 'admin')),
	pin_hash   TEXT,
	disabled   INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	device_id  TEXT NOT NULL REFERENCES device (id),
	seq        INTEGER NOT NULL
);

CREATE TABLE visitor (
	id         TEXT PRIMARY KEY,
	code       TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	name_latin TEXT NOT NULL,
	phone      TEXT NOT NULL DEFAULT '',
	email      TEXT NOT NULL DEFAULT '',
	messenger  TEXT NOT NULL DEFAULT '',
	type       TEXT NOT NULL CHECK (type IN ('patient', 'companion', 'agency', 'media', 'other')),
	lang       TEXT NOT NULL CHECK (lang IN ('ru', 'kk', 'en', 'ko')),
	country    TEXT NOT NULL DEFAULT '',
	city       TEXT NOT NULL DEFAULT '',
	birth_year INTEGER CHECK (birth_year IS NULL OR birth_year BETWEEN 1900 AND 2100),
	source     TEXT NOT NULL CHECK (source IN ('walk-in', 'pre-registered', 'kiosk', 'import')),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	device_id  TEXT NOT NULL REFERENCES device (id),
	seq        INTEGER NOT NULL,
	-- An erased visitor keeps only this row, emptied: a tombstone that merges
	-- respect, so an older copy never brings the person back.
	erased_at  TEXT
);
CREATE INDEX visitor_phone ON visitor (phone) WHERE phone <> '';
-- The same person registered twice: same transliterated name and birth year.
CREATE INDEX visitor_name_year ON visitor (lower(name_latin), birth_year);

-- Search terms (booth.SearchTerms), folded in Go: SQLite folds ASCII only.
CREATE TABLE visitor_term (
	term       TEXT NOT NULL,
	visitor_id TEXT NOT NULL REFERENCES visitor (id) ON DELETE CASCADE,
	PRIMARY KEY (term, visitor_id)
) WITHOUT ROWID;
CREATE INDEX visitor_term_visitor ON visitor_term (visitor_id);

CREATE TABLE consent (
	id           TEXT PRIMARY KEY,
	visitor_id   TEXT NOT NULL REFERENCES visitor (id),
	purpose      TEXT NOT NULL CHECK (purpose IN ('contact', 'health', 'provision', 'transfer', 'marketing')),
	org_id       TEXT REFERENCES org (id),
	granted      INTEGER NOT NULL CHECK (granted IN (0, 1)),
	text_version TEXT NOT NULL,
	text_hash    TEXT NOT NULL,
	lang         TEXT NOT NULL,
	at           TEXT NOT NULL,
	staff_id     TEXT REFERENCES staff (id),
	created_at   TEXT NOT NULL,
	device_id    TEXT NOT NULL REFERENCES device (id),
	seq          INTEGER NOT NULL,
	CHECK ((purpose = 'provision') = (org_id IS NOT NULL))
);
CREATE INDEX consent_visitor ON consent (visitor_id, purpose);

-- Every scan, whatever came of it. visitor_id has no foreign key: a badge
-- from another laptop of the event may name a visitor this laptop never saw.
CREATE TABLE scan (
	id         TEXT PRIMARY KEY,
	at         TEXT NOT NULL,
	day        TEXT NOT NULL,
	raw        BLOB NOT NULL,
	code       TEXT NOT NULL DEFAULT '',
	visitor_id TEXT,
	decision   TEXT NOT NULL CHECK (decision IN ('admitted', 'duplicate', 'rejected')),
	reason     TEXT NOT NULL DEFAULT '',
	late       INTEGER NOT NULL DEFAULT 0,
	created_at TEXT NOT NULL,
	device_id  TEXT NOT NULL REFERENCES device (id),
	seq        INTEGER NOT NULL
);
CREATE INDEX scan_device_seq ON scan (device_id, seq);
CREATE INDEX scan_visitor_day ON scan (visitor_id, day, at) WHERE decision = 'admitted';
CREATE INDEX scan_day ON scan (day, decision);
