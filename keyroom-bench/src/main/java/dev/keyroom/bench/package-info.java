/** Benchmarks: JMH for per-request costs, load generators for end-to-end throughput. Figures go to docs/benchmarks.md. */
package dev.keyroom.bench;
