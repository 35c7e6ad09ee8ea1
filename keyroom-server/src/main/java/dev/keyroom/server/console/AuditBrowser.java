package dev.keyroom.server.console;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.protocol.audit.AuditChain;
import dev.keyroom.server.audit.AuditTrail;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The audit log as the console pages through it: newest first, filtered, at most {@link #MAX_SCAN}
 * entries read per call (a page that found too few says where to go on), and the hash chain of
 * every entry read checked: each entry's hash over its line (checked as it is read), each {@code
 * prev_hash} the hash of the entry before, and the first entry read linked to the one before it.
 * The signed checkpoints are checked by {@code keyroom audit verify}, not here.
 */
final class AuditBrowser {
    static final int WINDOW = 1_000;
    static final int MAX_SCAN = 20_000;
    static final int MAX_LIMIT = 200;

    /** What an entry must match; an empty part matches everything. Text parts ignore case. */
    record Filter(
            Optional<String> actor,
            Optional<String> action,
            Optional<String> outcome,
            Optional<String> resource,
            Optional<Instant> from,
            Optional<Instant> to) {
        static final Filter ALL = new Filter(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty());

        boolean matches(AuditChain.Entry e) {
            return prefix(actor, e.actor())
                    && action.map(a -> a.equalsIgnoreCase(e.action())).orElse(true)
                    && prefix(outcome, e.outcome())
                    && resource.map(r -> lower(e.resource()).contains(lower(r))).orElse(true)
                    && from.map(f -> !time(e).isBefore(f)).orElse(true)
                    && to.map(t -> time(e).isBefore(t)).orElse(true);
        }

        private static boolean prefix(Optional<String> p, String value) {
            return p.map(v -> lower(value).startsWith(lower(v))).orElse(true);
        }
    }

    /** The chain over the entries {@code from..to} read for a page: whether it holds, and if not, where it breaks. */
    record Chain(long from, long to, boolean ok, String problem) {}

    /**
     * A page: the entries (newest first), the log's last seq when read, where the next older page
     * starts ({@code before}; null at the log's start) and the chain of what was read.
     */
    record Page(List<AuditChain.Entry> entries, long last, Long nextBefore, Chain chain) {}

    private final AuditTrail trail;

    AuditBrowser(AuditTrail trail) {
        this.trail = trail;
    }

    /** Up to {@code limit} matches with a seq below {@code before} (0: from the newest), newest first. */
    Page before(Filter f, long before, int limit) {
        long last = trail.lastSeq();
        long hi = before <= 0 || before > last + 1 ? last : before - 1;
        List<AuditChain.Entry> matched = new ArrayList<>();
        long lo = hi + 1;
        AuditChain.Entry later = null;
        String problem = null;
        int scanned = 0;
        boolean past = false;
        try {
            while (matched.size() < limit && lo > 1 && scanned < MAX_SCAN && !past && problem == null) {
                long a = Math.max(1, lo - WINDOW);
                List<AuditChain.Entry> w = trail.after(a - 1, (int) (lo - a));
                problem = linked(w, later);
                for (int i = w.size() - 1; i >= 0 && matched.size() < limit; i--) {
                    AuditChain.Entry e = w.get(i);
                    if (f.matches(e)) {
                        matched.add(e);
                    }
                    past |= f.from().map(t -> time(e).isBefore(t)).orElse(false);
                }
                scanned += w.size();
                lo = a;
                later = w.isEmpty() ? later : w.getFirst();
            }
            if (problem == null && later != null) {
                problem = linkedToPrevious(later);
            }
        } catch (KeyroomException e) {
            problem = unreadable(e, lo);
        }
        Long next = null;
        if (matched.size() == limit && matched.getLast().seq() > 1) {
            next = matched.getLast().seq();
        } else if (!past && lo > 1 && problem == null) {
            next = lo; // the scan stopped at its bound: the next page goes on from there
        }
        return new Page(matched, last, next, new Chain(Math.min(lo, hi), hi, problem == null, problem));
    }

    /** Matches with a seq above {@code after} (live following), newest first; at most {@link #WINDOW} read. */
    Page after(Filter f, long after) {
        long last = trail.lastSeq();
        List<AuditChain.Entry> matched = new ArrayList<>();
        String problem = null;
        long to = after;
        try {
            List<AuditChain.Entry> w = trail.after(after, WINDOW);
            problem = linked(w, null);
            if (problem == null && !w.isEmpty()) {
                problem = linkedToPrevious(w.getFirst());
            }
            for (int i = w.size() - 1; i >= 0; i--) {
                if (f.matches(w.get(i))) {
                    matched.add(w.get(i));
                }
            }
            to = w.isEmpty() ? after : w.getLast().seq();
        } catch (KeyroomException e) {
            problem = unreadable(e, after + 1);
        }
        return new Page(matched, Math.max(last, to), null, new Chain(after + 1, to, problem == null, problem));
    }

    /** The problem of window {@code w} (ascending, contiguous) and its link to {@code later}, the first entry after it. */
    private static String linked(List<AuditChain.Entry> w, AuditChain.Entry later) {
        for (int i = 1; i < w.size(); i++) {
            String p = link(w.get(i - 1), w.get(i));
            if (p != null) {
                return p;
            }
        }
        return later == null || w.isEmpty() ? null : link(w.getLast(), later);
    }

    private String linkedToPrevious(AuditChain.Entry first) {
        if (first.seq() == 1) {
            return first.prevHash().equals(AuditChain.GENESIS)
                    ? null
                    : "entry 1: prev_hash is not the genesis value (the log's start was rewritten)";
        }
        List<AuditChain.Entry> before = trail.after(first.seq() - 2, 1);
        return before.isEmpty() ? "entry " + (first.seq() - 1) + ": missing" : link(before.getFirst(), first);
    }

    private static String link(AuditChain.Entry earlier, AuditChain.Entry e) {
        if (e.seq() != earlier.seq() + 1) {
            return "entry " + (earlier.seq() + 1) + ": found seq " + e.seq()
                    + " instead (entries deleted, inserted or reordered)";
        }
        if (!e.prevHash().equals(earlier.hash())) {
            return "entry " + e.seq() + ": prev_hash is not the hash of entry " + earlier.seq()
                    + " (entries deleted, inserted, reordered or rewritten)";
        }
        return null;
    }

    private static String unreadable(KeyroomException e, long near) {
        if (e.code() != ErrorCode.INTERNAL) {
            throw e;
        }
        return "the log cannot be read back near entry " + near
                + ": an entry does not match its hash (edited); run keyroom audit verify";
    }

    static Instant time(AuditChain.Entry e) {
        try {
            return Instant.parse(e.time());
        } catch (DateTimeParseException x) {
            return Instant.EPOCH;
        }
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }
}
