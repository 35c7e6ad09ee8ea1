/**
 * Site replication's port (ADR 0003, ADR 0004): the {@link dev.keyroom.core.site.SiteLog} of a
 * site's epoch, its change feed and its blob outbox, the records it hands out ({@link
 * dev.keyroom.core.site.Site}, {@link dev.keyroom.core.site.FeedEntry}, {@link
 * dev.keyroom.core.site.BlobEntry}), and what an applied change means for a node's sessions ({@link
 * dev.keyroom.core.site.ChangeEffects}). The changes themselves are in {@code core.store}. Imports
 * {@code core.identity}, {@code core.limits} and {@code core.rooms}; never {@code core.store}.
 */
package dev.keyroom.core.site;
