package dev.keyroom.protocol.envelope;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.rooms.MessageService;

/**
 * Reads what a caller publishes, over REST or the data plane alike: a well-formed envelope, sent by
 * the caller and signed by the caller's key. The room rules are {@link MessageService}'s.
 */
public final class PublishedEnvelope {
    private PublishedEnvelope() {}

    /** The envelope in {@code bytes}, as the service needs it; BAD_REQUEST when it is not the caller's. */
    public static MessageService.Published signedBy(User caller, byte[] bytes) {
        Envelope e;
        try {
            e = Envelope.parse(bytes);
        } catch (Envelope.FormatException ex) {
            throw KeyroomException.badRequest("malformed envelope: " + ex.getMessage());
        }
        if (!e.sender().equals(caller.endpoint())) {
            throw KeyroomException.badRequest("the envelope's sender is not the caller");
        }
        if (!e.signatureValid(caller.signPub())) {
            throw KeyroomException.badRequest("the envelope's signature does not verify");
        }
        return new MessageService.Published(e.room(), e.epoch(), e.sender(), e.messageIdHex(), e.encrypted(), bytes);
    }
}
