package dev.keyroom.protocol.dto;

import java.util.List;
import java.util.Map;

/** The JSON bodies of a room's gateway {@code grants} and of the gateway's view. */
public final class GrantDtos {
    private GrantDtos() {}

    /** A signed grant on the wire: base64url document bytes and signature. */
    public record Grant(String document, String signature) {}

    /** A stored grant as listed: its id, the granter, the agent, when it expires, and the signed grant. */
    public record GrantItem(
            String grantId, String agent, String granter, String secret, String expiresAt, Grant grant) {}

    public record Grants(List<GrantItem> grants) {}

    /** A member as the gateway needs it: role, signing key, and whether the user is active. */
    public record ViewMember(String endpoint, String role, String signPub, boolean active) {}

    /**
     * One room of the gateway's view: its members named by a grant (agents and granters), its live
     * grants, and the latest live version of each secret a grant names (absent: deleted or never written).
     */
    public record ViewRoom(
            String roomId,
            String policy,
            long epoch,
            List<ViewMember> members,
            List<Grant> grants,
            Map<String, Long> secrets) {}

    /**
     * What a gateway polls: every room the caller is a member of that has a grant. {@code digest} is the
     * base64url SHA-256 of the rooms' JSON; asked with the digest it already holds, the server answers
     * {@code unchanged} and no rooms.
     */
    public record View(String digest, boolean unchanged, List<ViewRoom> rooms) {}
}
