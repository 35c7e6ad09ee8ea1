/**
 * Benchmarks: JMH for per-request costs ({@link dev.keyroom.bench.AuthBenchmark}, {@link
 * dev.keyroom.bench.LimitsBenchmark}, {@link dev.keyroom.bench.ApplyBenchmark}) and load generators
 * for end-to-end throughput ({@link dev.keyroom.bench.SignedLoad}, {@link
 * dev.keyroom.bench.FanoutLoad}, ...). Figures go to {@code docs/benchmarks.md}. Imports what it
 * measures: core's and the protocol's packages, {@code client}, {@code server} and several {@code
 * server.*} packages, both stores and {@code testkit}, with JMH, jnats, Jetty and Micrometer.
 */
package dev.keyroom.bench;
