package dev.keyroom.server.http;

import dev.keyroom.core.error.KeyroomException;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.rooms.RoomId;
import dev.keyroom.protocol.Json;
import java.util.Map;
import java.util.Optional;

/**
 * One authenticated call as a route sees it: path parameters, query, the body already read (and
 * digest-checked), the caller and the request id.
 */
public record Call(
        Map<String, String> params, Map<String, String> query, RequestBody body, User caller, String requestId) {

    public RoomId room() {
        return RoomId.parse(params.get("room"));
    }

    public EndpointId endpoint() {
        return EndpointId.parse(params.get("endpoint"));
    }

    /** The JSON body as {@code type}; a route whose body is not JSON has none. */
    public <T> T json(Class<T> type) {
        if (!(body instanceof RequestBody.InMemory m)) {
            throw KeyroomException.badRequest("this route takes no JSON body");
        }
        return Json.read(m.bytes(), type);
    }

    /** A non-negative integer query parameter, if present. */
    public Optional<Long> longQuery(String name) {
        String v = query.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (v.isEmpty() || v.length() > 18 || !v.chars().allMatch(Character::isDigit)) {
            throw KeyroomException.badRequest(name + " must be a non-negative integer");
        }
        return Optional.of(Long.parseLong(v));
    }
}
