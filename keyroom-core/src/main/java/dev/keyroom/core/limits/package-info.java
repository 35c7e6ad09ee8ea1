/**
 * Durable abuse state: the {@link dev.keyroom.core.limits.Ban} that outlives a restart (DOS-7) and
 * its {@link dev.keyroom.core.limits.Bans} port. Imports nothing but the JDK; the rate limits that
 * decide a ban are the server's.
 */
package dev.keyroom.core.limits;
