-- Schema 7: one person registered on two laptops, and personal data purged
-- from a laptop once HQ has it.

-- local (HQ): visitors found to be one person. Both records and their
-- histories stay; person_id is the record the person is counted under
-- (never itself linked). Reports count people, not records.
CREATE TABLE same_person (
	visitor_id TEXT PRIMARY KEY REFERENCES visitor (id),
	person_id  TEXT NOT NULL REFERENCES visitor (id),
	reason     TEXT NOT NULL DEFAULT '',
	merged_at  TEXT NOT NULL,
	staff_id   TEXT NOT NULL DEFAULT '',
	CHECK (visitor_id <> person_id)
) WITHOUT ROWID;
CREATE INDEX same_person_person ON same_person (person_id);

-- A laptop's visitor whose personal data was purged after HQ acknowledged
-- it: the row keeps what the booth's counts need (type, language, country,
-- source, times). Bundles leave purged visitors out.
ALTER TABLE visitor ADD COLUMN purged_at TEXT;
