-- After the storage refused a write (a full disk), /healthz probes it with a write that needs new space: 64 KB of
-- random bytes written and deleted in one transaction (storage/writer.h ProbeStorage). The table stays empty.
CREATE TABLE storage_probe(id BIGINT PRIMARY KEY, data BYTEA NOT NULL);
