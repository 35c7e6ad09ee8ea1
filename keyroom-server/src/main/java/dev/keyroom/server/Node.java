package dev.keyroom.server;

import dev.keyroom.core.port.Clock;
import dev.keyroom.server.audit.AuditTrail;
import dev.keyroom.server.config.ServerConfig;
import dev.keyroom.server.replication.SiteRole;
import dev.keyroom.server.web.RequestIds;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;

/** The parts of a starting node that its planes and its site wiring are built from. */
record Node(
        ServerConfig config,
        DataDir dir,
        Clock clock,
        SecureRandom random,
        Backends backends,
        AuditTrail audit,
        MeterRegistry metrics,
        Services services,
        SiteRole site,
        RequestIds ids) {}
