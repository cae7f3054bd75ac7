-- Client meetings (客户接待会议): templates, convening, agenda (materials are
-- shared attachments of entity 'meeting'), attendees and leave, sign-in, minutes with versions, resolutions and their action items,
-- negotiations, revisits and the review. client_org_id and booking_id are
-- plain ids of records owned by other areas (no foreign key).

CREATE TABLE meeting_templates (
    id {{pk}},
    type TEXT NOT NULL,
    name TEXT NOT NULL,
    duration_min INTEGER NOT NULL DEFAULT 60,
    agenda_json TEXT NOT NULL DEFAULT '[]',
    attendees_json TEXT NOT NULL DEFAULT '[]',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX meeting_templates_type ON meeting_templates(type, active);

CREATE TABLE meetings (
    id {{pk}},
    type TEXT NOT NULL,
    title TEXT NOT NULL,
    purpose TEXT NOT NULL DEFAULT '',
    client_org_id BIGINT,
    client_name TEXT NOT NULL DEFAULT '',
    department_id BIGINT REFERENCES departments(id),
    convener_id BIGINT NOT NULL REFERENCES users(id),
    host_id BIGINT NOT NULL REFERENCES users(id),
    recorder_id BIGINT REFERENCES users(id),
    leader_id BIGINT REFERENCES users(id),
    supervisor_id BIGINT REFERENCES users(id),
    start_at BIGINT NOT NULL,
    end_at BIGINT NOT NULL,
    place TEXT NOT NULL DEFAULT '',
    booking_id BIGINT,
    level TEXT NOT NULL DEFAULT 'internal',
    status TEXT NOT NULL,
    approval_chain_id BIGINT,
    template_id BIGINT REFERENCES meeting_templates(id),
    notice_seq INTEGER NOT NULL DEFAULT 0,
    noticed_at BIGINT,
    started_at BIGINT,
    ended_at BIGINT,
    closed_at BIGINT,
    host_notes TEXT NOT NULL DEFAULT '',
    cancel_reason TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK (end_at > start_at)
);
CREATE INDEX meetings_start ON meetings(start_at);
CREATE INDEX meetings_status ON meetings(status, start_at);
CREATE INDEX meetings_host ON meetings(host_id, start_at);
CREATE INDEX meetings_convener ON meetings(convener_id, start_at);
CREATE INDEX meetings_client ON meetings(client_org_id, start_at);

CREATE TABLE meeting_agenda_items (
    id {{pk}},
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    topic TEXT NOT NULL,
    presenter_id BIGINT REFERENCES users(id),
    presenter_name TEXT NOT NULL DEFAULT '',
    minutes INTEGER NOT NULL DEFAULT 0 CHECK (minutes >= 0),
    notes TEXT NOT NULL DEFAULT ''
);
CREATE INDEX meeting_agenda_meeting ON meeting_agenda_items(meeting_id, seq);

CREATE TABLE meeting_attendees (
    id {{pk}},
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    user_id BIGINT REFERENCES users(id),
    guest_name TEXT NOT NULL DEFAULT '',
    guest_org TEXT NOT NULL DEFAULT '',
    guest_title TEXT NOT NULL DEFAULT '',
    reply TEXT NOT NULL DEFAULT 'pending',
    reply_note TEXT NOT NULL DEFAULT '',
    replied_at BIGINT,
    attendance TEXT NOT NULL DEFAULT '',
    signed_in_at BIGINT,
    substitute_for BIGINT REFERENCES meeting_attendees(id),
    leave_status TEXT NOT NULL DEFAULT '',
    leave_reason TEXT NOT NULL DEFAULT '',
    leave_substitute_id BIGINT REFERENCES users(id),
    leave_requested_at BIGINT,
    leave_decided_by BIGINT REFERENCES users(id),
    leave_decided_at BIGINT,
    leave_comment TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX meeting_attendees_meeting ON meeting_attendees(meeting_id);
CREATE INDEX meeting_attendees_user ON meeting_attendees(user_id);
CREATE UNIQUE INDEX meeting_attendees_one_user ON meeting_attendees(meeting_id, user_id) WHERE user_id IS NOT NULL;

CREATE TABLE meeting_cc_departments (
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    department_id BIGINT NOT NULL REFERENCES departments(id),
    PRIMARY KEY (meeting_id, department_id)
);
CREATE INDEX meeting_cc_department ON meeting_cc_departments(department_id);

CREATE TABLE meeting_minutes (
    meeting_id BIGINT PRIMARY KEY REFERENCES meetings(id) ON DELETE CASCADE,
    status TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    content TEXT NOT NULL DEFAULT '{}',
    search_text TEXT NOT NULL DEFAULT '',
    level TEXT NOT NULL,
    draft_due_at BIGINT NOT NULL,
    send_due_at BIGINT NOT NULL,
    submitted_at BIGINT,
    approved_at BIGINT,
    approved_by BIGINT REFERENCES users(id),
    distributed_at BIGINT,
    approval_chain_id BIGINT,
    return_comment TEXT NOT NULL DEFAULT '',
    updated_by BIGINT REFERENCES users(id),
    updated_at BIGINT NOT NULL
);
CREATE INDEX meeting_minutes_status ON meeting_minutes(status, draft_due_at);

CREATE TABLE meeting_minutes_versions (
    id {{pk}},
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    content TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    saved_by BIGINT REFERENCES users(id),
    saved_at BIGINT NOT NULL,
    UNIQUE (meeting_id, version)
);

CREATE TABLE meeting_resolutions (
    id {{pk}},
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    agenda_item_id BIGINT REFERENCES meeting_agenda_items(id) ON DELETE SET NULL,
    text TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX meeting_resolutions_meeting ON meeting_resolutions(meeting_id, seq);

CREATE TABLE meeting_action_items (
    id {{pk}},
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    resolution_id BIGINT REFERENCES meeting_resolutions(id),
    kind TEXT NOT NULL DEFAULT 'resolution',
    seq INTEGER NOT NULL DEFAULT 0,
    goal TEXT NOT NULL,
    standard TEXT NOT NULL DEFAULT '',
    start_at BIGINT NOT NULL,
    -- Planned values; once the task exists (task_id) the task holds owner,
    -- assistant, due time, progress, status and the result report.
    due_at BIGINT NOT NULL,
    owner_id BIGINT NOT NULL REFERENCES users(id),
    assistant_id BIGINT REFERENCES users(id),
    status TEXT NOT NULL,
    task_id BIGINT REFERENCES tasks(id),
    accepted_by BIGINT REFERENCES users(id),
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    CHECK (due_at >= start_at)
);
CREATE INDEX meeting_action_meeting ON meeting_action_items(meeting_id);
CREATE INDEX meeting_action_owner ON meeting_action_items(owner_id, status);
CREATE INDEX meeting_action_assistant ON meeting_action_items(assistant_id, status);
CREATE INDEX meeting_action_task ON meeting_action_items(task_id);

CREATE TABLE meeting_action_updates (
    id {{pk}},
    item_id BIGINT NOT NULL REFERENCES meeting_action_items(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    progress INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    by_id BIGINT REFERENCES users(id),
    at BIGINT NOT NULL
);
CREATE INDEX meeting_action_updates_item ON meeting_action_updates(item_id, id);

CREATE TABLE meeting_negotiations (
    meeting_id BIGINT PRIMARY KEY REFERENCES meetings(id) ON DELETE CASCADE,
    goals TEXT NOT NULL DEFAULT '',
    bottom_line TEXT NOT NULL DEFAULT '',
    strategy TEXT NOT NULL DEFAULT '',
    pricing TEXT NOT NULL DEFAULT '',
    quoted_fen BIGINT NOT NULL DEFAULT 0,
    agreed_fen BIGINT NOT NULL DEFAULT 0,
    cooperation_mode TEXT NOT NULL DEFAULT '',
    payment_terms TEXT NOT NULL DEFAULT '',
    delivery_terms TEXT NOT NULL DEFAULT '',
    after_sales TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT 'open',
    outcome_note TEXT NOT NULL DEFAULT '',
    agreement_no TEXT NOT NULL DEFAULT '',
    agreement_signed_at BIGINT,
    agreement_summary TEXT NOT NULL DEFAULT '',
    archived_at BIGINT,
    archived_by BIGINT REFERENCES users(id),
    updated_by BIGINT REFERENCES users(id),
    updated_at BIGINT NOT NULL
);

CREATE TABLE meeting_revisits (
    id {{pk}},
    meeting_id BIGINT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
    client_org_id BIGINT,
    client_name TEXT NOT NULL DEFAULT '',
    due_at BIGINT NOT NULL,
    owner_id BIGINT NOT NULL REFERENCES users(id),
    purpose TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'planned',
    done_meeting_id BIGINT REFERENCES meetings(id),
    note TEXT NOT NULL DEFAULT '',
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX meeting_revisits_due ON meeting_revisits(status, due_at);
CREATE INDEX meeting_revisits_owner ON meeting_revisits(owner_id, status);

CREATE TABLE meeting_reviews (
    meeting_id BIGINT PRIMARY KEY REFERENCES meetings(id) ON DELETE CASCADE,
    summary TEXT NOT NULL DEFAULT '',
    client_feedback TEXT NOT NULL DEFAULT '',
    problems TEXT NOT NULL DEFAULT '',
    satisfaction INTEGER NOT NULL DEFAULT 0 CHECK (satisfaction BETWEEN 0 AND 5),
    submitted_at BIGINT,
    updated_by BIGINT REFERENCES users(id),
    updated_at BIGINT NOT NULL
);
