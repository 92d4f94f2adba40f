-- Schema 8: indexes for the report at HQ's size (hundreds of thousands of
-- scans and consents). Derived from the tables, so merges ignore them.

-- People admitted each day: within a day, visitors in order, so that
-- counting distinct visitors needs no sort. The desk's day counters use it
-- too.
CREATE INDEX scan_admitted_day ON scan (day, visitor_id) WHERE decision = 'admitted';

-- Consent rates: each visitor's decisions on a purpose, latest last, with
-- all the count reads, so that finding the latest decision is one ordered
-- pass over the index.
CREATE INDEX consent_latest ON consent (purpose, visitor_id, org_id, at, id, granted);
