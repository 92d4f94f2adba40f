-- medibooth schema 3: the specialties a visitor is interested in, asked at
-- registration. Health-adjacent: erased with the visitor.
CREATE TABLE visitor_interest (
	visitor_id TEXT NOT NULL REFERENCES visitor (id),
	specialty  TEXT NOT NULL,
	created_at TEXT NOT NULL,
	device_id  TEXT NOT NULL REFERENCES device (id),
	seq        INTEGER NOT NULL,
	PRIMARY KEY (visitor_id, specialty)
) WITHOUT ROWID;
