-- Posts (岗位, X-01): the seeds give duties to posts, not roles (万能钥匙 to
-- 部门经理、客服主管、清洁工; the payment notice to 营运招商部副主管 …). A user
-- holds several posts, each from a day to a day (open-ended when to_day is
-- blank); from_at/until_at are those days' bounds in the site's zone, in UTC
-- milliseconds, for "who holds post P at t".
CREATE TABLE posts (
    id {{pk}},
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_hant TEXT NOT NULL DEFAULT '',
    name_en TEXT NOT NULL DEFAULT '',
    department_id BIGINT REFERENCES departments(id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE post_holders (
    id {{pk}},
    post_id BIGINT NOT NULL REFERENCES posts(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    from_day TEXT NOT NULL,
    to_day TEXT NOT NULL DEFAULT '',
    from_at BIGINT NOT NULL,
    until_at BIGINT,
    created_by BIGINT REFERENCES users(id),
    created_at BIGINT NOT NULL
);
CREATE INDEX post_holders_user ON post_holders(user_id, from_at);
CREATE INDEX post_holders_post ON post_holders(post_id, from_at);

-- An approval step and a task queue may name a post.
ALTER TABLE approval_steps ADD COLUMN post TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN post TEXT NOT NULL DEFAULT '';
CREATE INDEX tasks_post ON tasks(post, status, due_at);

-- The posts the seeds name (each site assigns their holders).
INSERT INTO posts (code, name, name_hant, name_en, created_at, updated_at) VALUES
    ('dept_manager', '部门经理', '部門經理', 'Department manager', 0, 0),
    ('cs_supervisor', '客服主管', '客服主管', 'Customer service supervisor', 0, 0),
    ('cleaner', '清洁工', '清潔工', 'Cleaner', 0, 0),
    ('leasing_deputy', '营运招商部副主管', '營運招商部副主管', 'Deputy head of leasing', 0, 0),
    ('leasing_assistant', '营运招商部经理助理', '營運招商部經理助理', 'Leasing manager''s assistant', 0, 0),
    ('safety_officer', '安全责任人', '安全責任人', 'Safety officer', 0, 0),
    ('secrecy_officer', '保密责任人', '保密責任人', 'Secrecy officer', 0, 0);
