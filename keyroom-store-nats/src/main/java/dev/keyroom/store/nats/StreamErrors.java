package dev.keyroom.store.nats;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.error.KeyroomException;
import java.sql.SQLException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** How the state stream's failures and outcomes become the store's errors (CL-3, CL-5). */
final class StreamErrors {
    private StreamErrors() {}

    /** The cluster cannot answer now: callers deciding authentication or authorization deny. */
    static KeyroomException unavailable(String what, Throwable cause) {
        return new KeyroomException(ErrorCode.OVERLOADED, what, cause);
    }

    /** The cause of a failed future, as a store error. */
    static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof KeyroomException ? t : new KeyroomException(ErrorCode.INTERNAL, "apply failed", t);
    }

    /** A failed submission as the caller's error: a timeout may or may not have stored the change. */
    static KeyroomException asKeyroom(Throwable t) {
        t = unwrap(t);
        if (t instanceof TimeoutException) {
            return unavailable("the cluster did not answer in time; the change may or may not be stored", t);
        }
        if (t instanceof KeyroomException k) {
            return new KeyroomException(k.code(), k.getMessage(), k);
        }
        return unavailable("the cluster failed", t);
    }

    /**
     * A failure of this node's replica rather than an outcome of the command: it timed out, or its
     * database could not read or write. Applying on would diverge from the other nodes.
     */
    static boolean isReplicaFailure(Object outcome) {
        if (!(outcome instanceof KeyroomException e)) {
            return false;
        }
        if (e.code() == ErrorCode.OVERLOADED) {
            return true;
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof SQLException s) {
                String m = String.valueOf(s.getMessage());
                return m.contains("SQLITE_FULL")
                        || m.contains("SQLITE_IOERR")
                        || m.contains("SQLITE_CORRUPT")
                        || m.contains("SQLITE_CANTOPEN")
                        || m.contains("SQLITE_READONLY");
            }
        }
        return false;
    }
}
