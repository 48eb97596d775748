-- Nothing falls through (docs/ARCHITECTURE.md): where an item's due date came from (the postmortem, or the policy of
-- its priority), and when it was escalated to its owner's lead (one comment on its issue, a section in the lead's digest).
ALTER TABLE action_items ADD COLUMN due_date_source TEXT NOT NULL DEFAULT 'postmortem';
ALTER TABLE action_items ADD COLUMN escalated_at BIGINT NULL;
ALTER TABLE action_items ADD COLUMN escalation_error TEXT NULL;
