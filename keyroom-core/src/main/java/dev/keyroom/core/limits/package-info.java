/** Durable abuse state: bans that outlive a restart (DOS-7), and their {@link dev.keyroom.core.limits.Bans} port. */
package dev.keyroom.core.limits;
