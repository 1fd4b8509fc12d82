-- 0001: taxonomy, organisations, facilities, core functions, dependencies, registry revision.
-- Applied by storage/sqlite inside one transaction together with the taxonomy seed.
-- Timestamps are UTC ISO 8601 strings ("2026-11-25T10:59:00Z"); versions start at 1.

-- Taxonomy: one table per kind; rowid order is the order entries were first added.
CREATE TABLE sectors (code TEXT PRIMARY KEY, parent TEXT NOT NULL DEFAULT '', name TEXT NOT NULL,
                      name_en TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE subsectors (code TEXT PRIMARY KEY, parent TEXT NOT NULL DEFAULT '', name TEXT NOT NULL,
                         name_en TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE facility_types (code TEXT PRIMARY KEY, parent TEXT NOT NULL DEFAULT '', name TEXT NOT NULL,
                             name_en TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE resources (code TEXT PRIMARY KEY, parent TEXT NOT NULL DEFAULT '', name TEXT NOT NULL,
                        name_en TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE threats (code TEXT PRIMARY KEY, parent TEXT NOT NULL DEFAULT '', name TEXT NOT NULL,
                      name_en TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1);
CREATE TABLE counties (code TEXT PRIMARY KEY, abbrev TEXT NOT NULL, name TEXT NOT NULL,
                       name_en TEXT NOT NULL, population INTEGER NOT NULL, lat REAL NOT NULL,
                       lon REAL NOT NULL);

CREATE TABLE organisations (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL,
  type TEXT NOT NULL,
  parent_id INTEGER REFERENCES organisations(id),
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL);
CREATE INDEX organisations_parent ON organisations(parent_id);
CREATE INDEX organisations_type ON organisations(type, code);

-- Sectors an organisation coordinates and sub-sectors it governs, in the order given.
CREATE TABLE organisation_scopes (
  org_id INTEGER NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('sector', 'subsector')),
  position INTEGER NOT NULL,
  code TEXT NOT NULL,
  PRIMARY KEY (org_id, kind, position)) WITHOUT ROWID;

CREATE TABLE facilities (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  name_en TEXT NOT NULL,
  sector TEXT NOT NULL,
  subsector TEXT NOT NULL,
  type TEXT NOT NULL,
  provider_id INTEGER REFERENCES organisations(id),
  authority_id INTEGER REFERENCES organisations(id),
  county_code TEXT NOT NULL,
  address TEXT NOT NULL,
  lat REAL,
  lon REAL,
  population INTEGER NOT NULL CHECK (population >= 0),
  loss_per_hour REAL NOT NULL,
  mtpd_hours REAL,
  cii INTEGER NOT NULL,
  grade INTEGER CHECK (grade BETWEEN 1 AND 3),
  status TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL);
-- Named (not inline) so that a bulk replace can drop and rebuild them around the load.
-- Each filter index ends in code so the default sort (code) is served by the index too.
CREATE UNIQUE INDEX facilities_code ON facilities(code);
CREATE INDEX facilities_sector ON facilities(sector, code);
CREATE INDEX facilities_subsector ON facilities(subsector, code);
CREATE INDEX facilities_county ON facilities(county_code, code);
CREATE INDEX facilities_type ON facilities(type, code);
CREATE INDEX facilities_grade ON facilities(grade, code);
CREATE INDEX facilities_provider ON facilities(provider_id, code);
CREATE INDEX facilities_authority ON facilities(authority_id, code);
CREATE INDEX facilities_cii ON facilities(cii, code);

CREATE TABLE core_functions (
  id INTEGER PRIMARY KEY,
  facility_id INTEGER NOT NULL REFERENCES facilities(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  mtpd_hours REAL,
  continuity TEXT NOT NULL,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL);
CREATE INDEX core_functions_facility ON core_functions(facility_id);

-- CASCADE-MODEL.md: the consumer needs min_up of its suppliers up (or backup hours left).
CREATE TABLE dependencies (
  id INTEGER PRIMARY KEY,
  consumer_id INTEGER NOT NULL REFERENCES facilities(id) ON DELETE CASCADE,
  resource TEXT NOT NULL,
  min_up INTEGER NOT NULL CHECK (min_up >= 1),
  backup_hours REAL NOT NULL CHECK (backup_hours >= 0),
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL);
CREATE INDEX dependencies_consumer ON dependencies(consumer_id);

-- Ordered suppliers. No ON DELETE on supplier_id: deleting a facility that still supplies
-- someone must fail (the store reports it as a conflict before SQLite would).
CREATE TABLE dependency_suppliers (
  dependency_id INTEGER NOT NULL REFERENCES dependencies(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  supplier_id INTEGER NOT NULL REFERENCES facilities(id),
  PRIMARY KEY (dependency_id, position)) WITHOUT ROWID;
-- Downstream look-ups, and no supplier twice in one dependency.
CREATE UNIQUE INDEX dependency_suppliers_supplier ON dependency_suppliers(supplier_id, dependency_id);

-- Grows with every facility / core function / dependency row written or deleted.
CREATE TABLE registry_state (id INTEGER PRIMARY KEY CHECK (id = 1), revision INTEGER NOT NULL);
INSERT INTO registry_state (id, revision) VALUES (1, 0);
