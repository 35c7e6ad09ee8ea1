/** Server configuration: the YAML file, flag overrides and the validation that refuses insecure setups. */
package dev.keyroom.server.config;
