-- REPL-2: blobs go to a backup apart from the changes, by address. A primary that feeds a backup
-- records each blob stored (or stored again) here, and forgets it once the backup holds the bytes.
CREATE TABLE blob_feed (
  seq    INTEGER PRIMARY KEY AUTOINCREMENT,
  room   TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  at     INTEGER NOT NULL
);
