package dev.keyroom.testkit;

import dev.keyroom.core.port.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that tests set and move by hand. Thread-safe. */
public final class TestClock implements Clock {
    private final AtomicReference<Instant> now;

    public TestClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    public static TestClock atSystemTime() {
        return new TestClock(Instant.ofEpochSecond(Instant.now().getEpochSecond()));
    }

    @Override
    public Instant now() {
        return now.get();
    }

    public void advance(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }

    public void set(Instant t) {
        now.set(t);
    }
}
