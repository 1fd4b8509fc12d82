-- 0032: in-app notifications (survey deadline reminders and workflow events, issue 7) and the
-- reminder schedule of a survey round. A notification is a message key (`kind`) plus its
-- parameters as a JSON object: the web renders it in the reader's language.
-- `dedupe_key` makes a reminder for one (round, facility, schedule step) exist once per
-- recipient however often, and in however many processes, the sweep runs: inserts use
-- INSERT ... ON CONFLICT DO NOTHING. Workflow events leave it NULL (NULLs never collide).

ALTER TABLE survey_rounds ADD COLUMN reminder_days TEXT NOT NULL DEFAULT '30,14,7,1';

CREATE TABLE notifications (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL,
  kind TEXT NOT NULL,
  params TEXT NOT NULL DEFAULT '{}',
  survey_id INTEGER,
  facility_id INTEGER,
  round_year INTEGER,
  dedupe_key TEXT,
  created_at TEXT NOT NULL,
  read_at TEXT,
  UNIQUE (user_id, dedupe_key));
CREATE INDEX notifications_user ON notifications(user_id, id);
CREATE INDEX notifications_unread ON notifications(user_id, read_at);
