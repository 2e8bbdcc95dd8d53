/** One schema change, written once per dialect so that both stores always have the same tables. */
export interface Migration {
  id: number;
  name: string;
  /** SQLite: times are epoch milliseconds (INTEGER), JSON is TEXT, tables are STRICT. */
  sqlite: string;
  /** PostgreSQL: times are timestamptz, JSON is jsonb. */
  postgres: string;
}

/** Every migration in order. Append only: an applied migration is never edited, a fix is a new migration. */
export const migrations: readonly Migration[] = [
  {
    id: 1,
    name: 'requests_and_audit',
    sqlite: `
      CREATE TABLE requests (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        state TEXT NOT NULL,
        version INTEGER NOT NULL,
        generation INTEGER NOT NULL,
        link_hash TEXT UNIQUE,
        created_by TEXT NOT NULL,
        assignee TEXT,
        queue_id TEXT,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        data TEXT NOT NULL
      ) STRICT;
      CREATE INDEX requests_created ON requests (created_at DESC);
      CREATE INDEX requests_created_by ON requests (created_by, created_at DESC);
      CREATE INDEX requests_assignee ON requests (assignee, created_at DESC);

      CREATE TABLE personal_data (
        request_id TEXT PRIMARY KEY REFERENCES requests (id),
        data TEXT,
        erased_at INTEGER
      ) STRICT;

      CREATE TABLE request_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        request_id TEXT NOT NULL REFERENCES requests (id),
        kind TEXT NOT NULL,
        action TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        actor_type TEXT NOT NULL,
        source TEXT NOT NULL,
        reason TEXT,
        at INTEGER NOT NULL,
        version INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX request_events_request ON request_events (request_id, id);
      CREATE TRIGGER request_events_no_update BEFORE UPDATE ON request_events
        BEGIN SELECT RAISE(ABORT, 'request_events is append-only'); END;
      CREATE TRIGGER request_events_no_delete BEFORE DELETE ON request_events
        BEGIN SELECT RAISE(ABORT, 'request_events is append-only'); END;
    `,
    postgres: `
      CREATE TABLE requests (
        id text PRIMARY KEY,
        kind text NOT NULL,
        state text NOT NULL,
        version integer NOT NULL,
        generation integer NOT NULL,
        link_hash text UNIQUE,
        created_by text NOT NULL,
        assignee text,
        queue_id text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        data jsonb NOT NULL
      );
      CREATE INDEX requests_created ON requests (created_at DESC);
      CREATE INDEX requests_created_by ON requests (created_by, created_at DESC);
      CREATE INDEX requests_assignee ON requests (assignee, created_at DESC);

      CREATE TABLE personal_data (
        request_id text PRIMARY KEY REFERENCES requests (id),
        data jsonb,
        erased_at timestamptz
      );

      CREATE TABLE request_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        request_id text NOT NULL REFERENCES requests (id),
        kind text NOT NULL,
        action text NOT NULL,
        from_state text,
        to_state text NOT NULL,
        actor_id text NOT NULL,
        actor_type text NOT NULL,
        source text NOT NULL,
        reason text,
        at timestamptz NOT NULL,
        version integer NOT NULL
      );
      CREATE INDEX request_events_request ON request_events (request_id, id);
      CREATE FUNCTION doorman_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END
      $$;
      CREATE TRIGGER request_events_append_only BEFORE UPDATE OR DELETE ON request_events
        FOR EACH ROW EXECUTE FUNCTION doorman_append_only();
      CREATE TRIGGER request_events_no_truncate BEFORE TRUNCATE ON request_events
        FOR EACH STATEMENT EXECUTE FUNCTION doorman_append_only();
    `,
  },
  {
    id: 2,
    name: 'deadlines_outbox_cards',
    sqlite: `
      CREATE TABLE deadlines (
        request_id TEXT NOT NULL REFERENCES requests (id),
        kind TEXT NOT NULL,
        due_at INTEGER NOT NULL,
        claimed_until INTEGER,
        PRIMARY KEY (request_id, kind)
      ) STRICT;
      CREATE INDEX deadlines_due ON deadlines (due_at);

      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        request_id TEXT NOT NULL REFERENCES requests (id),
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        claimed_until INTEGER,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        completed_at INTEGER
      ) STRICT;
      CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
      CREATE INDEX outbox_request ON outbox (request_id);

      CREATE TABLE card_activities (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        request_id TEXT NOT NULL REFERENCES requests (id),
        role TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        activity_id TEXT NOT NULL,
        service_url TEXT NOT NULL,
        thread_id TEXT,
        UNIQUE (request_id, role, conversation_id)
      ) STRICT;
    `,
    postgres: `
      CREATE TABLE deadlines (
        request_id text NOT NULL REFERENCES requests (id),
        kind text NOT NULL,
        due_at timestamptz NOT NULL,
        claimed_until timestamptz,
        PRIMARY KEY (request_id, kind)
      );
      CREATE INDEX deadlines_due ON deadlines (due_at);

      CREATE TABLE outbox (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        request_id text NOT NULL REFERENCES requests (id),
        type text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        claimed_until timestamptz,
        last_error text,
        created_at timestamptz NOT NULL,
        completed_at timestamptz
      );
      CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
      CREATE INDEX outbox_request ON outbox (request_id);

      CREATE TABLE card_activities (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        request_id text NOT NULL REFERENCES requests (id),
        role text NOT NULL,
        conversation_id text NOT NULL,
        activity_id text NOT NULL,
        service_url text NOT NULL,
        thread_id text,
        UNIQUE (request_id, role, conversation_id)
      );
    `,
  },
  {
    id: 3,
    name: 'queues_and_conversations',
    sqlite: `
      CREATE TABLE queues (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        team_id TEXT,
        channel_id TEXT NOT NULL,
        service_url TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        registered_by TEXT NOT NULL,
        registered_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE personal_conversations (
        aad_object_id TEXT PRIMARY KEY,
        conversation_id TEXT NOT NULL,
        service_url TEXT NOT NULL,
        tenant_id TEXT NOT NULL,
        bot_id TEXT NOT NULL,
        user_id TEXT NOT NULL,
        name TEXT NOT NULL
      ) STRICT;
    `,
    postgres: `
      CREATE TABLE queues (
        id text PRIMARY KEY,
        name text NOT NULL,
        team_id text,
        channel_id text NOT NULL,
        service_url text NOT NULL,
        tenant_id text NOT NULL,
        registered_by text NOT NULL,
        registered_at timestamptz NOT NULL
      );

      CREATE TABLE personal_conversations (
        aad_object_id text PRIMARY KEY,
        conversation_id text NOT NULL,
        service_url text NOT NULL,
        tenant_id text NOT NULL,
        bot_id text NOT NULL,
        user_id text NOT NULL,
        name text NOT NULL
      );
    `,
  },
  {
    id: 4,
    name: 'lockbox_settings_api_keys_grants',
    // The outbox rebuild keeps every row, its id and the AUTOINCREMENT high-water mark (handed-out ids are never
    // reused), then recreates the indexes. Nothing references outbox, so dropping it needs no foreign-key dance.
    sqlite: `
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE settings_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        actor_id TEXT NOT NULL,
        at INTEGER NOT NULL,
        change TEXT NOT NULL
      ) STRICT;
      CREATE TRIGGER settings_events_no_update BEFORE UPDATE ON settings_events
        BEGIN SELECT RAISE(ABORT, 'settings_events is append-only'); END;
      CREATE TRIGGER settings_events_no_delete BEFORE DELETE ON settings_events
        BEGIN SELECT RAISE(ABORT, 'settings_events is append-only'); END;

      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        on_behalf_of TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
      ) STRICT;

      CREATE TABLE access_grants (
        request_id TEXT PRIMARY KEY REFERENCES requests (id),
        principal_id TEXT NOT NULL,
        resource TEXT NOT NULL,
        granted_at INTEGER NOT NULL,
        revoked_at INTEGER
      ) STRICT;
      CREATE INDEX access_grants_granted ON access_grants (granted_at DESC);

      CREATE TABLE outbox_rebuilt (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        request_id TEXT REFERENCES requests (id),
        type TEXT NOT NULL,
        payload TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'done', 'failed')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        claimed_until INTEGER,
        last_error TEXT,
        created_at INTEGER NOT NULL,
        completed_at INTEGER
      ) STRICT;
      INSERT INTO outbox_rebuilt (id, request_id, type, payload, status, attempts, next_attempt_at, claimed_until,
          last_error, created_at, completed_at)
        SELECT id, request_id, type, payload, status, attempts, next_attempt_at, claimed_until,
          last_error, created_at, completed_at
        FROM outbox;
      DELETE FROM sqlite_sequence WHERE name = 'outbox_rebuilt';
      UPDATE sqlite_sequence SET name = 'outbox_rebuilt' WHERE name = 'outbox';
      DROP TABLE outbox;
      ALTER TABLE outbox_rebuilt RENAME TO outbox;
      CREATE INDEX outbox_due ON outbox (next_attempt_at, id) WHERE status = 'pending';
      CREATE INDEX outbox_request ON outbox (request_id);
    `,
    postgres: `
      CREATE TABLE settings (
        key text PRIMARY KEY,
        value jsonb NOT NULL
      );

      CREATE TABLE settings_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        actor_id text NOT NULL,
        at timestamptz NOT NULL,
        change text NOT NULL
      );
      CREATE TRIGGER settings_events_append_only BEFORE UPDATE OR DELETE ON settings_events
        FOR EACH ROW EXECUTE FUNCTION doorman_append_only();
      CREATE TRIGGER settings_events_no_truncate BEFORE TRUNCATE ON settings_events
        FOR EACH STATEMENT EXECUTE FUNCTION doorman_append_only();

      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        name text NOT NULL,
        on_behalf_of jsonb NOT NULL,
        hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL,
        revoked_at timestamptz
      );

      CREATE TABLE access_grants (
        request_id text PRIMARY KEY REFERENCES requests (id),
        principal_id text NOT NULL,
        resource text NOT NULL,
        granted_at timestamptz NOT NULL,
        revoked_at timestamptz
      );
      CREATE INDEX access_grants_granted ON access_grants (granted_at DESC);

      ALTER TABLE outbox ALTER COLUMN request_id DROP NOT NULL;
    `,
  },
  {
    id: 5,
    name: 'personal_conversation_time_zone',
    // Decisions tell the requester the access window in their own time zone, as Teams reported it last.
    sqlite: `ALTER TABLE personal_conversations ADD COLUMN time_zone TEXT;`,
    postgres: `ALTER TABLE personal_conversations ADD COLUMN time_zone text;`,
  },
  {
    id: 7,
    name: 'api_key_names_unique',
    // API keys used to act under their name, and names could repeat. Requests a key asked for now record
    // `key:<id>`; old rows are rewritten where the name points at exactly one key (and has no ':', which could also
    // be an Entra app's `app:<client id>`). Ambiguous rows keep the old name, which no caller matches any more, so
    // only the requester can end them. Then duplicate names get the key id appended, and names are unique.
    sqlite: `
      UPDATE requests
        SET data = json_set(data, '$.requestedVia',
          'key:' || (SELECT k.id FROM api_keys k WHERE k.name = json_extract(requests.data, '$.requestedVia')))
        WHERE kind = 'lockbox'
          AND json_extract(data, '$.requestedVia') IN (
            SELECT name FROM api_keys WHERE instr(name, ':') = 0 GROUP BY name HAVING count(*) = 1);
      UPDATE api_keys SET name = name || ' (' || id || ')'
        WHERE EXISTS (SELECT 1 FROM api_keys older WHERE lower(older.name) = lower(api_keys.name)
          AND (older.created_at < api_keys.created_at OR (older.created_at = api_keys.created_at AND older.id < api_keys.id)));
      CREATE UNIQUE INDEX api_keys_name ON api_keys (lower(name));
    `,
    postgres: `
      UPDATE requests r
        SET data = jsonb_set(r.data, '{requestedVia}', to_jsonb('key:' || k.id))
        FROM api_keys k
        WHERE r.kind = 'lockbox' AND r.data->>'requestedVia' = k.name AND position(':' in k.name) = 0
          AND (SELECT count(*) FROM api_keys same WHERE same.name = k.name) = 1;
      UPDATE api_keys k SET name = k.name || ' (' || k.id || ')'
        WHERE EXISTS (SELECT 1 FROM api_keys older WHERE lower(older.name) = lower(k.name)
          AND (older.created_at < k.created_at OR (older.created_at = k.created_at AND older.id < k.id)));
      CREATE UNIQUE INDEX api_keys_name ON api_keys (lower(name));
    `,
  },
  {
    id: 8,
    name: 'queue_purpose_and_default',
    // A channel serves one purpose. Before, the lockbox used the queue named by LOCKBOX_QUEUE (default "Approvers"),
    // so that queue becomes the approvals channel; every other queue served sessions. The newest one of a purpose
    // that has no choice otherwise becomes its default. Greetings: who was welcomed at install, so only once.
    sqlite: `
      ALTER TABLE queues ADD COLUMN purpose TEXT NOT NULL DEFAULT 'sessions'
        CHECK (purpose IN ('sessions', 'approvals', 'assistance'));
      ALTER TABLE queues ADD COLUMN is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1));
      UPDATE queues SET purpose = 'approvals' WHERE lower(name) = 'approvers';
      UPDATE queues SET is_default = 1
        WHERE id = (SELECT id FROM queues WHERE purpose = 'approvals' ORDER BY registered_at DESC, id LIMIT 1);
      CREATE UNIQUE INDEX queues_one_default ON queues (purpose) WHERE is_default = 1;

      CREATE TABLE greetings (
        scope TEXT PRIMARY KEY,
        greeted_at INTEGER NOT NULL
      ) STRICT;
    `,
    postgres: `
      ALTER TABLE queues ADD COLUMN purpose text NOT NULL DEFAULT 'sessions'
        CHECK (purpose IN ('sessions', 'approvals', 'assistance'));
      ALTER TABLE queues ADD COLUMN is_default boolean NOT NULL DEFAULT false;
      UPDATE queues SET purpose = 'approvals' WHERE lower(name) = 'approvers';
      UPDATE queues SET is_default = true
        WHERE id = (SELECT id FROM queues WHERE purpose = 'approvals' ORDER BY registered_at DESC, id LIMIT 1);
      CREATE UNIQUE INDEX queues_one_default ON queues (purpose) WHERE is_default;

      CREATE TABLE greetings (
        scope text PRIMARY KEY,
        greeted_at timestamptz NOT NULL
      );
    `,
  },
  {
    id: 10,
    name: 'replaced_links',
    // Only hashes, like requests.link_hash: an old link's page can say "replaced by a newer one" instead of "not found".
    sqlite: `
      CREATE TABLE replaced_links (
        link_hash TEXT PRIMARY KEY,
        request_id TEXT NOT NULL REFERENCES requests (id)
      ) STRICT;
    `,
    postgres: `
      CREATE TABLE replaced_links (
        link_hash text PRIMARY KEY,
        request_id text NOT NULL REFERENCES requests (id)
      );
    `,
  },
  {
    id: 12,
    name: 'admin_events',
    // Changes that belong to no request (a channel registered, a personal chat recorded), audited like request_events:
    // append-only, ids only. `detail` is JSON (a registration's purpose and channel name) or null.
    sqlite: `
      CREATE TABLE admin_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        action TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        actor_id TEXT NOT NULL,
        actor_type TEXT NOT NULL,
        source TEXT NOT NULL,
        at INTEGER NOT NULL,
        detail TEXT
      ) STRICT;
      CREATE TRIGGER admin_events_no_update BEFORE UPDATE ON admin_events
        BEGIN SELECT RAISE(ABORT, 'admin_events is append-only'); END;
      CREATE TRIGGER admin_events_no_delete BEFORE DELETE ON admin_events
        BEGIN SELECT RAISE(ABORT, 'admin_events is append-only'); END;
    `,
    postgres: `
      CREATE TABLE admin_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        action text NOT NULL,
        subject_id text NOT NULL,
        actor_id text NOT NULL,
        actor_type text NOT NULL,
        source text NOT NULL,
        at timestamptz NOT NULL,
        detail jsonb
      );
      CREATE TRIGGER admin_events_append_only BEFORE UPDATE OR DELETE ON admin_events
        FOR EACH ROW EXECUTE FUNCTION doorman_append_only();
      CREATE TRIGGER admin_events_no_truncate BEFORE TRUNCATE ON admin_events
        FOR EACH STATEMENT EXECUTE FUNCTION doorman_append_only();
    `,
  },
  {
    id: 13,
    name: 'chat_reach',
    // Opening a personal chat for someone who never opened Doorman: `opening` while the install and open steps are in
    // the outbox, `unreachable` with why (problem code and detail) when it cannot be done. Cleared when a chat is saved.
    sqlite: `
      CREATE TABLE chat_reach (
        aad_object_id TEXT PRIMARY KEY,
        status TEXT NOT NULL CHECK (status IN ('opening', 'unreachable')),
        problem_code TEXT,
        problem_detail TEXT,
        since INTEGER NOT NULL
      ) STRICT;
    `,
    postgres: `
      CREATE TABLE chat_reach (
        aad_object_id text PRIMARY KEY,
        status text NOT NULL CHECK (status IN ('opening', 'unreachable')),
        problem_code text,
        problem_detail text,
        since timestamptz NOT NULL
      );
    `,
  },
  {
    id: 18,
    name: 'indexes_for_age',
    // What keeps a deployment's age from showing: delivered outbox rows are found by when they were delivered (the
    // pruner deletes them), the sweeper's claim order has an index that matches it, and lists filtered by kind and
    // state (the approver's pending requests) and live pages' change feed (updated_at) read an index, not the table.
    sqlite: `
      CREATE INDEX outbox_done ON outbox (completed_at) WHERE status = 'done';
      CREATE INDEX outbox_failed ON outbox (type) WHERE status = 'failed';
      DROP INDEX deadlines_due;
      CREATE INDEX deadlines_due ON deadlines (due_at, request_id, kind);
      CREATE INDEX requests_kind_state ON requests (kind, state, created_at DESC);
      CREATE INDEX requests_updated ON requests (updated_at);
    `,
    postgres: `
      CREATE INDEX outbox_done ON outbox (completed_at) WHERE status = 'done';
      CREATE INDEX outbox_failed ON outbox (type) WHERE status = 'failed';
      DROP INDEX deadlines_due;
      CREATE INDEX deadlines_due ON deadlines (due_at, request_id, kind);
      CREATE INDEX requests_kind_state ON requests (kind, state, created_at DESC);
      CREATE INDEX requests_updated ON requests (updated_at);
    `,
  },
  {
    id: 19,
    name: 'access_memberships',
    // The grant ledger counts grants per person and scope and records whether Doorman added the membership (rows from
    // before were always added by it); local mode's carrier is a membership table like an Entra group's.
    sqlite: `
      ALTER TABLE access_grants ADD COLUMN scope TEXT NOT NULL DEFAULT 'default';
      ALTER TABLE access_grants ADD COLUMN membership TEXT NOT NULL DEFAULT 'added';
      CREATE INDEX access_grants_running ON access_grants (principal_id, scope) WHERE revoked_at IS NULL;
      CREATE TABLE local_memberships (
        scope TEXT NOT NULL,
        principal_id TEXT NOT NULL,
        added_at INTEGER NOT NULL,
        PRIMARY KEY (scope, principal_id)
      ) STRICT;
    `,
    postgres: `
      ALTER TABLE access_grants ADD COLUMN scope text NOT NULL DEFAULT 'default';
      ALTER TABLE access_grants ADD COLUMN membership text NOT NULL DEFAULT 'added';
      CREATE INDEX access_grants_running ON access_grants (principal_id, scope) WHERE revoked_at IS NULL;
      CREATE TABLE local_memberships (
        scope text NOT NULL,
        principal_id text NOT NULL,
        added_at timestamptz NOT NULL,
        PRIMARY KEY (scope, principal_id)
      );
    `,
  },
  {
    id: 21,
    name: 'shared_rate_counters_and_change_notices',
    // Several instances (issue 14): rate limits count in one table all instances share (a row per key and time
    // bucket, added to with an atomic upsert, deleted when its window has passed), and PostgreSQL tells every
    // listening instance of a committed request change (NOTIFY from a trigger: sent at commit, never for a rollback).
    sqlite: `
      CREATE TABLE rate_counters (
        key TEXT NOT NULL,
        bucket_start INTEGER NOT NULL,
        count INTEGER NOT NULL,
        keep_until INTEGER NOT NULL,
        PRIMARY KEY (key, bucket_start)
      ) STRICT;
      CREATE INDEX rate_counters_keep ON rate_counters (keep_until);
    `,
    postgres: `
      CREATE TABLE rate_counters (
        key text NOT NULL,
        bucket_start timestamptz NOT NULL,
        count integer NOT NULL,
        keep_until timestamptz NOT NULL,
        PRIMARY KEY (key, bucket_start)
      );
      CREATE INDEX rate_counters_keep ON rate_counters (keep_until);
      CREATE FUNCTION doorman_request_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('doorman_request_changes', NEW.id || ' ' || floor(extract(epoch FROM NEW.updated_at) * 1000)::bigint);
        RETURN NULL;
      END
      $$;
      CREATE TRIGGER requests_changed AFTER INSERT OR UPDATE ON requests
        FOR EACH ROW EXECUTE FUNCTION doorman_request_changed();
    `,
  },
  {
    id: 23,
    name: 'request_pages_and_search',
    // The Requests tab pages by (created_at, id) descending (keyset, not OFFSET), so each index a filter can start
    // from ends in both columns: one page of a 100,000-row store reads about one page of index. The search box
    // matches a lower-case text kept beside the personal data, so erasing a person's names erases it too; rows from
    // before match on their stored personal data until their next change.
    sqlite: `
      ALTER TABLE personal_data ADD COLUMN search_text TEXT;
      UPDATE personal_data SET search_text = lower(data) WHERE data IS NOT NULL;
      DROP INDEX IF EXISTS requests_created;
      DROP INDEX IF EXISTS requests_created_by;
      DROP INDEX IF EXISTS requests_assignee;
      DROP INDEX IF EXISTS requests_kind_state;
      CREATE INDEX requests_page ON requests (created_at DESC, id DESC);
      CREATE INDEX requests_kind_page ON requests (kind, created_at DESC, id DESC);
      CREATE INDEX requests_kind_state_page ON requests (kind, state, created_at DESC, id DESC);
      CREATE INDEX requests_created_by_page ON requests (created_by, created_at DESC, id DESC);
      CREATE INDEX requests_assignee_page ON requests (assignee, created_at DESC, id DESC);
      CREATE INDEX requests_queue_page ON requests (queue_id, created_at DESC, id DESC);
    `,
    postgres: `
      ALTER TABLE personal_data ADD COLUMN search_text text;
      UPDATE personal_data SET search_text = lower(data::text) WHERE data IS NOT NULL;
      DROP INDEX IF EXISTS requests_created;
      DROP INDEX IF EXISTS requests_created_by;
      DROP INDEX IF EXISTS requests_assignee;
      DROP INDEX IF EXISTS requests_kind_state;
      CREATE INDEX requests_page ON requests (created_at DESC, id DESC);
      CREATE INDEX requests_kind_page ON requests (kind, created_at DESC, id DESC);
      CREATE INDEX requests_kind_state_page ON requests (kind, state, created_at DESC, id DESC);
      CREATE INDEX requests_created_by_page ON requests (created_by, created_at DESC, id DESC);
      CREATE INDEX requests_assignee_page ON requests (assignee, created_at DESC, id DESC);
      CREATE INDEX requests_queue_page ON requests (queue_id, created_at DESC, id DESC);
    `,
  },
  {
    id: 24,
    name: 'languages',
    // The language of each person (as Teams last reported it, and the one they chose with `language <code>`), of each
    // queue channel (an admin's choice), and of each posted card, so a channel card is updated in the language it was
    // posted in even after the channel's language changes.
    sqlite: `
      CREATE TABLE person_languages (
        aad_object_id TEXT PRIMARY KEY,
        reported TEXT,
        chosen TEXT,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE queue_languages (
        queue_id TEXT PRIMARY KEY,
        language TEXT NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      ALTER TABLE card_activities ADD COLUMN language TEXT;
    `,
    postgres: `
      CREATE TABLE person_languages (
        aad_object_id text PRIMARY KEY,
        reported text,
        chosen text,
        updated_at timestamptz NOT NULL
      );
      CREATE TABLE queue_languages (
        queue_id text PRIMARY KEY,
        language text NOT NULL,
        updated_at timestamptz NOT NULL
      );
      ALTER TABLE card_activities ADD COLUMN language text;
    `,
  },
  {
    id: 25,
    name: 'audit_export_and_erasure',
    // The audit export pages through events by time (keyset on at, id); an erased request remembers the pseudonym its
    // people read as; an admin's erasure of a person waits for Confirm in its own row (compare-and-set on version);
    // retention finds requests that ended long ago by kind, state and last change. The audit trail stays append-only
    // but for one change: an erasure may set a reason (which can quote what a person wrote) to '(erased)'.
    sqlite: `
      DROP TRIGGER request_events_no_update;
      CREATE TRIGGER request_events_no_update BEFORE UPDATE ON request_events
        WHEN NOT (NEW.reason IS '(erased)' AND NEW.id IS OLD.id AND NEW.request_id IS OLD.request_id
          AND NEW.kind IS OLD.kind AND NEW.action IS OLD.action AND NEW.from_state IS OLD.from_state
          AND NEW.to_state IS OLD.to_state AND NEW.actor_id IS OLD.actor_id AND NEW.actor_type IS OLD.actor_type
          AND NEW.source IS OLD.source AND NEW.at IS OLD.at AND NEW.version IS OLD.version)
        BEGIN SELECT RAISE(ABORT, 'request_events is append-only'); END;
      CREATE INDEX request_events_at ON request_events (at, id);
      ALTER TABLE personal_data ADD COLUMN pseudonym TEXT;
      CREATE TABLE erasures (
        id TEXT PRIMARY KEY,
        subject TEXT,
        pseudonym TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'cancelled', 'done')),
        version INTEGER NOT NULL,
        requested_by TEXT NOT NULL,
        requested_at INTEGER NOT NULL,
        decided_by TEXT,
        decided_at INTEGER,
        erased_requests INTEGER
      ) STRICT;
      CREATE INDEX requests_kind_state_updated ON requests (kind, state, updated_at);
    `,
    postgres: `
      DROP TRIGGER request_events_append_only ON request_events;
      CREATE TRIGGER request_events_no_delete BEFORE DELETE ON request_events
        FOR EACH ROW EXECUTE FUNCTION doorman_append_only();
      CREATE TRIGGER request_events_append_only BEFORE UPDATE ON request_events
        FOR EACH ROW WHEN (NEW.reason IS DISTINCT FROM '(erased)'
          OR (NEW.id, NEW.request_id, NEW.kind, NEW.action, NEW.from_state, NEW.to_state, NEW.actor_id, NEW.actor_type,
            NEW.source, NEW.at, NEW.version)
          IS DISTINCT FROM (OLD.id, OLD.request_id, OLD.kind, OLD.action, OLD.from_state, OLD.to_state, OLD.actor_id,
            OLD.actor_type, OLD.source, OLD.at, OLD.version))
        EXECUTE FUNCTION doorman_append_only();
      CREATE INDEX request_events_at ON request_events (at, id);
      ALTER TABLE personal_data ADD COLUMN pseudonym text;
      CREATE TABLE erasures (
        id text PRIMARY KEY,
        subject text,
        pseudonym text NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'confirmed', 'cancelled', 'done')),
        version integer NOT NULL,
        requested_by text NOT NULL,
        requested_at timestamptz NOT NULL,
        decided_by text,
        decided_at timestamptz,
        erased_requests integer
      );
      CREATE INDEX requests_kind_state_updated ON requests (kind, state, updated_at);
    `,
  },
  {
    id: 31,
    name: 'change_notices_per_statement',
    // A change notice per statement, not per row: a set-wise update of 100,000 requests (a deadline sweep) sent
    // 100,000 notices, and every listening instance handled each. Now one statement sends one notice: the changed ids
    // when they fit PostgreSQL's 8,000-byte payload, else `* <oldest updated_at in ms>`, on which listeners read the
    // change cursor from there. The cursor pages by (updated_at, id), so rows of one update that share their
    // updated_at are all read, however many. Transition tables allow one event per trigger: one for INSERT, one for
    // UPDATE, the same function.
    sqlite: `
      DROP INDEX requests_updated;
      CREATE INDEX requests_updated ON requests (updated_at, id);
    `,
    postgres: `
      DROP INDEX requests_updated;
      CREATE INDEX requests_updated ON requests (updated_at, id);
      DROP TRIGGER requests_changed ON requests;
      DROP FUNCTION doorman_request_changed();
      CREATE FUNCTION doorman_requests_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        ids text;
        counted integer;
      BEGIN
        -- At most 201 ids are joined (201 ids of 36 characters or more do not fit), never the whole statement's.
        SELECT string_agg(id, ' '), count(*) INTO ids, counted FROM (SELECT id FROM changed_requests LIMIT 201) AS first;
        IF counted = 0 THEN
          RETURN NULL;
        ELSIF counted <= 200 AND octet_length(ids) <= 7990 THEN
          PERFORM pg_notify('doorman_request_changes', ids);
        ELSE
          PERFORM pg_notify('doorman_request_changes',
            '* ' || (SELECT floor(extract(epoch FROM min(updated_at)) * 1000)::bigint FROM changed_requests));
        END IF;
        RETURN NULL;
      END
      $$;
      CREATE TRIGGER requests_changed_on_insert AFTER INSERT ON requests
        REFERENCING NEW TABLE AS changed_requests FOR EACH STATEMENT EXECUTE FUNCTION doorman_requests_changed();
      CREATE TRIGGER requests_changed_on_update AFTER UPDATE ON requests
        REFERENCING NEW TABLE AS changed_requests FOR EACH STATEMENT EXECUTE FUNCTION doorman_requests_changed();
    `,
  },
];
