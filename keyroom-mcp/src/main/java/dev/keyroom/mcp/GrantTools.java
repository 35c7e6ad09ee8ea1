package dev.keyroom.mcp;

import dev.keyroom.client.KeyroomClient;
import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.dto.GrantDtos;
import dev.keyroom.protocol.dto.RoomDtos;
import dev.keyroom.protocol.grant.GrantDocument;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The agent's gateway grants and calls under them. A grant lets this agent use one secret of a room
 * at one upstream without holding it: the call goes through the gateway, which injects the value on
 * the way out and masks it in what comes back. These tools know a grant's secret by name only; no
 * tool reads its value, and the gateway's answer is handed back as it came, masked.
 */
final class GrantTools {
    private GrantTools() {}

    /** A live grant naming this agent, with the room it belongs to. */
    record Held(RoomDtos.MyRoom room, GrantDtos.GrantItem item, GrantDocument doc) {
        /** {@code https://host}, with the port when it is not 443. */
        String upstream() {
            String authority = doc.upstream().authority();
            return "https://"
                    + (doc.upstream().port() == 443 ? authority.substring(0, authority.length() - 4) : authority);
        }
    }

    static List<AgentTool> tools(Agent agent) {
        return List.of(
                new AgentTool(
                        "list_grants",
                        "List my gateway grants",
                        "Lists the live gateway grants of this agent: each lets it call one upstream HTTPS API"
                                + " with a credential it never sees (the gateway adds it on the way out). Shows each"
                                + " grant's id, the name of the secret it uses (never its value), its room, the"
                                + " upstream, the methods and path prefixes allowed, how the credential is sent,"
                                + " and when the grant expires. Use a grant's id or secret name with call_upstream.",
                        """
                        {"type": "object", "properties": {}, "additionalProperties": false}""",
                        true,
                        a -> listGrants(agent)),
                new AgentTool(
                        "call_upstream",
                        "Call an API through the Keyroom gateway",
                        "Sends one HTTPS request to the upstream of one of this agent's grants, through the"
                                + " Keyroom gateway, which adds the grant's credential (so do not send one yourself)"
                                + " and masks it in the answer. Give the grant by its id or its secret name (see"
                                + " list_grants), an HTTP method and path the grant allows, and optionally headers"
                                + " and a text body. Returns the upstream's status, headers and body (text, at most "
                                + TunnelledRequest.MAX_BODY + " bytes; longer bodies are cut and say so).",
                        ("""
                        {"type": "object", "properties": {
                          "grant": {"type": "string", "minLength": 1, "description": "The grant's id, or the name of the secret it uses"},
                          "method": {"type": "string", "enum": ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"], "description": "The HTTP method"},
                          "path": {"type": "string", "minLength": 1, "maxLength": %d, "description": "Path and query on the upstream, starting with '/', e.g. /v1/items?limit=5"},
                          "headers": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Extra request headers, e.g. {\\"Content-Type\\": \\"application/json\\"}"},
                          "body": {"type": "string", "description": "The request body, as UTF-8 text"}},
                         "required": ["grant", "method", "path"], "additionalProperties": false}""").formatted(UpstreamRequest.MAX_TARGET),
                        false,
                        a -> call(agent, a)));
    }

    /** Every live grant naming this agent, in every room it is a member of. */
    static List<Held> held(Agent agent, KeyroomClient c) {
        Instant now = Instant.now();
        List<Held> out = new ArrayList<>();
        for (RoomDtos.MyRoom room : c.rooms().mine()) {
            for (GrantDtos.GrantItem g : c.grants().list(RoomId.parse(room.roomId()))) {
                if (!g.agent().equals(agent.endpoint().value())) {
                    continue;
                }
                GrantDocument doc =
                        GrantDocument.parse(Base64Url.decode(g.grant().document(), "document"));
                if (!doc.expiredAt(now)) {
                    out.add(new Held(room, g, doc));
                }
            }
        }
        return out;
    }

    private static Map<String, Object> listGrants(Agent agent) {
        try (KeyroomClient c = agent.open()) {
            return Map.of(
                    "grants", held(agent, c).stream().map(GrantTools::view).toList());
        }
    }

    private static Map<String, Object> view(Held h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("grant_id", h.item().grantId());
        m.put("secret_name", h.doc().secret());
        m.put("room_id", h.room().roomId());
        m.put("room_name", h.room().name());
        m.put("upstream", h.upstream());
        m.put("methods", h.doc().methods());
        m.put("path_prefixes", h.doc().pathPrefixes());
        GrantDocument.Injection inject = h.doc().inject();
        m.put("credential_sent_as", inject.kind().equals("basic") ? "basic auth" : inject.kind() + " " + inject.name());
        m.put("expires_at", h.doc().expiresAt());
        return m;
    }

    private static Map<String, Object> call(Agent agent, Arguments a) {
        String name = a.text("grant");
        TunnelledRequest.Request request = UpstreamRequest.of(
                a.text("method"),
                a.text("path"),
                a.strings("headers"),
                a.optionalText("body").orElse(null));
        Held grant;
        try (KeyroomClient c = agent.open()) {
            grant = pick(held(agent, c), name);
        }
        GrantDocument doc = grant.doc();
        if (!doc.allowsMethod(request.method())) {
            throw new ToolFailure("grant " + grant.item().grantId() + " allows only " + doc.methods());
        }
        if (!doc.allowsPath(UpstreamRequest.pathOf(request.target()))) {
            throw new ToolFailure("grant " + grant.item().grantId() + " allows only paths under " + doc.pathPrefixes());
        }
        TunnelledRequest.Answer answer =
                agent.gateway().send(doc.upstream().host(), doc.upstream().port(), request);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("grant_id", grant.item().grantId());
        out.put("upstream", grant.upstream());
        out.put("status", answer.status());
        out.put("headers", answer.headers());
        String text = text(answer);
        if (text != null) {
            out.put("body", text);
        } else {
            out.put("body_binary_bytes", answer.body().length);
        }
        if (answer.truncated()) {
            out.put("body_truncated", true);
        }
        return out;
    }

    /** The body as text, a character cut in two at the end of a truncated body left out; null when binary. */
    private static String text(TunnelledRequest.Answer answer) {
        byte[] b = answer.body();
        for (int cut = 0; cut <= (answer.truncated() ? 3 : 0) && cut <= b.length; cut++) {
            String s = MessageView.utf8(java.util.Arrays.copyOf(b, b.length - cut));
            if (s != null) {
                return s;
            }
        }
        return null;
    }

    /** The grant {@code name} names: by id, else by its secret's name when only one grant uses it. */
    private static Held pick(List<Held> held, String name) {
        for (Held h : held) {
            if (h.item().grantId().equals(name)) {
                return h;
            }
        }
        List<Held> byName =
                held.stream().filter(h -> h.doc().secret().equals(name)).toList();
        if (byName.size() == 1) {
            return byName.getFirst();
        }
        if (byName.isEmpty()) {
            throw new ToolFailure("this agent holds no live grant '" + name + "'; call list_grants to see its grants");
        }
        throw new ToolFailure("several grants use the secret '" + name + "'; give one of their ids: "
                + byName.stream().map(h -> h.item().grantId()).collect(Collectors.joining(", ")));
    }
}
