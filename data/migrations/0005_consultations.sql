-- Schema 5: the doctors' desk (hospital keys, complaint lists, the queue,
-- sealed consultation notes), the audit log and the B2B meeting log.

-- A hospital's key for sealed notes: an X25519 (age) recipient anyone may
-- seal to, and the matching identity wrapped with the hospital's passphrase
-- (argon2id, then ChaCha20-Poly1305). A PIN never unwraps it.
CREATE TABLE hospital_key (
	org_id      TEXT PRIMARY KEY REFERENCES org (id),
	recipient   TEXT NOT NULL,
	wrapped     BLOB NOT NULL,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	device_id   TEXT NOT NULL REFERENCES device (id),
	seq         INTEGER NOT NULL
);

-- Wrong passphrases typed on this laptop, per hospital: after 5 the
-- hospital's notes stay closed for a while. Local, like signin_state.
CREATE TABLE unlock_state (
	org_id       TEXT PRIMARY KEY REFERENCES org (id),
	failed       INTEGER NOT NULL DEFAULT 0,
	locked_until TEXT NOT NULL DEFAULT ''
);

-- Complaint categories per department, configurable per event.
CREATE TABLE complaint (
	id            TEXT PRIMARY KEY,
	department_id TEXT NOT NULL REFERENCES department (id),
	name          TEXT NOT NULL,
	position      INTEGER NOT NULL DEFAULT 0,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	device_id     TEXT NOT NULL REFERENCES device (id),
	seq           INTEGER NOT NULL,
	UNIQUE (department_id, name)
);

-- The waiting queue of each hospital on this laptop.
CREATE TABLE queue_entry (
	id            TEXT PRIMARY KEY,
	visitor_id    TEXT NOT NULL REFERENCES visitor (id),
	org_id        TEXT NOT NULL REFERENCES org (id),
	department    TEXT NOT NULL DEFAULT '',
	state         TEXT NOT NULL CHECK (state IN ('waiting', 'called', 'consulting', 'done', 'no-show', 'cancelled')),
	since         TEXT NOT NULL, -- joined the queue
	called_at     TEXT NOT NULL DEFAULT '',
	started_at    TEXT NOT NULL DEFAULT '',
	ended_at      TEXT NOT NULL DEFAULT '',
	staff_id      TEXT REFERENCES staff (id),
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	device_id     TEXT NOT NULL REFERENCES device (id),
	seq           INTEGER NOT NULL
);
CREATE INDEX queue_open ON queue_entry (org_id, state, since);
CREATE INDEX queue_visitor ON queue_entry (visitor_id);

-- One consultation. Everything a count needs is in clear; the complaint and
-- the summary are in sealed, an age file to the hospital's recipient.
CREATE TABLE consultation (
	id              TEXT PRIMARY KEY,
	visitor_id      TEXT NOT NULL REFERENCES visitor (id),
	org_id          TEXT NOT NULL REFERENCES org (id),
	department      TEXT NOT NULL,
	doctor          TEXT NOT NULL DEFAULT '',
	at              TEXT NOT NULL,
	day             TEXT NOT NULL, -- event-local date
	late            INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
	recommendation  TEXT NOT NULL DEFAULT '' CHECK (recommendation IN ('', 'tele-consultation', 'send-records', 'quote', 'treatment-visit', 'none')),
	follow_up       TEXT NOT NULL DEFAULT '' CHECK (follow_up IN ('', 'yes', 'maybe', 'no')),
	follow_up_when  TEXT NOT NULL DEFAULT '',
	follow_up_by    TEXT NOT NULL DEFAULT '',
	interpreter     TEXT NOT NULL DEFAULT '',
	sealed          BLOB,
	staff_id        TEXT REFERENCES staff (id),
	created_at      TEXT NOT NULL,
	updated_at      TEXT NOT NULL,
	device_id       TEXT NOT NULL REFERENCES device (id),
	seq             INTEGER NOT NULL
);
CREATE INDEX consultation_visitor ON consultation (visitor_id);
CREATE INDEX consultation_org ON consultation (org_id, day);

-- Append-only, hash-chained: each row's hash covers the previous row's hash
-- and its own fields, so a changed, removed or inserted row breaks the chain.
CREATE TABLE audit (
	n         INTEGER PRIMARY KEY,
	at        TEXT NOT NULL,
	device_id TEXT NOT NULL,
	staff_id  TEXT NOT NULL DEFAULT '',
	action    TEXT NOT NULL,
	subject   TEXT NOT NULL DEFAULT '',
	detail    TEXT NOT NULL DEFAULT '',
	prev      TEXT NOT NULL,
	hash      TEXT NOT NULL
);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- Agencies met at the B2B sessions: the directory fills as staff type.
CREATE TABLE agency_info (
	org_id     TEXT PRIMARY KEY REFERENCES org (id),
	city       TEXT NOT NULL DEFAULT '',
	contact    TEXT NOT NULL DEFAULT '',
	updated_at TEXT NOT NULL,
	device_id  TEXT NOT NULL REFERENCES device (id),
	seq        INTEGER NOT NULL
);

-- One B2B meeting between one of our firms and an agency.
CREATE TABLE meeting (
	id          TEXT PRIMARY KEY,
	firm_id     TEXT NOT NULL REFERENCES org (id),
	agency_id   TEXT NOT NULL REFERENCES org (id),
	attendees   TEXT NOT NULL DEFAULT '',
	at          TEXT NOT NULL,
	day         TEXT NOT NULL,
	late        INTEGER NOT NULL DEFAULT 0 CHECK (late IN (0, 1)),
	outcome     TEXT NOT NULL DEFAULT '',
	mou         INTEGER NOT NULL DEFAULT 0 CHECK (mou IN (0, 1)),
	next_action TEXT NOT NULL DEFAULT '',
	staff_id    TEXT REFERENCES staff (id),
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	device_id   TEXT NOT NULL REFERENCES device (id),
	seq         INTEGER NOT NULL
);
CREATE INDEX meeting_firm ON meeting (firm_id);
CREATE INDEX meeting_agency ON meeting (agency_id);
