/**
 * Server configuration: the YAML file ({@link dev.keyroom.server.config.ConfigFile}), flag
 * overrides, one settings record per section, and the validated {@link
 * dev.keyroom.server.config.ServerConfig} that refuses insecure setups, each problem saying what to
 * change. Imports {@code core.crypto}, {@code core.rooms}, {@code core.vault} and Jackson (YAML);
 * no other {@code server} package and no Jetty, so that every {@code server} package may import it.
 */
package dev.keyroom.server.config;
