-- org publishes its tables to the other domains through these, and nothing else (docs/architecture.md):
-- unit_tree, the closure of the unit tree (every unit with each of its ancestors and itself at depth 0), kept by
-- org when a unit is inserted (units are never re-parented); org_units, org_people and org_relatives (a declared
-- relation in both directions) as read-only views.
CREATE TABLE unit_tree(
  ancestor_id INTEGER NOT NULL REFERENCES units(id),
  unit_id INTEGER NOT NULL REFERENCES units(id),
  depth INTEGER NOT NULL,
  PRIMARY KEY(ancestor_id, unit_id)
) WITHOUT ROWID;
CREATE INDEX unit_tree_unit ON unit_tree(unit_id, depth);
WITH RECURSIVE up(unit_id, ancestor_id, depth) AS (
  SELECT id, id, 0 FROM units
  UNION ALL
  SELECT up.unit_id, u.parent_id, up.depth + 1 FROM up JOIN units u ON u.id = up.ancestor_id
  WHERE u.parent_id IS NOT NULL AND up.depth < 32
)
INSERT INTO unit_tree(ancestor_id, unit_id, depth) SELECT ancestor_id, unit_id, depth FROM up;

CREATE VIEW org_units AS
  SELECT id, code, name, kind, parent_id, district, region_type, stage, ownership, address, lat, lon, enrolment,
         migrant_designated, role, active FROM units;
CREATE VIEW org_people AS SELECT id, code, name, unit_id, position, leader FROM people;
CREATE VIEW org_relatives AS
  SELECT person_a AS person_id, person_b AS relative_id, kind FROM relations
  UNION ALL SELECT person_b, person_a, kind FROM relations;
CREATE INDEX relations_b ON relations(person_b);
