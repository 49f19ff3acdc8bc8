-- Import mapping profiles (cases/import_profiles.h): for one import kind and one source platform, which of the file's
-- column headers is which of the import's fields, saved by a clerk from the import preview and recognised from the
-- next file's header.
CREATE TABLE import_profiles(
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  name TEXT NOT NULL,
  mapping TEXT NOT NULL,
  saved_at TEXT NOT NULL,
  saved_by INTEGER REFERENCES accounts(id),
  UNIQUE(kind, name)
);
