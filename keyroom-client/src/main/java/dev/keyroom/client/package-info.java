/**
 * The Java SDK: {@link dev.keyroom.client.KeyroomClient}, the resources it hands out ({@link
 * dev.keyroom.client.Users}, {@link dev.keyroom.client.Rooms}, {@link dev.keyroom.client.Messages},
 * {@link dev.keyroom.client.Secrets}, {@link dev.keyroom.client.Blobs}, {@link
 * dev.keyroom.client.Keyring}, {@link dev.keyroom.client.Audit}, {@link dev.keyroom.client.Site}),
 * the data plane's {@link dev.keyroom.client.BusClient}, and how it trusts servers.
 */
package dev.keyroom.client;
