/**
 * Site replication as data (issue 7, ADR 0003, ADR 0004): every write of the store as a {@link
 * dev.keyroom.core.site.Change} command with its binary codec, what an applied change means for a
 * node's sessions ({@link dev.keyroom.core.site.ChangeEffects}), and the records of the {@link
 * dev.keyroom.core.port.SiteLog} port. Imports the domain and the ports only.
 */
package dev.keyroom.core.site;
