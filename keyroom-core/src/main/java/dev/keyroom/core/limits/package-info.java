/** Durable abuse state: bans that outlive a restart (DOS-7). */
package dev.keyroom.core.limits;
