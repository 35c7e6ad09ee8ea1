package dev.keyroom.protocol.dto;

import dev.keyroom.protocol.audit.AuditChain;
import java.util.List;

/** The JSON body of {@code /v1/audit} (admin). */
public final class AuditDtos {
    private AuditDtos() {}

    /** A page of {@code GET /v1/audit}. */
    public record AuditEvents(List<AuditChain.Entry> events) {}
}
