-- Run-sheet templates (会议接待委托/各部门分工): the duties each department
-- gets when a booking is confirmed, due relative to its start or end
-- (seed 002 第2篇: service T-2 days, T-1 day; engineering T-1 day;
-- security T-1 hour; during and after the meeting).
CREATE TABLE runsheet_templates (
    id {{pk}},
    venue_kind TEXT NOT NULL DEFAULT '',
    purpose TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL,
    phase TEXT NOT NULL,
    anchor TEXT NOT NULL DEFAULT 'start',
    offset_workdays INTEGER NOT NULL DEFAULT 0,
    offset_min INTEGER NOT NULL DEFAULT 0,
    at_time TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL,
    title_en TEXT NOT NULL DEFAULT '',
    sort INTEGER NOT NULL DEFAULT 0,
    active BOOLEAN NOT NULL DEFAULT TRUE
);

INSERT INTO runsheet_templates (venue_kind, purpose, role, phase, anchor, offset_workdays, offset_min, at_time, title, title_en, sort) VALUES
('', 'client', 'service', 'before', 'start', -2, 0, '10:00', '确认会议，请客户填写《会议接待委托服务表》，书面通知其他部门', 'Confirm the meeting, have the client fill in the service request form, notify the other departments in writing', 10),
('', 'client', 'service', 'before', 'start', -1, 0, '15:00', '布置会场，安排会务接待员做好引领工作', 'Set up the venue and arrange ushers', 20),
('', 'client', 'service', 'before', 'start', -1, 0, '17:00', '清扫会场并落实检查', 'Clean the venue and check it', 30),
('', 'client', 'engineering', 'before', 'start', -1, 0, '16:00', '确认会场所有设施设备完好：灯光、音像、话筒、多媒体投影', 'Check all equipment: lighting, audio-visual, microphones, projector', 40),
('', 'client', 'security', 'before', 'start', 0, -60, '', '确保大厦道路畅通，安排好外来参会车辆的停放', 'Keep the roads clear and arrange parking for visitors'' cars', 50),
('', 'client', 'service', 'during', 'start', 0, 0, '', '会议期间不间断茶水服务，随时处理突发事件', 'Continuous tea service during the meeting; handle incidents', 60),
('', 'client', 'engineering', 'during', 'start', 0, 0, '', '会议期间保障设施设备完好，按要求播放音乐、调节灯光', 'Keep equipment working during the meeting; music and lighting as required', 70),
('', 'client', 'service', 'after', 'end', 0, 30, '', '开门送客，整理主席台，向客户开具发票', 'See the guests off, tidy the rostrum, issue the invoice', 80),
('', 'client', 'engineering', 'after', 'end', 0, 60, '', '收集会场使用的设备并上锁保管', 'Collect the equipment used and lock it away', 90),
('', 'client', 'service', 'after', 'end', 0, 120, '', '清扫会场', 'Clean the venue', 100),
('multi_hall', 'internal', 'service', 'before', 'start', -1, 0, '15:00', '布置会场并清扫检查', 'Set up, clean and check the hall', 110),
('multi_hall', 'internal', 'engineering', 'before', 'start', -1, 0, '16:00', '确认灯光、音像、话筒、投影等设备完好', 'Check lighting, audio-visual, microphones and projector', 120);
