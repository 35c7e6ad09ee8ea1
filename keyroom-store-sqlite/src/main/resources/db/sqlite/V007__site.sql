-- REPL-7: the site epoch. A backup applies batches of its own epoch only; promotion raises it; a
-- primary that learns of a higher epoch is fenced and takes no more writes. Site-local: it is not
-- in the change feed, and a backup started from a copy of the primary's store starts at its epoch.
CREATE TABLE site (
  id           INTEGER PRIMARY KEY CHECK (id = 1),
  epoch        INTEGER NOT NULL,
  promoted_key BLOB,     -- the site key of the site promoted to this epoch
  promoted_at  INTEGER,  -- Unix seconds
  fenced_by    INTEGER   -- a higher epoch this site learnt of while it was a primary
);
INSERT INTO site (id, epoch) VALUES (1, 1);
