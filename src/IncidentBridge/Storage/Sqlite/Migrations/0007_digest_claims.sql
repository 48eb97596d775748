-- The overdue digest records each send as it happens, and claims it first (OverdueDigestJob, README "overdue-digest").
-- claim_token/claimed_until: the run that may mail this owner for this week right now. Another run (an overlapping one,
-- another replica's, a catch-up) takes the row only while sent_at is NULL (or the run is forced) and the claim has run
-- out, so a claim left by a crashed run holds its owner back only until claimed_until.
ALTER TABLE digest_sends ADD COLUMN claim_token TEXT NULL;
ALTER TABLE digest_sends ADD COLUMN claimed_until INTEGER NULL;
-- How many digests reached the SMTP server this week: 1, more only after ?force=true.
ALTER TABLE digest_sends ADD COLUMN sends INTEGER NOT NULL DEFAULT 0;
UPDATE digest_sends SET sends = 1 WHERE sent_at IS NOT NULL;

-- A week whose run got as far as deciding whom to mail (one digest_sends row per owner, sent_at NULL until sent):
-- Jobs:OverdueDigest:CatchUpCron completes that plan for the owners not yet sent.
CREATE TABLE digest_weeks (
    period     TEXT    NOT NULL PRIMARY KEY,
    planned_at INTEGER NOT NULL
);
