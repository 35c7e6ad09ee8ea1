/**
 * The Java SDK: {@link dev.keyroom.client.KeyroomClient}, the resources it hands out ({@link
 * dev.keyroom.client.Users}, {@link dev.keyroom.client.Rooms}, {@link dev.keyroom.client.Messages},
 * {@link dev.keyroom.client.Secrets}, {@link dev.keyroom.client.Blobs}, {@link
 * dev.keyroom.client.Keyring}, {@link dev.keyroom.client.Audit}, {@link dev.keyroom.client.Site}),
 * the data plane's {@link dev.keyroom.client.BusClient}, and how it trusts servers ({@link
 * dev.keyroom.client.ServerTrust}). Imports core's and the protocol's packages, Tink (blob
 * encryption) and the JDK's HTTP client; nothing of the server, the stores or Jetty.
 */
package dev.keyroom.client;
