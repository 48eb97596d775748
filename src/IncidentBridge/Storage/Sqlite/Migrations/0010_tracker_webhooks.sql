-- Two-way sync (docs/ARCHITECTURE.md, "Tracker webhooks"): Jira and GitHub tell us about their issues.
-- A GitHub delivery's kind is in a header (X-GitHub-Event), not in its body: kept beside the body.
ALTER TABLE deliveries ADD COLUMN event_type TEXT NULL;
-- What the postmortem last said of owner and due date. owner and due_date are what holds now: the tracker may have
-- reassigned the issue or moved its due date since, and a re-post that does not change the postmortem's own values
-- must not undo that.
ALTER TABLE action_items ADD COLUMN posted_owner TEXT NULL;
ALTER TABLE action_items ADD COLUMN posted_due_date TEXT NULL;
UPDATE action_items SET posted_owner = owner, posted_due_date = due_date;
-- The tracker's own time of the newest state taken from it (webhook or poll): an older reading arriving later is stale.
ALTER TABLE action_items ADD COLUMN tracker_updated_at INTEGER NULL;
-- Jira's numeric issue id and when a webhook last told us about the issue: the next poll asks Jira Cloud to
-- reconcile these, so a search that lags does not contradict the webhook.
ALTER TABLE action_items ADD COLUMN tracker_issue_id TEXT NULL;
ALTER TABLE action_items ADD COLUMN tracker_touched_at INTEGER NULL;
