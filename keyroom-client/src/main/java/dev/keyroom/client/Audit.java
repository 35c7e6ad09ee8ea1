package dev.keyroom.client;

import dev.keyroom.protocol.audit.AuditChain;
import dev.keyroom.protocol.dto.AuditDtos;
import java.util.List;

/** The site's audit log (admin). */
public final class Audit {
    private final SignedTransport transport;

    Audit(SignedTransport transport) {
        this.transport = transport;
    }

    /** Audit entries after {@code afterSeq}, at most {@code limit} (admin). */
    public List<AuditChain.Entry> events(long afterSeq, int limit) {
        return transport
                .call("GET", "/v1/audit?after=" + afterSeq + "&limit=" + limit, null, AuditDtos.AuditEvents.class)
                .events();
    }
}
