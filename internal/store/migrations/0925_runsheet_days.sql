-- Run-sheet offsets are calendar days (seed 002 第2篇: 会议前2天, 会议前1天),
-- not working days: the column says so.
ALTER TABLE runsheet_templates RENAME COLUMN offset_workdays TO offset_days;
