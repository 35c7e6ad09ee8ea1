/**
 * Test support shared by every module: the contract suites each port implementation extends ({@link
 * dev.keyroom.testkit.StoreContract}, {@link dev.keyroom.testkit.NonceStoreContract}, {@link
 * dev.keyroom.testkit.BusContract}, ...), fixtures, a settable clock, free ports and real NATS
 * server processes. Imports core's packages, JUnit 5, AssertJ and Awaitility; no store
 * implementation, so that each store's own tests can extend it.
 */
package dev.keyroom.testkit;
