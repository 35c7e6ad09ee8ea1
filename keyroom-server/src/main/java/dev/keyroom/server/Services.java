package dev.keyroom.server;

import dev.keyroom.core.crypto.Keyring;
import dev.keyroom.core.grants.GatewayView;
import dev.keyroom.core.grants.GrantService;
import dev.keyroom.core.identity.UserService;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.rooms.MessageService;
import dev.keyroom.core.rooms.RoomRules;
import dev.keyroom.core.rooms.RoomService;
import dev.keyroom.core.store.Store;
import dev.keyroom.core.vault.AgentLimits;
import dev.keyroom.core.vault.KeyringService;
import dev.keyroom.core.vault.VaultService;
import dev.keyroom.server.auth.UserDirectory;
import dev.keyroom.server.bus.BusHub;
import dev.keyroom.server.config.Limits;
import dev.keyroom.server.config.ServerConfig;
import dev.keyroom.server.limits.BanList;
import dev.keyroom.server.limits.InflightBudget;
import dev.keyroom.server.limits.RequestGate;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's domain services over its store, and what both planes share in front of them: the
 * identity cache, the live sessions, the bans, the in-flight budget and the gate every request
 * passes. A status change or a member removal made here reaches the cache and the live sessions at
 * once (AUTH-8, AZ-7).
 */
record Services(
        UserDirectory directory,
        BusHub hub,
        UserService users,
        RoomService rooms,
        MessageService messages,
        VaultService vault,
        KeyringService keyrings,
        GrantService grants,
        GatewayView gatewayView,
        BanList bans,
        InflightBudget budget,
        RequestGate gate) {
    private static final Logger log = LoggerFactory.getLogger(Services.class);

    static Services build(
            ServerConfig config,
            DataDir dir,
            Backends backends,
            Clock clock,
            SecureRandom random,
            MeterRegistry metrics)
            throws IOException {
        Store store = backends.store();
        Limits limits = config.limits();
        AtomicReference<Keyring> keyring = new AtomicReference<>(Keyring.loadOrCreate(dir.keyring(), random));
        UserDirectory directory = new UserDirectory(store.users());
        BusHub hub = new BusHub(config.bus().maxSessionsPerIdentity());
        Gauge.builder("keyroom.bus.sessions", hub, BusHub::sessionCount)
                .description("authenticated data-plane sessions")
                .register(metrics);
        UserService users = new UserService(store.users(), clock, (endpoint, status) -> {
            directory.invalidate(endpoint);
            hub.statusChanged(endpoint, status);
        });
        RoomService rooms = new RoomService(
                store.rooms(),
                store.users(),
                clock,
                random,
                new RoomRules(config.cleartextRoomsAllowed()),
                (room, removed, epoch) -> {
                    hub.membersRemoved(room, removed);
                    log.atInfo()
                            .addKeyValue("room", room.value())
                            .addKeyValue("removed", removed.size())
                            .addKeyValue("epoch", epoch)
                            .log("members removed");
                },
                keyring::get);
        MessageService messages = new MessageService(
                store.messages(),
                store.rooms(),
                backends.bus(),
                clock,
                rooms,
                config.retention(),
                config.vault().secretVersions());
        VaultService vault = new VaultService(
                store.secrets(),
                rooms,
                clock,
                random,
                keyring::get,
                new AgentLimits(store.breaches(), users, clock, config.vault().agentLimits()),
                config.vault().secretVersions());
        KeyringService keyrings =
                new KeyringService(store.sealedItems(), dir.keyring(), keyring, random, Thread.ofVirtual()::start);
        InflightBudget budget = new InflightBudget(limits.inflightBudgetBytes(), limits.inflightPerClientBytes());
        Gauge.builder("keyroom.inflight.bytes", budget, InflightBudget::used)
                .description("bytes of request bodies reserved by requests in flight")
                .register(metrics);
        Gauge.builder("keyroom.inflight.capacity.bytes", budget, InflightBudget::capacity)
                .register(metrics);
        BanList bans = new BanList(store.bans(), clock, limits.banAfterRefusals(), limits.banDuration());
        Gauge.builder("keyroom.bans.active", bans, BanList::size).register(metrics);
        RequestGate gate = new RequestGate(limits, clock, budget, bans, metrics);
        GrantService grants = new GrantService(store.grants(), rooms, store.rooms(), clock);
        GatewayView gatewayView = new GatewayView(store.grants(), store.rooms(), store.users(), store.secrets(), clock);
        return new Services(
                directory, hub, users, rooms, messages, vault, keyrings, grants, gatewayView, bans, budget, gate);
    }
}
