package dev.keyroom.core.site;

import java.time.Instant;

/** One recorded change ({@code ChangeCodec}'s form) and its place in a site's change feed (REPL-2). */
public record FeedEntry(long seq, byte[] change, Instant at) {}
