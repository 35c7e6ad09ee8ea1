package dev.keyroom.bench;

/**
 * One measured run of {@link ClientParity}: its rate, what it counted, its length in seconds, and the
 * CPU time spent meanwhile by the harness JVM (with the node in it) and by the child process that
 * ran the client, when there was one ({@link #NO_CHILD} otherwise).
 */
record Measured(double rate, String detail, double seconds, long harnessCpuNanos, long childCpuNanos) {
    static final long NO_CHILD = -1;

    /** What the run's CPU came to, as cores busy on average and CPU microseconds per operation. */
    String cpu() {
        double operations = rate * seconds;
        String harness = String.format(
                "harness JVM %.2f cores, %.0f us/op", cores(harnessCpuNanos), harnessCpuNanos / 1e3 / operations);
        if (childCpuNanos == NO_CHILD) {
            return harness;
        }
        return String.format(
                "TypeScript process %.2f cores, %.0f us/op; %s",
                cores(childCpuNanos), childCpuNanos / 1e3 / operations, harness);
    }

    private double cores(long cpuNanos) {
        return cpuNanos / 1e9 / seconds;
    }
}
