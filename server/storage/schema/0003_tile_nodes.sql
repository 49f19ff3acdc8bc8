-- the inner nodes of sub-levels 4..8 of each full tile (31 hashes), so that proofs need no re-hashing
-- of whole tiles. Derived data: tiles without it are recomputed on read.
ALTER TABLE ledger_tiles ADD COLUMN upper BLOB;
