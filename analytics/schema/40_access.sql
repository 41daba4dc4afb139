-- Who did what: sign-ins, failed sign-ins, imports, exports, console queries, role changes.
-- Never holds a password, in clear or hashed.
CREATE SEQUENCE IF NOT EXISTS audit_event_seq;

CREATE TABLE IF NOT EXISTS audit_log (
    event_id BIGINT    PRIMARY KEY DEFAULT nextval('audit_event_seq'),
    occurred_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
    username VARCHAR   NOT NULL,
    role     VARCHAR,
    action   VARCHAR   NOT NULL CHECK (action IN ('sign_in', 'sign_in_failed', 'sign_out', 'import', 'undo_import',
                                                  'export', 'sql_query', 'role_change', 'boundary_upload',
                                                  'target_change', 'story_edit')),
    detail   VARCHAR
);
