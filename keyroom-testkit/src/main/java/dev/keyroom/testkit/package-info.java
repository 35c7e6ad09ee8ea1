/**
 * Test support shared by every module: the contract suites each port implementation extends ({@link
 * dev.keyroom.testkit.StoreContract}, {@link dev.keyroom.testkit.NonceStoreContract}, {@link
 * dev.keyroom.testkit.BusContract}, {@link dev.keyroom.testkit.AuditLogContract}, ...), fixtures, a
 * settable clock, free ports, real NATS server processes and a file channel that fails on demand.
 * Imports core's packages, jnats, JUnit 5, AssertJ and Awaitility; no store
 * and no server, so that each store's own tests can extend it. Fixtures that run real nodes need
 * the server, so they live in {@code keyroom-testkit-node} (ADR 0006).
 */
package dev.keyroom.testkit;
