-- Client reception cases (接待): the application form (接待申请单), the
-- itinerary, the division of labour (分工推进表, lines are tasks), the
-- materials checklist (物品清单表) against a reusable inventory, guests and
-- sign-in, expenses and settlement, lost property, the visit report and the
-- satisfaction survey (接待满意度调查表).
CREATE TABLE receptions (
    id {{pk}},
    code TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    applicant_id BIGINT NOT NULL REFERENCES users(id),
    department_id BIGINT REFERENCES departments(id),
    liaison_id BIGINT REFERENCES users(id),
    org_id BIGINT REFERENCES client_orgs(id),
    org_name TEXT NOT NULL DEFAULT '',
    purpose TEXT NOT NULL DEFAULT '',
    visit_date TEXT NOT NULL DEFAULT '',
    arrival_time TEXT NOT NULL DEFAULT '',
    tier TEXT NOT NULL DEFAULT 'business',
    tier_price_fen BIGINT NOT NULL DEFAULT 0,
    headcount INTEGER NOT NULL DEFAULT 0,
    budget_fen BIGINT NOT NULL DEFAULT 0,
    form TEXT NOT NULL DEFAULT '{}',
    late BOOLEAN NOT NULL DEFAULT FALSE,
    late_reason TEXT NOT NULL DEFAULT '',
    status_note TEXT NOT NULL DEFAULT '',
    submitted_at BIGINT,
    approved_at BIGINT,
    plan_submitted_at BIGINT,
    plan_approved_at BIGINT,
    started_at BIGINT,
    finished_at BIGINT,
    closed_at BIGINT,
    cancelled_at BIGINT,
    ids_purged_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX receptions_status ON receptions(status, visit_date);
CREATE INDEX receptions_visit ON receptions(visit_date);
CREATE INDEX receptions_org ON receptions(org_id);
CREATE INDEX receptions_applicant ON receptions(applicant_id);

CREATE TABLE reception_guests (
    id {{pk}},
    reception_id BIGINT NOT NULL REFERENCES receptions(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    seq INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    title TEXT NOT NULL DEFAULT '',
    company TEXT NOT NULL DEFAULT '',
    mobile TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    id_number TEXT NOT NULL DEFAULT '',
    contact_id BIGINT REFERENCES client_contacts(id),
    token TEXT NOT NULL UNIQUE,
    invited_at BIGINT,
    arrived_at BIGINT,
    left_at BIGINT,
    signed_in_by BIGINT REFERENCES users(id),
    self_signed BOOLEAN NOT NULL DEFAULT FALSE,
    badge_printed_at BIGINT,
    note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX reception_guests_case ON reception_guests(reception_id, seq);
CREATE INDEX reception_guests_contact ON reception_guests(contact_id);

CREATE TABLE reception_itinerary (
    id {{pk}},
    reception_id BIGINT NOT NULL REFERENCES receptions(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT,
    place TEXT NOT NULL DEFAULT '',
    people TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    done_at BIGINT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX reception_itinerary_case ON reception_itinerary(reception_id, starts_at);

CREATE TABLE reception_duty_templates (
    id {{pk}},
    seq INTEGER NOT NULL,
    grp TEXT NOT NULL,
    phase TEXT NOT NULL,
    offset_days INTEGER NOT NULL,
    at TEXT NOT NULL DEFAULT '18:00',
    title TEXT NOT NULL,
    duty TEXT NOT NULL DEFAULT '',
    default_owner TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at BIGINT NOT NULL
);

CREATE TABLE reception_duties (
    id {{pk}},
    reception_id BIGINT NOT NULL REFERENCES receptions(id) ON DELETE CASCADE,
    task_id BIGINT NOT NULL UNIQUE REFERENCES tasks(id),
    grp TEXT NOT NULL,
    phase TEXT NOT NULL,
    offset_days INTEGER NOT NULL,
    at TEXT NOT NULL DEFAULT '',
    seq INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX reception_duties_case ON reception_duties(reception_id, seq);

CREATE TABLE reception_items (
    id {{pk}},
    name TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT '',
    stock INTEGER NOT NULL DEFAULT 0 CHECK (stock >= 0),
    consumable BOOLEAN NOT NULL DEFAULT FALSE,
    note TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE reception_materials (
    id {{pk}},
    reception_id BIGINT NOT NULL REFERENCES receptions(id) ON DELETE CASCADE,
    item_id BIGINT REFERENCES reception_items(id),
    seq INTEGER NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    qty INTEGER NOT NULL CHECK (qty > 0),
    owner_id BIGINT REFERENCES users(id),
    purchase BOOLEAN NOT NULL DEFAULT FALSE,
    unit_cost_fen BIGINT NOT NULL DEFAULT 0,
    borrowed_at BIGINT,
    borrowed_by BIGINT REFERENCES users(id),
    returned_at BIGINT,
    returned_by BIGINT REFERENCES users(id),
    returned_qty INTEGER NOT NULL DEFAULT 0,
    damaged_qty INTEGER NOT NULL DEFAULT 0,
    missing_qty INTEGER NOT NULL DEFAULT 0,
    checked_at BIGINT,
    checked_by BIGINT REFERENCES users(id),
    note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX reception_materials_case ON reception_materials(reception_id, seq);
CREATE INDEX reception_materials_item ON reception_materials(item_id);

CREATE TABLE reception_expenses (
    id {{pk}},
    reception_id BIGINT NOT NULL REFERENCES receptions(id) ON DELETE CASCADE,
    category TEXT NOT NULL,
    item TEXT NOT NULL,
    budget_fen BIGINT NOT NULL DEFAULT 0,
    actual_fen BIGINT,
    liaison TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    seq INTEGER NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX reception_expenses_case ON reception_expenses(reception_id, seq);

CREATE TABLE reception_lost_items (
    id {{pk}},
    reception_id BIGINT NOT NULL REFERENCES receptions(id) ON DELETE CASCADE,
    description TEXT NOT NULL,
    found_place TEXT NOT NULL DEFAULT '',
    found_at BIGINT NOT NULL,
    guest_id BIGINT REFERENCES reception_guests(id),
    returned_at BIGINT,
    returned_by BIGINT REFERENCES users(id),
    handed_to TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL
);
CREATE INDEX reception_lost_items_case ON reception_lost_items(reception_id);

CREATE TABLE reception_reports (
    reception_id BIGINT PRIMARY KEY REFERENCES receptions(id) ON DELETE CASCADE,
    feedback TEXT NOT NULL DEFAULT '',
    discussed TEXT NOT NULL DEFAULT '',
    intention TEXT NOT NULL DEFAULT '',
    next_steps TEXT NOT NULL DEFAULT '',
    review_notes TEXT NOT NULL DEFAULT '',
    improvements TEXT NOT NULL DEFAULT '',
    submitted_by BIGINT REFERENCES users(id),
    submitted_at BIGINT,
    updated_at BIGINT NOT NULL
);

CREATE TABLE reception_survey_criteria (
    id {{pk}},
    seq INTEGER NOT NULL,
    text TEXT NOT NULL,
    max_points INTEGER NOT NULL DEFAULT 10 CHECK (max_points BETWEEN 1 AND 100),
    audience TEXT NOT NULL DEFAULT 'all',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at BIGINT NOT NULL
);

CREATE TABLE reception_surveys (
    id {{pk}},
    reception_id BIGINT NOT NULL REFERENCES receptions(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    respondent TEXT NOT NULL DEFAULT '',
    comment TEXT NOT NULL DEFAULT '',
    score INTEGER NOT NULL DEFAULT 0,
    max_score INTEGER NOT NULL DEFAULT 0,
    sent_at BIGINT,
    submitted_at BIGINT,
    submitted_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL,
    UNIQUE (reception_id, kind)
);

CREATE TABLE reception_survey_answers (
    survey_id BIGINT NOT NULL REFERENCES reception_surveys(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    criterion TEXT NOT NULL,
    max_points INTEGER NOT NULL,
    score INTEGER,
    PRIMARY KEY (survey_id, seq)
);

-- The division-of-labour template from 附件二 and the process schedule (四、推进计划):
-- groups 司机 / 嘉宾组 / 后勤组 / 流程组 / 服务组, phases 前期 / 现场 / 收尾, working-day
-- offsets from the visit date. Editable by the office.
INSERT INTO reception_duty_templates (seq, grp, phase, offset_days, at, title, duty, default_owner, active, updated_at) VALUES
 (1, 'process', 'before', -4, '18:00', '确认场地、时间及接待流程', '负责确认场地、时间、流程等', '', TRUE, 0),
 (2, 'guest', 'before', -4, '18:00', '确定出席领导，邀请领导', '负责邀请领导', 'applicant', TRUE, 0),
 (3, 'driver', 'before', -2, '18:00', '落实接送车辆及机动备用车辆', '负责接送客户', '', TRUE, 0),
 (4, 'logistics', 'before', -2, '18:00', '依据申请要求及预算进行采购', '负责物品采购，填写物品清单表', '', TRUE, 0),
 (5, 'logistics', 'before', -2, '18:00', '会场茶具租借、礼品准备', '负责茶具租借、礼品准备等', '', TRUE, 0),
 (6, 'process', 'before', -2, '18:00', '准备接待当日演示文稿', '需求提出者准备演示文稿', 'applicant', TRUE, 0),
 (7, 'logistics', 'onsite', 0, '09:00', '会场布置（桌椅、水果等），电脑、翻页笔等物品准备及调试', '负责会场布置及其他物品准备', '', TRUE, 0),
 (8, 'driver', 'onsite', 0, '09:00', '按时接送客户', '负责接送客户', '', TRUE, 0),
 (9, 'service', 'onsite', 0, '18:00', '现场服务（倒水等）', '负责现场服务', '', TRUE, 0),
 (10, 'logistics', 'wrapup', 0, '20:00', '整理会场，物品清点、归还', '负责整理会场，物品清点、归还等', '', TRUE, 0),
 (11, 'process', 'wrapup', 1, '18:00', '填写接待满意度调查表', '活动翌日完成满意度调查', '', TRUE, 0),
 (12, 'process', 'wrapup', 2, '18:00', '召开活动总结例会', '各小组主管总结发言，提出不足，做好会议记录', '', TRUE, 0);

-- 附件四 接待满意度调查表: criteria, 10 points each. "all" criteria are also
-- on the client's survey; "internal" ones only on the internal evaluation.
INSERT INTO reception_survey_criteria (seq, text, max_points, audience, active, updated_at) VALUES
 (1, '客户对此次来访的满意度', 10, 'all', TRUE, 0),
 (2, '工作分配明确、到位', 10, 'internal', TRUE, 0),
 (3, '工作人员按质按量完成任务', 10, 'all', TRUE, 0),
 (4, '邀请嘉宾，确认场地、时间、流程及时准确', 10, 'internal', TRUE, 0),
 (5, '接送车辆安排准时、周到', 10, 'all', TRUE, 0),
 (6, '会场布置整洁，电脑、投影等设备调试到位', 10, 'all', TRUE, 0),
 (7, '茶水、水果等现场服务及时周到', 10, 'all', TRUE, 0),
 (8, '物资、礼品准备充分且符合预算', 10, 'internal', TRUE, 0),
 (9, '餐饮、住宿安排合理', 10, 'all', TRUE, 0),
 (10, '会后会场清理、物品清点归还及时', 10, 'internal', TRUE, 0);
