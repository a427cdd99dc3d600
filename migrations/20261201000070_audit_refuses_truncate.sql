-- The audit log refused UPDATE and DELETE but not TRUNCATE, which skips row and statement
-- triggers on those events: one statement could wipe it. Refuse that too.
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_is_append_only();
