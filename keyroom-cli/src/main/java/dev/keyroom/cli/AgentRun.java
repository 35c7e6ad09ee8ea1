package dev.keyroom.cli;

import dev.keyroom.client.GatewaySession;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One program's run behind a gateway session: renews the session while the program runs (a session
 * lasts minutes at most, a program may run for hours), and ends it when the program ends or when
 * this process is told to stop, passing the stop on to the program first. Closing is idempotent,
 * since the shutdown hook and the normal path may both get there.
 */
final class AgentRun implements AutoCloseable {
    /** How long a stopped program gets to exit before the session is ended anyway. */
    private static final Duration GRACE = Duration.ofSeconds(10);

    private final GatewaySession session;
    private final ScheduledExecutorService renewals;
    private final PrintWriter err;
    private boolean closed;

    AgentRun(GatewaySession session, Duration every, PrintWriter err) {
        this.session = session;
        this.err = err;
        this.renewals = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "keyroom-run-renewal");
            t.setDaemon(true);
            return t;
        });
        renewals.scheduleAtFixedRate(this::renew, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
    }

    GatewaySession session() {
        return session;
    }

    /**
     * Starts {@code pb} and waits for it; SIGTERM or SIGINT to this process stops the program, then
     * ends the session and runs {@code cleanup}. Returns the program's exit status; a program that
     * cannot be started is reported in one line and gives 127, as a shell does.
     */
    int supervise(ProcessBuilder pb, Runnable cleanup) throws InterruptedException {
        Process child;
        try {
            child = pb.start();
        } catch (IOException e) {
            return Failures.report(
                    new CliFailure(
                            CliFailure.Code.PROGRAM_NOT_STARTED,
                            "cannot start " + pb.command().getFirst() + ": " + reason(e),
                            "check the program's name and PATH"),
                    err,
                    false);
        }
        Thread hook = new Thread(
                () -> {
                    child.destroy();
                    try {
                        child.waitFor(GRACE.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    close();
                    cleanup.run();
                },
                "keyroom-run-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return child.waitFor();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or has run; it ends the session.
            }
        }
    }

    private void renew() {
        try {
            session.renew();
        } catch (RuntimeException e) {
            err.println("keyroom: could not renew the gateway session (it ends at " + session.expires() + "): "
                    + Failures.sentence(e));
            err.flush();
        }
    }

    /** Stops renewing and ends the session on the gateway, which cuts its tunnels at once. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        renewals.shutdownNow();
        try {
            session.close();
        } catch (RuntimeException e) {
            err.println("keyroom: could not end the gateway session; it expires at " + session.expires() + ": "
                    + Failures.sentence(e));
            err.flush();
        }
    }

    /** The JDK's "Cannot run program ...: error=2, No such file or directory", as its last part. */
    private static String reason(IOException e) {
        String m = Failures.sentence(e);
        int comma = m.lastIndexOf(", ");
        return comma >= 0 ? m.substring(comma + 2) : m;
    }
}
