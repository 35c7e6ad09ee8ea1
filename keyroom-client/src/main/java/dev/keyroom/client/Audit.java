package dev.keyroom.client;

import dev.keyroom.protocol.audit.AuditChain;
import dev.keyroom.protocol.dto.AuditDtos;
import java.util.List;

/** The site's audit log (admin). */
public final class Audit extends Resource {
    Audit(ClientContext context) {
        super(context);
    }

    /** Audit entries after {@code afterSeq}, at most {@code limit} (admin). */
    public List<AuditChain.Entry> events(long afterSeq, int limit) {
        return transport
                .call("GET", "/v1/audit?after=" + afterSeq + "&limit=" + limit, null, AuditDtos.AuditEvents.class)
                .events();
    }
}
