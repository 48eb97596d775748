-- Exactly one issue per action item under slow, lagging and half-failing trackers (docs/ARCHITECTURE.md).
-- revision: bumped by every re-post that changes the item; synced_revision: the revision its issue was last written
-- with, so an edit that arrives while a create or an update is in flight is sent again, never lost.
ALTER TABLE action_items ADD COLUMN revision BIGINT NOT NULL DEFAULT 1;
ALTER TABLE action_items ADD COLUMN synced_revision BIGINT NOT NULL DEFAULT 0;
UPDATE action_items SET synced_revision = 1 WHERE tracker_key IS NOT NULL AND needs_update = 0;

-- Since when a write of ours may still land in the tracker: set when a create is sent, and when any write (create,
-- update, status) ends with its outcome unknown (replaces uncertain). Nothing more is searched for or written for the
-- item until ActionItems:SearchSettle has passed since then (the search may lag; a write given up on may land late).
ALTER TABLE action_items ADD COLUMN in_doubt_since BIGINT NULL;
UPDATE action_items SET in_doubt_since = updated_at WHERE uncertain = 1 AND tracker_key IS NULL;
ALTER TABLE action_items DROP COLUMN uncertain;
ALTER TABLE action_items DROP COLUMN needs_update;

-- 1 while the item's own status (in-progress, done) is still to be applied to its new issue: a step of its own.
ALTER TABLE action_items ADD COLUMN status_pending BIGINT NOT NULL DEFAULT 0;

-- An issue the postmortem names for the item (trackerKey, a Ticket column): adopted instead of creating one.
ALTER TABLE action_items ADD COLUMN adopt_key TEXT NULL;

-- GitHub issue keys name their repository (owner/repo#12): a bare number is ambiguous across repositories.
UPDATE action_items SET tracker_key = tracker_target || '#' || tracker_key
WHERE tracker = 'GitHub' AND tracker_key IS NOT NULL AND tracker_target IS NOT NULL AND tracker_key NOT LIKE '%#%';
