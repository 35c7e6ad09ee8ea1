/**
 * TLS material: {@link dev.keyroom.server.tls.TlsMaterial}, the self-signed certificate made at
 * init, its key file and its SPKI pin; the {@link dev.keyroom.server.tls.SslContexts} of a node's
 * listeners; and the {@link dev.keyroom.server.tls.TlsReloader} that takes a new pair without a
 * restart. Imports {@code core.crypto}, {@code server.config}, BouncyCastle (certificates), Jetty
 * and SLF4J.
 */
package dev.keyroom.server.tls;
