-- 0001 (PostgreSQL): the schema SQLite reaches after its migrations 0001 and 0002, in one step.
-- Applied by storage/postgres inside one transaction together with the taxonomy seed.
-- Types mirror the SQLite schema so both back ends share the row mapping: timestamps are UTC
-- ISO 8601 text ("2026-11-25T10:59:00Z"), cii is 0/1, supplier_ids is comma-separated text.
-- Text that is sorted or compared (codes, names, timestamps) uses COLLATE "C": byte order, as
-- in SQLite, whatever locale the cluster was created with (the store documents code order).

-- Taxonomy: one table per kind; seq keeps the order entries were first added (SQLite: rowid).
CREATE TABLE sectors (seq BIGSERIAL UNIQUE, code TEXT COLLATE "C" PRIMARY KEY,
                      parent TEXT NOT NULL DEFAULT '', name TEXT NOT NULL, name_en TEXT NOT NULL,
                      active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE subsectors (seq BIGSERIAL UNIQUE, code TEXT COLLATE "C" PRIMARY KEY,
                         parent TEXT NOT NULL DEFAULT '', name TEXT NOT NULL, name_en TEXT NOT NULL,
                         active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE facility_types (seq BIGSERIAL UNIQUE, code TEXT COLLATE "C" PRIMARY KEY,
                             parent TEXT NOT NULL DEFAULT '', name TEXT NOT NULL,
                             name_en TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE resources (seq BIGSERIAL UNIQUE, code TEXT COLLATE "C" PRIMARY KEY,
                        parent TEXT NOT NULL DEFAULT '', name TEXT NOT NULL, name_en TEXT NOT NULL,
                        active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE threats (seq BIGSERIAL UNIQUE, code TEXT COLLATE "C" PRIMARY KEY,
                      parent TEXT NOT NULL DEFAULT '', name TEXT NOT NULL, name_en TEXT NOT NULL,
                      active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE counties (seq BIGSERIAL UNIQUE, code TEXT COLLATE "C" PRIMARY KEY,
                       abbrev TEXT NOT NULL, name TEXT NOT NULL, name_en TEXT NOT NULL,
                       population BIGINT NOT NULL, lat DOUBLE PRECISION NOT NULL,
                       lon DOUBLE PRECISION NOT NULL);

CREATE TABLE organisations (
  id BIGSERIAL PRIMARY KEY,
  code TEXT COLLATE "C" NOT NULL UNIQUE,
  name TEXT COLLATE "C" NOT NULL,
  name_en TEXT COLLATE "C" NOT NULL,
  type TEXT NOT NULL,
  parent_id BIGINT CONSTRAINT organisations_parent_fk REFERENCES organisations(id),
  version BIGINT NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL);
CREATE INDEX organisations_parent ON organisations(parent_id);
CREATE INDEX organisations_type ON organisations(type, code);

CREATE TABLE organisation_scopes (
  org_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('sector', 'subsector')),
  position INTEGER NOT NULL,
  code TEXT NOT NULL,
  PRIMARY KEY (org_id, kind, position));

-- Foreign keys are named: a replace import drops and re-adds them around the load (one
-- validating join instead of one trigger call per row), reading their definitions back from
-- pg_constraint.
CREATE TABLE facilities (
  id BIGSERIAL PRIMARY KEY,
  code TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  name_en TEXT COLLATE "C" NOT NULL,
  sector TEXT COLLATE "C" NOT NULL,
  subsector TEXT COLLATE "C" NOT NULL,
  type TEXT COLLATE "C" NOT NULL,
  provider_id BIGINT CONSTRAINT facilities_provider_fk REFERENCES organisations(id),
  authority_id BIGINT CONSTRAINT facilities_authority_fk REFERENCES organisations(id),
  county_code TEXT COLLATE "C" NOT NULL,
  address TEXT NOT NULL,
  lat DOUBLE PRECISION,
  lon DOUBLE PRECISION,
  population BIGINT NOT NULL CHECK (population >= 0),
  loss_per_hour DOUBLE PRECISION NOT NULL,
  mtpd_hours DOUBLE PRECISION,
  cii INTEGER NOT NULL,
  grade INTEGER CHECK (grade BETWEEN 1 AND 3),
  status TEXT NOT NULL,
  version BIGINT NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL);
-- Named indexes so that a replace import can drop and rebuild them around the load. Each
-- filter index ends in code so the default sort (code) is served by the index too.
CREATE UNIQUE INDEX facilities_code ON facilities(code);
CREATE INDEX facilities_sector ON facilities(sector, code);
CREATE INDEX facilities_subsector ON facilities(subsector, code);
CREATE INDEX facilities_county ON facilities(county_code, code);
CREATE INDEX facilities_type ON facilities(type, code);
CREATE INDEX facilities_provider ON facilities(provider_id, code);
CREATE INDEX facilities_authority ON facilities(authority_id, code);

CREATE TABLE core_functions (
  id BIGSERIAL PRIMARY KEY,
  facility_id BIGINT NOT NULL CONSTRAINT core_functions_facility_fk
    REFERENCES facilities(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  mtpd_hours DOUBLE PRECISION,
  continuity TEXT NOT NULL,
  version BIGINT NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL);
CREATE INDEX core_functions_facility ON core_functions(facility_id);

-- supplier_ids: the ordered suppliers, comma-separated facility ids ("12,7,40").
CREATE TABLE dependencies (
  id BIGSERIAL PRIMARY KEY,
  consumer_id BIGINT NOT NULL CONSTRAINT dependencies_consumer_fk
    REFERENCES facilities(id) ON DELETE CASCADE,
  resource TEXT NOT NULL,
  min_up INTEGER NOT NULL CHECK (min_up >= 1),
  backup_hours DOUBLE PRECISION NOT NULL CHECK (backup_hours >= 0),
  supplier_ids TEXT NOT NULL DEFAULT '',
  version BIGINT NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL);
CREATE INDEX dependencies_consumer ON dependencies(consumer_id);

-- The edges by supplier: downstream look-ups and the "still supplies someone" check (the
-- foreign key). Kept in step with dependencies.supplier_ids by the store; no triggers.
CREATE TABLE supplier_dependencies (
  supplier_id BIGINT NOT NULL CONSTRAINT supplier_dependencies_supplier_fk
    REFERENCES facilities(id),
  dependency_id BIGINT NOT NULL,
  PRIMARY KEY (supplier_id, dependency_id));

-- Grows with every facility / core function / dependency row written or deleted.
CREATE TABLE registry_state (id INTEGER PRIMARY KEY CHECK (id = 1), revision BIGINT NOT NULL);
INSERT INTO registry_state (id, revision) VALUES (1, 0);
