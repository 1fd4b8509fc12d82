-- 0002: a dependency's ordered suppliers move onto its row (supplier_ids: comma-separated
-- facility ids), and the edge table becomes supplier_dependencies, clustered by supplier, for
-- downstream look-ups and the "still supplies someone" check (with the foreign key).
-- Why: a bulk import of millions of edges spent most of its time maintaining two B-trees per
-- edge (the edge table and its index on supplier_id). Now each edge is one append to one
-- table, sorted in memory first (docs/adr/0002-storage-sqlite.md). The store keeps supplier_ids
-- and supplier_dependencies in step; there are no triggers.
-- Also drops the grade and cii indexes: two to four distinct values each, so a scan in code
-- order finds a page of matches quickly, and every index costs time on every import.

ALTER TABLE dependencies ADD COLUMN supplier_ids TEXT NOT NULL DEFAULT '';
UPDATE dependencies SET supplier_ids = COALESCE(
  (SELECT group_concat(supplier_id, ',') FROM
     (SELECT supplier_id FROM dependency_suppliers s WHERE s.dependency_id = dependencies.id
      ORDER BY position)), '');

CREATE TABLE supplier_dependencies (
  supplier_id INTEGER NOT NULL REFERENCES facilities(id),
  dependency_id INTEGER NOT NULL,
  PRIMARY KEY (supplier_id, dependency_id)) WITHOUT ROWID;
INSERT INTO supplier_dependencies (supplier_id, dependency_id)
  SELECT supplier_id, dependency_id FROM dependency_suppliers ORDER BY supplier_id, dependency_id;

DROP TABLE dependency_suppliers;
DROP INDEX facilities_grade;
DROP INDEX facilities_cii;
