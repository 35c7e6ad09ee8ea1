-- REPL-2: every change, in the transaction that makes it, with a monotonic sequence; kept until
-- a backup has acknowledged it. REPL-6: on a backup, the last sequence of the primary's feed applied.
CREATE TABLE change_feed (
  seq    INTEGER PRIMARY KEY AUTOINCREMENT,
  change BLOB NOT NULL,
  at     INTEGER NOT NULL
);
CREATE TABLE feed_watermark (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  applied INTEGER NOT NULL
);
INSERT INTO feed_watermark (id, applied) VALUES (1, 0);
