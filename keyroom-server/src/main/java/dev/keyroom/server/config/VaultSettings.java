package dev.keyroom.server.config;

import static dev.keyroom.server.config.Problems.field;

import dev.keyroom.core.vault.AgentLimits;
import java.time.Duration;

/** The vault (the {@code vault:} section): versions of a secret kept, and the agents' read limits (AZ-6). */
public record VaultSettings(int secretVersions, AgentLimits.Settings agentLimits) {
    static VaultSettings from(ConfigFile.Vault v, Problems problems) {
        return new VaultSettings(
                problems.within("vault.secret_versions", field(v, ConfigFile.Vault::secretVersions), 5, 1, 1000),
                new AgentLimits.Settings(
                        problems.within(
                                "vault.agent_reads_per_minute",
                                field(v, ConfigFile.Vault::agentReadsPerMinute),
                                3,
                                1,
                                10_000),
                        problems.within(
                                "vault.agent_reads_per_hour",
                                field(v, ConfigFile.Vault::agentReadsPerHour),
                                10,
                                1,
                                100_000),
                        Duration.ofHours(problems.within(
                                "vault.agent_lock_hours", field(v, ConfigFile.Vault::agentLockHours), 2, 1, 24 * 30))));
    }
}
