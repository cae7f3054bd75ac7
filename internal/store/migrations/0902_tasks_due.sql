-- The today page asks for the open tasks of a person, their department
-- and their roles due before the end of the day; with due_at in these
-- indexes the range is read from the index instead of every open task of
-- a busy role queue (the service queue holds one per booking's run sheet).
DROP INDEX tasks_owner;
DROP INDEX tasks_assistant;
DROP INDEX tasks_department;
DROP INDEX tasks_role;
CREATE INDEX tasks_owner ON tasks(owner_id, status, due_at);
CREATE INDEX tasks_assistant ON tasks(assistant_id, status, due_at);
CREATE INDEX tasks_department ON tasks(department_id, status, due_at);
CREATE INDEX tasks_role ON tasks(role, status, due_at);
