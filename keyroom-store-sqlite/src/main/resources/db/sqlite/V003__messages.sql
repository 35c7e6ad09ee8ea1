-- Room message history. Sequences never repeat, even after retention drops old messages.
ALTER TABLE rooms ADD COLUMN last_seq INTEGER NOT NULL DEFAULT 0;

CREATE TABLE messages (
  room_id     TEXT NOT NULL REFERENCES rooms (room_id),
  seq         INTEGER NOT NULL,
  message_id  TEXT NOT NULL,
  sender      TEXT NOT NULL,
  epoch       INTEGER NOT NULL,
  envelope    BLOB NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (room_id, seq),
  UNIQUE (room_id, message_id)
);
CREATE INDEX messages_by_time ON messages (room_id, received_at);
