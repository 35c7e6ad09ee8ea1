package dev.keyroom.store.sqlite;

import static dev.keyroom.store.sqlite.Sql.first;
import static dev.keyroom.store.sqlite.Sql.update;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.store.Change;
import dev.keyroom.core.vault.Breaches;
import java.time.Instant;

/** {@link Breaches} in the {@code agent_breaches} table. */
record SqliteBreaches(ChangeJournal journal) implements Breaches {
    @Override
    public int record(EndpointId agent, Instant at, Instant since) {
        return journal.recorded(new Change.RecordBreach(agent, at, since), r -> true, c -> {
            update(c, "INSERT INTO agent_breaches (endpoint, at) VALUES (?, ?)", agent.value(), at.toEpochMilli());
            update(c, "DELETE FROM agent_breaches WHERE endpoint = ? AND at < ?", agent.value(), since.toEpochMilli());
            return first(
                            c,
                            "SELECT count(*) FROM agent_breaches WHERE endpoint = ? AND at >= ?",
                            rs -> rs.getInt(1),
                            agent.value(),
                            since.toEpochMilli())
                    .orElse(0);
        });
    }
}
