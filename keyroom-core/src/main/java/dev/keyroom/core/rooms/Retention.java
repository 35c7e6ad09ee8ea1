package dev.keyroom.core.rooms;

import java.time.Duration;

/** How much history a room keeps: at most {@code count} messages, none older than {@code age}. */
public record Retention(int count, Duration age) {
    public Retention {
        if (count < 1 || age.isNegative() || age.isZero()) {
            throw new IllegalArgumentException("retention keeps at least one message for a positive time");
        }
    }
}
