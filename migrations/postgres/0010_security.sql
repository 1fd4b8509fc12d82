-- 0010: accounts, browser sessions, API tokens, TOTP recovery codes, need-to-know grants,
-- the hash-chained audit log, and the classification of facilities (R-9).

ALTER TABLE facilities ADD COLUMN classification INTEGER NOT NULL DEFAULT 0 CHECK (classification BETWEEN 0 AND 4);
ALTER TABLE facilities ADD COLUMN class_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE facilities ADD COLUMN classified_by TEXT NOT NULL DEFAULT '';
ALTER TABLE facilities ADD COLUMN classified_on TEXT;
ALTER TABLE facilities ADD COLUMN declassify_on TEXT;
ALTER TABLE facilities ADD COLUMN declassify_condition TEXT NOT NULL DEFAULT '';

CREATE TABLE users (
  id BIGSERIAL PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  email TEXT NOT NULL DEFAULT '',
  org_id BIGINT NOT NULL REFERENCES organisations(id),
  role TEXT NOT NULL,
  clearance INTEGER NOT NULL CHECK (clearance BETWEEN 0 AND 4),
  password_hash TEXT NOT NULL,
  totp_secret TEXT,
  totp_enabled INTEGER NOT NULL DEFAULT 0,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  version BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL);
CREATE INDEX users_org ON users(org_id);

-- Browser sessions: the id is the SHA-256 of the cookie's secret, never the secret itself.
CREATE TABLE user_sessions (
  id TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  remote TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '');
CREATE INDEX user_sessions_user ON user_sessions(user_id);

CREATE TABLE api_tokens (
  id BIGSERIAL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  scopes TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT,
  last_used_at TEXT);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE recovery_codes (
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  used_at TEXT,
  PRIMARY KEY (user_id, code_hash));

CREATE TABLE need_to_know (
  id BIGSERIAL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  record_kind TEXT NOT NULL,
  record_id BIGINT NOT NULL,
  reason TEXT NOT NULL,
  granted_by TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT,
  UNIQUE (user_id, record_kind, record_id));
CREATE INDEX need_to_know_record ON need_to_know(record_kind, record_id);

-- Append-only; each entry's hash is SHA-256(previous hash || canonical entry). audit_head
-- holds the newest sequence number and hash so that a deleted tail is noticed too.
CREATE TABLE audit_log (
  seq BIGINT PRIMARY KEY,
  at TEXT NOT NULL,
  actor_user_id BIGINT,
  actor TEXT NOT NULL,
  org_code TEXT NOT NULL,
  remote TEXT NOT NULL,
  request_id TEXT NOT NULL,
  action TEXT NOT NULL,
  target_kind TEXT NOT NULL,
  target_id TEXT NOT NULL,
  outcome TEXT NOT NULL,
  detail TEXT NOT NULL,
  before_json TEXT NOT NULL,
  after_json TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL);
CREATE INDEX audit_log_actor ON audit_log(actor_user_id, seq);
CREATE INDEX audit_log_target ON audit_log(target_kind, target_id, seq);
CREATE INDEX audit_log_action ON audit_log(action, seq);
CREATE TABLE audit_head (id INTEGER PRIMARY KEY CHECK (id = 1), seq BIGINT NOT NULL, hash TEXT NOT NULL);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
