package dev.keyroom.server.console;

import dev.keyroom.core.identity.UserService;
import dev.keyroom.core.identity.Users;
import dev.keyroom.core.limits.Bans;
import dev.keyroom.core.port.Clock;
import dev.keyroom.core.rooms.RoomCensus;
import dev.keyroom.core.rooms.Rooms;
import dev.keyroom.protocol.dto.HealthDtos;
import dev.keyroom.server.audit.AuditTrail;
import dev.keyroom.server.auth.UserDirectory;
import dev.keyroom.server.limits.BanList;
import dev.keyroom.server.limits.RequestGate;
import dev.keyroom.server.replication.SiteRole;
import dev.keyroom.server.web.ClientAddresses;
import dev.keyroom.server.web.RequestIds;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the console reads and changes the node through: the same services, ports and limits as the
 * client listener's routes, handed over by the composition root. The console holds no state of
 * the store's: only its sessions and its chart samples.
 */
public record ConsolePorts(
        UserService userService,
        UserDirectory directory,
        Users users,
        Rooms rooms,
        RoomCensus census,
        Bans bans,
        BanList banList,
        AuditTrail audit,
        RequestGate gate,
        ClientAddresses addresses,
        RequestIds ids,
        SiteRole site,
        MeterRegistry metrics,
        Supplier<HealthDtos.Posture> posture,
        Supplier<List<String>> clusterServers,
        String version,
        Clock clock,
        SecureRandom random) {}
