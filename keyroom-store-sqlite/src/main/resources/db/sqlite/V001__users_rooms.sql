-- Users of the allowlist, rooms, members and sealed epoch keys.
CREATE TABLE users (
  endpoint   TEXT PRIMARY KEY NOT NULL,
  name       TEXT NOT NULL,
  role       TEXT NOT NULL CHECK (role IN ('admin', 'member', 'agent')),
  status     TEXT NOT NULL CHECK (status IN ('active', 'revoked', 'locked')),
  sign_pub   BLOB NOT NULL CHECK (length(sign_pub) = 32),
  kex_pub    BLOB NOT NULL CHECK (length(kex_pub) = 32),
  created_at INTEGER NOT NULL
);

CREATE TABLE rooms (
  room_id        TEXT PRIMARY KEY NOT NULL,
  name           TEXT NOT NULL,
  policy         TEXT NOT NULL CHECK (policy IN ('encrypted', 'cleartext')),
  epoch          INTEGER NOT NULL CHECK (epoch >= 1),
  owner          TEXT NOT NULL REFERENCES users (endpoint),
  created_at     INTEGER NOT NULL,
  rekey_required INTEGER NOT NULL DEFAULT 0 CHECK (rekey_required IN (0, 1))
);

CREATE TABLE members (
  room_id   TEXT NOT NULL REFERENCES rooms (room_id),
  endpoint  TEXT NOT NULL REFERENCES users (endpoint),
  role      TEXT NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'reader')),
  joined_at INTEGER NOT NULL,
  UNIQUE (room_id, endpoint)
);
CREATE INDEX members_by_endpoint ON members (endpoint);

CREATE TABLE sealed_keys (
  room_id  TEXT NOT NULL REFERENCES rooms (room_id),
  epoch    INTEGER NOT NULL,
  endpoint TEXT NOT NULL REFERENCES users (endpoint),
  sealed   BLOB NOT NULL,
  PRIMARY KEY (room_id, epoch, endpoint)
);
