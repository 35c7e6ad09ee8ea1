-- Bans of client addresses and identities that outlive a restart (DOS-7).
CREATE TABLE bans (
  subject TEXT PRIMARY KEY NOT NULL,
  until   INTEGER NOT NULL,
  reason  TEXT NOT NULL
);
CREATE INDEX bans_by_until ON bans (until);
