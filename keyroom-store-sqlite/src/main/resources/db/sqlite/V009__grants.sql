-- Gateway grants (GW-2): a room's owner or admin lets one agent use one secret of the room at one
-- upstream. The signed document and its signature are kept byte for byte (the signature covers
-- those bytes); the other columns are copied from the document to authorize and list by.
CREATE TABLE grants (
  room_id    TEXT NOT NULL REFERENCES rooms (room_id),
  grant_id   TEXT NOT NULL,
  agent      TEXT NOT NULL,
  granter    TEXT NOT NULL,
  secret     TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  document   BLOB NOT NULL,
  signature  BLOB NOT NULL,
  PRIMARY KEY (room_id, grant_id)
);
