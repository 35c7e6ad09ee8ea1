package dev.keyroom.core.grants;

import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.Users;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.rooms.Member;
import dev.keyroom.core.rooms.MemberView;
import dev.keyroom.core.rooms.Membership;
import dev.keyroom.core.rooms.Rooms;
import dev.keyroom.core.vault.SecretInfo;
import dev.keyroom.core.vault.Secrets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a gateway polls (GW-2): every room its identity is a member of that holds a live grant,
 * with what honouring those grants needs to know now: who the agents and granters are, their room
 * roles, keys and status, and which version of each granted secret is current. Reads only, a few
 * queries a room, since a gateway asks several times a second; it writes and audits nothing.
 */
public final class GatewayView {
    private final Grants grants;
    private final Rooms rooms;
    private final Users users;
    private final Secrets secrets;
    private final Clock clock;

    public GatewayView(Grants grants, Rooms rooms, Users users, Secrets secrets, Clock clock) {
        this.grants = grants;
        this.rooms = rooms;
        this.users = users;
        this.secrets = secrets;
        this.clock = clock;
    }

    /** The caller's rooms that hold a live grant, by room id. */
    public List<RoomGrants> of(User caller) {
        List<RoomGrants> out = new ArrayList<>();
        List<Membership> mine = new ArrayList<>(rooms.roomsOf(caller.endpoint()));
        mine.sort(Comparator.comparing(m -> m.room().id().value()));
        for (Membership m : mine) {
            room(m).ifPresent(out::add);
        }
        return out;
    }

    private Optional<RoomGrants> room(Membership m) {
        var now = clock.now();
        List<Grant> live = new ArrayList<>();
        for (Grant g : grants.list(m.room().id())) {
            if (!g.expiredAt(now)) {
                live.add(g);
            }
        }
        if (live.isEmpty()) {
            return Optional.empty();
        }
        live.sort(Comparator.comparing(Grant::grantId));
        Set<EndpointId> named = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (Grant g : live) {
            named.add(g.agent());
            named.add(g.granter());
            names.add(g.secret());
        }
        List<MemberView> members = new ArrayList<>();
        for (Member member : rooms.members(m.room().id())) {
            if (named.contains(member.endpoint())) {
                users.find(member.endpoint()).ifPresent(u -> members.add(new MemberView(member, u)));
            }
        }
        members.sort(Comparator.comparing(v -> v.member().endpoint().value()));
        SortedMap<String, Long> versions = new TreeMap<>();
        for (SecretInfo s : secrets.list(m.room().id())) {
            if (names.contains(s.name())) {
                versions.put(s.name(), s.version());
            }
        }
        return Optional.of(new RoomGrants(m.room(), List.copyOf(members), List.copyOf(live), versions));
    }
}
