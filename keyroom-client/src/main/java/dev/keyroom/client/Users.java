package dev.keyroom.client;

import dev.keyroom.core.crypto.Base64Url;
import dev.keyroom.core.identity.EndpointId;
import dev.keyroom.core.identity.Role;
import dev.keyroom.protocol.dto.UserDtos;
import java.util.List;

/** The caller's own user record and the site's users: registering, listing, revoking and unlocking them. */
public final class Users extends Resource {
    Users(ClientContext context) {
        super(context);
    }

    /** The caller's own record. */
    public UserDtos.User me() {
        return transport.call("GET", "/v1/me", null, UserDtos.User.class);
    }

    public UserDtos.User register(byte[] signPub, byte[] kexPub, String name, Role role) {
        return transport.call(
                "POST",
                "/v1/users",
                new UserDtos.UserCreate(Base64Url.encode(signPub), Base64Url.encode(kexPub), name, role.wireName()),
                UserDtos.User.class);
    }

    public List<UserDtos.User> list() {
        return transport.call("GET", "/v1/users", null, UserDtos.Users.class).users();
    }

    /** A user's public record; the SDK checks that its endpoint id is that of its signing key. */
    public UserDtos.User get(EndpointId endpoint) {
        UserDtos.User u = transport.call("GET", "/v1/users/" + endpoint.value(), null, UserDtos.User.class);
        if (!endpoint.value().equals(u.endpoint()) || !endpoint.matches(Base64Url.decode(u.signPub(), "sign_pub"))) {
            throw new IllegalStateException("the server returned a user record for another key");
        }
        return u;
    }

    public UserDtos.User revoke(EndpointId endpoint) {
        return transport.call("POST", "/v1/users/" + endpoint.value() + "/revoke", null, UserDtos.User.class);
    }

    public UserDtos.User unlock(EndpointId endpoint) {
        return transport.call("POST", "/v1/users/" + endpoint.value() + "/unlock", null, UserDtos.User.class);
    }
}
