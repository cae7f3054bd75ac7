-- Shared engines: review chains, tasks, durable jobs, notifications,
-- working-day overrides. Site settings live in the settings table of 0001.

CREATE TABLE approval_chains (
    id {{pk}},
    entity TEXT NOT NULL,
    entity_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    link TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    current_step INTEGER NOT NULL DEFAULT 1,
    round_no INTEGER NOT NULL DEFAULT 1,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    step_since BIGINT NOT NULL,
    closed_at BIGINT
);
CREATE INDEX approval_chains_entity ON approval_chains(entity, entity_id);
CREATE INDEX approval_chains_status ON approval_chains(status, step_since);
-- At most one open (pending or returned) chain per record.
CREATE UNIQUE INDEX approval_chains_open ON approval_chains(entity, entity_id) WHERE status IN ('pending', 'returned');

CREATE TABLE approval_steps (
    id {{pk}},
    chain_id BIGINT NOT NULL REFERENCES approval_chains(id) ON DELETE CASCADE,
    round_no INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT '',
    user_id BIGINT REFERENCES users(id),
    decision TEXT NOT NULL DEFAULT '',
    decided_by BIGINT REFERENCES users(id),
    comment TEXT NOT NULL DEFAULT '',
    decided_at BIGINT,
    UNIQUE (chain_id, round_no, seq)
);
CREATE INDEX approval_steps_user ON approval_steps(user_id);
CREATE INDEX approval_steps_role ON approval_steps(role);

CREATE TABLE tasks (
    id {{pk}},
    kind TEXT NOT NULL DEFAULT '',
    entity TEXT NOT NULL DEFAULT '',
    entity_id BIGINT NOT NULL DEFAULT 0,
    parent_id BIGINT REFERENCES tasks(id),
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    owner_id BIGINT REFERENCES users(id),
    assistant_id BIGINT REFERENCES users(id),
    department_id BIGINT REFERENCES departments(id),
    role TEXT NOT NULL DEFAULT '',
    due_at BIGINT,
    progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    status TEXT NOT NULL,
    auto_accept BOOLEAN NOT NULL DEFAULT FALSE,
    result TEXT NOT NULL DEFAULT '',
    feedback TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    submitted_at BIGINT,
    closed_at BIGINT
);
CREATE INDEX tasks_entity ON tasks(entity, entity_id);
CREATE INDEX tasks_parent ON tasks(parent_id);
CREATE INDEX tasks_owner ON tasks(owner_id, status);
CREATE INDEX tasks_assistant ON tasks(assistant_id, status);
CREATE INDEX tasks_department ON tasks(department_id, status);
CREATE INDEX tasks_role ON tasks(role, status);
CREATE INDEX tasks_due ON tasks(status, due_at);

CREATE TABLE jobs (
    id {{pk}},
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    payload TEXT NOT NULL DEFAULT '',
    due_at BIGINT NOT NULL,
    done_at BIGINT,
    failed_at BIGINT,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    locked_until BIGINT,
    locked_by TEXT NOT NULL DEFAULT '',
    UNIQUE (kind, key)
);
CREATE INDEX jobs_due ON jobs(due_at) WHERE done_at IS NULL AND failed_at IS NULL;
CREATE INDEX jobs_failed ON jobs(failed_at) WHERE failed_at IS NOT NULL;

CREATE TABLE notifications (
    id {{pk}},
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    args TEXT NOT NULL DEFAULT '{}',
    link TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id, id) WHERE read_at IS NULL;

CREATE TABLE notify_prefs (
    user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    email BOOLEAN NOT NULL DEFAULT FALSE,
    webhook BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at BIGINT NOT NULL
);

CREATE TABLE webhooks (
    id {{pk}},
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    url TEXT NOT NULL,
    secret TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE deliveries (
    id {{pk}},
    channel TEXT NOT NULL,
    target TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
    webhook_id BIGINT REFERENCES webhooks(id) ON DELETE SET NULL,
    payload TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    next_at BIGINT NOT NULL,
    locked_until BIGINT,
    sent_at BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries(status, next_at);
CREATE INDEX deliveries_created ON deliveries(created_at);

CREATE TABLE workday_overrides (
    id {{pk}},
    date TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
