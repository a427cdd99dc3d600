-- Livestreams can be cancelled by their producer (issue 13): the row stays, for the audit trail
-- and for the producer's own list, but public lists leave it out. Edits stamp updated_at.

alter table livestreams
    add column cancelled_at timestamptz,
    add column updated_at   timestamptz;
