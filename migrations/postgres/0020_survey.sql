-- 0020: the inventory survey and grading workflow (R-4, issue 7). Core functions and external
-- critical resources are the registry's own core_functions and dependencies rows; the survey
-- adds what the registry does not hold. No foreign keys to facilities or dependencies: the
-- bulk network import truncates and rebuilds those tables; rows of deleted facilities are
-- left out by joins.

CREATE TABLE survey_rounds (
  id BIGSERIAL PRIMARY KEY,
  year INTEGER NOT NULL UNIQUE,
  title TEXT NOT NULL,
  opens_on TEXT NOT NULL,
  deadline TEXT NOT NULL,
  version BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL);

CREATE TABLE surveys (
  id BIGSERIAL PRIMARY KEY,
  round_id BIGINT NOT NULL REFERENCES survey_rounds(id),
  facility_id BIGINT NOT NULL,
  state TEXT NOT NULL,
  version BIGINT NOT NULL,
  pop_score INTEGER, pop_evidence TEXT NOT NULL DEFAULT '',
  gov_score INTEGER, gov_categories TEXT NOT NULL DEFAULT '', gov_evidence TEXT NOT NULL DEFAULT '',
  econ_score INTEGER, econ_evidence TEXT NOT NULL DEFAULT '',
  morale_score INTEGER, morale_evidence TEXT NOT NULL DEFAULT '',
  return_comment TEXT NOT NULL DEFAULT '',
  proposed_grade INTEGER, proposal_reasons TEXT NOT NULL DEFAULT '',
  proposal_rank INTEGER, proposal_rank_of INTEGER,
  proposed_by TEXT NOT NULL DEFAULT '', proposed_at TEXT,
  submitted_at TEXT, final_grade INTEGER, finalised_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (round_id, facility_id));
CREATE INDEX surveys_facility ON surveys(facility_id);
CREATE INDEX surveys_state ON surveys(round_id, state);

-- Section 2: the backup plan of an external critical resource (a note on the registry's
-- dependency row; consumer and resource are kept so a re-used id never inherits a plan).
CREATE TABLE dependency_backup_plans (
  dependency_id BIGSERIAL PRIMARY KEY,
  consumer_id BIGINT NOT NULL,
  resource TEXT NOT NULL,
  backup_plan TEXT NOT NULL);

-- Section 2: suppliers named in free text, not (yet) matched to a registered facility.
CREATE TABLE survey_external_suppliers (
  id BIGSERIAL PRIMARY KEY,
  survey_id BIGINT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  resource TEXT NOT NULL,
  name TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  backup_plan TEXT NOT NULL DEFAULT '',
  backup_hours DOUBLE PRECISION);
CREATE INDEX survey_external_suppliers_survey ON survey_external_suppliers(survey_id);

-- Section 3: internal essential assets.
CREATE TABLE survey_assets (
  id BIGSERIAL PRIMARY KEY,
  survey_id BIGINT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  asset_class TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  backup_plan TEXT NOT NULL DEFAULT '',
  max_backup_hours DOUBLE PRECISION,
  stops_core_function INTEGER,
  replaceable INTEGER,
  core_function_id BIGINT,
  cii INTEGER NOT NULL DEFAULT 0);
CREATE INDEX survey_assets_survey ON survey_assets(survey_id);

CREATE TABLE survey_consultations (
  id BIGSERIAL PRIMARY KEY,
  survey_id BIGINT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  with_whom TEXT NOT NULL,
  held_on TEXT NOT NULL,
  summary TEXT NOT NULL);
CREATE INDEX survey_consultations_survey ON survey_consultations(survey_id);

CREATE TABLE survey_review_opinions (
  id BIGSERIAL PRIMARY KEY,
  survey_id BIGINT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
  body TEXT NOT NULL,
  opinion TEXT NOT NULL,
  recommended_grade INTEGER,
  author TEXT NOT NULL,
  at TEXT NOT NULL);
CREATE INDEX survey_review_opinions_survey ON survey_review_opinions(survey_id);

-- Facilities a reviewer says are missing from the inventory (R-4.3).
CREATE TABLE missing_facility_proposals (
  id BIGSERIAL PRIMARY KEY,
  round_id BIGINT NOT NULL REFERENCES survey_rounds(id),
  survey_id BIGINT,
  name TEXT NOT NULL,
  sector TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL,
  proposed_by TEXT NOT NULL,
  at TEXT NOT NULL);

-- Every transition, with its comment and the survey as it was (what changed since).
CREATE TABLE survey_transitions (
  id BIGSERIAL PRIMARY KEY,
  survey_id BIGINT NOT NULL REFERENCES surveys(id) ON DELETE CASCADE,
  from_state TEXT NOT NULL,
  to_state TEXT NOT NULL,
  actor TEXT NOT NULL,
  at TEXT NOT NULL,
  comment TEXT NOT NULL DEFAULT '',
  snapshot TEXT NOT NULL DEFAULT '');
CREATE INDEX survey_transitions_survey ON survey_transitions(survey_id);

-- The national CI database's grade of each facility, versioned: every final grade adds a row,
-- earlier versions stay.
CREATE TABLE facility_grade_history (
  id BIGSERIAL PRIMARY KEY,
  facility_id BIGINT NOT NULL,
  grade_version BIGINT NOT NULL,
  grade INTEGER CHECK (grade BETWEEN 1 AND 3),
  cii INTEGER NOT NULL,
  previous_grade INTEGER,
  year INTEGER NOT NULL,
  survey_id BIGINT,
  reasons TEXT NOT NULL,
  decided_by TEXT NOT NULL,
  decided_at TEXT NOT NULL,
  UNIQUE (facility_id, grade_version));
