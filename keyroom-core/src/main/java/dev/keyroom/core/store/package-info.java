/**
 * The store as a whole: {@link dev.keyroom.core.store.Store} hands out each aggregate's port and
 * states the guarantees they share; {@link dev.keyroom.core.store.Change} is every write as a
 * command with its binary codec ({@link dev.keyroom.core.store.ChangeCodec}), which a replicated
 * store agrees on and a backup site applies; {@link dev.keyroom.core.store.Effects} says what an
 * applied change means for a node's sessions. Imports the aggregates' packages ({@code
 * core.identity}, {@code core.rooms}, {@code core.vault}, {@code core.limits}, {@code core.site})
 * with {@code core.crypto} and {@code core.error}; no other core package imports it.
 */
package dev.keyroom.core.store;
