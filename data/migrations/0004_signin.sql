-- Wrong-PIN counts and lockouts. They belong to this laptop only: a lockout
-- guards this screen, so the table is never exported or merged.
CREATE TABLE signin_state (
	staff_id     TEXT PRIMARY KEY REFERENCES staff (id),
	failed       INTEGER NOT NULL DEFAULT 0,
	locked_until TEXT NOT NULL DEFAULT ''
);

-- The desk lists the latest registrations.
CREATE INDEX visitor_created ON visitor (created_at);
