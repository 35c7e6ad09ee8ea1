/**
 * Test support shared by every module: the contract suites each port implementation extends
 * ({@link dev.keyroom.testkit.StoreContract}, {@link dev.keyroom.testkit.NonceStoreContract}),
 * fixtures and a settable clock.
 */
package dev.keyroom.testkit;
