package dev.keyroom.core.vault;

import java.time.Instant;

/** A live secret's name, latest version and when that was written. */
public record SecretInfo(String name, long version, Instant updatedAt) {}
