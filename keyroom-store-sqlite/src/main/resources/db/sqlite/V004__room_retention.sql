-- Per-room history retention; NULL means the server's default (messages.retain_count / retain_days).
ALTER TABLE rooms ADD COLUMN retain_count INTEGER;
ALTER TABLE rooms ADD COLUMN retain_days INTEGER;
