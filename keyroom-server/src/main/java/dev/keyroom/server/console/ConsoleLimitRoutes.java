package dev.keyroom.server.console;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.Access;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import dev.keyroom.core.identity.Users;
import dev.keyroom.core.limits.Ban;
import dev.keyroom.core.limits.Bans;
import dev.keyroom.core.port.Clock;
import dev.keyroom.server.http.Reply;
import dev.keyroom.server.http.Router;
import dev.keyroom.server.limits.BanList;
import java.util.List;
import java.util.Optional;

/**
 * The console's limits: the bans in force (stored, so every node's, DOS-7), the agents locked for
 * harvesting secrets (AZ-6), the addresses and identities their buckets refused most in the last
 * hour on this node; and lifting a ban, which deletes it from the store and, through the change it
 * makes, on every node of a cluster.
 */
record ConsoleLimitRoutes(Bans bans, BanList banList, Users users, Clock clock) {
    static final int MOST_REFUSED = 10;

    /** A ban; {@code name} is the identity's, for an {@code id:} subject. */
    record BanRow(String subject, String until, String reason, String name) {}

    record Refused(String subject, int refusals, String name) {}

    record LimitsView(List<BanRow> bans, List<ConsoleUserRoutes.UserRow> locked, List<Refused> mostRefused) {}

    record Lift(String subject) {}

    record Lifted(String subject, boolean lifted) {}

    void register(Router router) {
        router.add("GET", "/console/api/limits", c -> {
            Access.requireAdmin(c.caller());
            List<BanRow> active = bans.active(clock.now()).stream()
                    .map(b -> new BanRow(b.subject(), ConsoleRoomRoutes.time(b.until()), b.reason(), name(b.subject())))
                    .toList();
            List<ConsoleUserRoutes.UserRow> locked = users.list().stream()
                    .filter(u -> u.status() == UserStatus.LOCKED)
                    .map(ConsoleUserRoutes.UserRow::of)
                    .toList();
            List<Refused> most = banList.mostRefused(MOST_REFUSED).stream()
                    .map(r -> new Refused(r.subject(), r.refusals(), name(r.subject())))
                    .toList();
            return Reply.ok(new LimitsView(active, locked, most));
        });
        router.add("POST", "/console/api/bans/lift", c -> {
            Lift lift = c.json(Lift.class);
            if (lift.subject() == null
                    || lift.subject().isEmpty()
                    || lift.subject().length() > Ban.MAX_SUBJECT_LENGTH) {
                throw KeyroomException.badRequest("subject is the ban's subject, e.g. addr:192.0.2.7");
            }
            if (!banList.lift(lift.subject())) {
                throw KeyroomException.notFound();
            }
            return Reply.ok(new Lifted(lift.subject(), true)).about("/console/api/bans/" + lift.subject());
        });
    }

    private String name(String subject) {
        if (!subject.startsWith("id:") || !EndpointId.isWellFormed(subject.substring(3))) {
            return null;
        }
        Optional<User> u = users.find(new EndpointId(subject.substring(3)));
        return u.map(User::name).orElse(null);
    }
}
