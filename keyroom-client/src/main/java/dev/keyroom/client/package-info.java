/** The Java SDK: {@link dev.keyroom.client.KeyroomClient} and how it trusts servers. */
package dev.keyroom.client;
