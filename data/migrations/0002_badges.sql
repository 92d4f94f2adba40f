-- medibooth schema 2: signed badges. The event's keys, every laptop's
-- certified badge key, revoked keys, and the print log. A visitor may now be
-- known only from a badge another laptop issued (source 'badge'); such a row
-- has no visitor number, so the number becomes optional.

-- Shared within the event: the keys every laptop needs to verify and read
-- badges. root_private is present only where the event was created (HQ); a
-- laptop that joins never stores it.
CREATE TABLE event_key (
	event_id     TEXT PRIMARY KEY REFERENCES event (id),
	root_public  BLOB NOT NULL CHECK (length(root_public) = 32),
	root_private BLOB CHECK (root_private IS NULL OR length(root_private) = 64),
	seal         BLOB NOT NULL CHECK (length(seal) = 32)
);

-- Badge keys of laptops, each certified by the event's root key. private is
-- set only for this laptop's own key.
CREATE TABLE device_key (
	key_id     TEXT PRIMARY KEY,
	device_id  TEXT NOT NULL REFERENCES device (id),
	public     BLOB NOT NULL CHECK (length(public) = 32),
	cert       BLOB NOT NULL CHECK (length(cert) = 64),
	private    BLOB CHECK (private IS NULL OR length(private) = 64),
	created_at TEXT NOT NULL
);

-- Keys whose badges are refused: a lost or stolen laptop's.
CREATE TABLE revoked_key (
	key_id     TEXT PRIMARY KEY,
	reason     TEXT NOT NULL DEFAULT '',
	revoked_at TEXT NOT NULL,
	created_at TEXT NOT NULL,
	device_id  TEXT NOT NULL REFERENCES device (id),
	seq        INTEGER NOT NULL
);

-- Every badge printed or saved, so a reprint is a visible, deliberate act.
CREATE TABLE badge_print (
	id         TEXT PRIMARY KEY,
	visitor_id TEXT NOT NULL REFERENCES visitor (id),
	format     TEXT NOT NULL CHECK (format IN ('label', 'sheet', 'png', 'pdf')),
	target     TEXT NOT NULL DEFAULT '', -- printer name or file written
	reprint    INTEGER NOT NULL DEFAULT 0 CHECK (reprint IN (0, 1)),
	at         TEXT NOT NULL,
	staff_id   TEXT REFERENCES staff (id),
	created_at TEXT NOT NULL,
	device_id  TEXT NOT NULL REFERENCES device (id),
	seq        INTEGER NOT NULL
);
CREATE INDEX badge_print_visitor ON badge_print (visitor_id, at);

-- The visitor table again, with an optional number and the 'badge' source.
CREATE TABLE visitor_new (
	id         TEXT PRIMARY KEY,
	code       TEXT UNIQUE,
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
	source     TEXT NOT NULL CHECK (source IN ('walk-in', 'pre-registered', 'kiosk', 'import', 'badge')),
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	device_id  TEXT NOT NULL REFERENCES device (id),
	seq        INTEGER NOT NULL,
	-- An erased visitor keeps only this row, emptied: a tombstone that merges
	-- respect, so an older copy never brings the person back.
	erased_at  TEXT,
	-- For source 'badge': the badge key that vouched for the visitor. Such a
	-- row loses to any registration of the same id when laptops are merged.
	badge_key  TEXT
);
INSERT INTO visitor_new (id, code, name, name_latin, phone, email, messenger, type, lang, country, city, birth_year,
	source, created_at, updated_at, device_id, seq, erased_at)
SELECT id, code, name, name_latin, phone, email, messenger, type, lang, country, city, birth_year,
	source, created_at, updated_at, device_id, seq, erased_at FROM visitor;
DROP TABLE visitor;
ALTER TABLE visitor_new RENAME TO visitor;
CREATE INDEX visitor_phone ON visitor (phone) WHERE phone <> '';
CREATE INDEX visitor_name_year ON visitor (lower(name_latin), birth_year);
