package dev.keyroom.client;

import dev.keyroom.core.identity.Identity;
import dev.keyroom.core.port.Clock;
import java.security.SecureRandom;

/**
 * The base of the SDK's resource classes ({@link Users}, {@link Rooms}, {@link Messages} and the
 * rest): each works through the client's shared {@link ClientContext}, so what they use of it is
 * declared and set here once rather than in every resource's own fields and constructor.
 */
abstract class Resource {
    final SignedTransport transport;
    final Identity identity;
    final SecureRandom random;
    final Clock clock;
    final RoomKeyCache keys;

    Resource(ClientContext context) {
        this.transport = context.transport();
        this.identity = context.identity();
        this.random = context.random();
        this.clock = context.clock();
        this.keys = context.keys();
    }
}
