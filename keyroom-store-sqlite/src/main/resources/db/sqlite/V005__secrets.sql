-- The vault. Values are sealed by the server's keyring (key_id, nonce, ciphertext); in encrypted
-- rooms the plaintext under that seal is itself ciphertext made by the SDK with the room key.
-- A delete is a tombstone version with no value. The last N versions of each name are kept.
CREATE TABLE secrets (
  room_id    TEXT NOT NULL REFERENCES rooms (room_id),
  name       TEXT NOT NULL,
  version    INTEGER NOT NULL,
  key_id     INTEGER,
  nonce      BLOB,
  ciphertext BLOB,
  tombstone  INTEGER NOT NULL DEFAULT 0,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (room_id, name, version)
);
CREATE INDEX secrets_by_key ON secrets (key_id);

-- Versions kept per room; NULL means the server's default.
ALTER TABLE rooms ADD COLUMN secret_versions INTEGER;

-- Agents' distinct-secret read limit breaches (AZ-6, DOS-7); two within the lock window lock the agent.
CREATE TABLE agent_breaches (
  endpoint TEXT NOT NULL,
  at       INTEGER NOT NULL
);
CREATE INDEX agent_breaches_by_endpoint ON agent_breaches (endpoint, at);
