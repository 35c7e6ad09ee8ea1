/**
 * Test support shared by every module: the contract suites each port implementation extends
 * ({@link dev.keyroom.testkit.StoreContract}, {@link dev.keyroom.testkit.NonceStoreContract},
 * {@link dev.keyroom.testkit.AuditLogContract}), fixtures, a settable clock and a file channel
 * that fails on demand. Fixtures that run real nodes need the server, so they live in {@code
 * keyroom-testkit-node} (ADR 0006).
 */
package dev.keyroom.testkit;
