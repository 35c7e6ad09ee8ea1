package dev.keyroom.server.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Counts the control plane's answers by outcome, as the counter {@code keyroom.requests{outcome=...}}:
 * {@code ok} (below 400), {@code denied} (401, 403), {@code limited} (429 and 503: a limit, the
 * budget, a backup's refusal, the audit log), {@code invalid} (any other 4xx) and {@code error}
 * (any other 5xx, and a response that failed to complete). What the console's charts are drawn from.
 */
public final class RequestOutcomes extends Handler.Wrapper {
    /** The outcomes, as the counter's tag values. */
    public enum Outcome {
        OK,
        DENIED,
        LIMITED,
        INVALID,
        ERROR;

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }

        public static Outcome of(int status) {
            if (status < 400) {
                return OK;
            }
            return switch (status) {
                case 401, 403 -> DENIED;
                case 429, 503 -> LIMITED;
                default -> status < 500 ? INVALID : ERROR;
            };
        }
    }

    public static final String METER = "keyroom.requests";

    private final Counter[] counters = new Counter[Outcome.values().length];

    public RequestOutcomes(MeterRegistry metrics, Handler next) {
        super(next);
        for (Outcome o : Outcome.values()) {
            counters[o.ordinal()] = Counter.builder(METER)
                    .tag("outcome", o.tag())
                    .description("control-plane requests answered, by outcome")
                    .register(metrics);
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        return super.handle(request, response, new Callback.Nested(callback) {
            @Override
            public void succeeded() {
                counters[Outcome.of(response.getStatus()).ordinal()].increment();
                super.succeeded();
            }

            @Override
            public void failed(Throwable x) {
                counters[Outcome.ERROR.ordinal()].increment();
                super.failed(x);
            }
        });
    }
}
