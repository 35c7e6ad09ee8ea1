package dev.keyroom.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-request benchmarks' common ground: a pool of requests signed in setup, outside the
 * measurement, over a real SQLite store; the average time of one call in microseconds, 3 warm-up
 * and 5 measured iterations of 2 s in one fork. Subclasses add what they measure after {@link
 * #pool} exists.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public abstract class PooledRequestBenchmark {
    SignedRequestPool pool;

    @Setup(Level.Trial)
    public void openPool() throws Exception {
        pool = new SignedRequestPool();
        prepare();
    }

    /** What a subclass builds on the pool, once per trial. */
    protected abstract void prepare() throws Exception;

    @TearDown(Level.Trial)
    public void closePool() throws Exception {
        pool.close();
    }
}
