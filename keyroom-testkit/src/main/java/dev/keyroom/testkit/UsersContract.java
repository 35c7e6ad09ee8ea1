package dev.keyroom.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.keyroom.core.error.ErrorCode;
import dev.keyroom.core.identity.Role;
import dev.keyroom.core.identity.User;
import dev.keyroom.core.identity.UserStatus;
import org.junit.jupiter.api.Test;

/** What every store's {@link dev.keyroom.core.identity.Users} must do. */
public abstract class UsersContract extends StoreContract {
    @Test
    void createUser_thenFind_returnsEqualUser() {
        assertThat(store.users().find(alice.endpoint())).contains(alice);
        assertThat(store.users().find(Fixtures.user("x", Role.AGENT).endpoint()))
                .isEmpty();
    }

    @Test
    void createUser_sameEndpointTwice_conflicts() {
        assertCode(() -> store.users().create(alice), ErrorCode.CONFLICT);
    }

    @Test
    void listUsers_returnsRegistrationOrder() {
        assertThat(store.users().list())
                .extracting(User::endpoint)
                .containsExactly(owner.endpoint(), alice.endpoint(), bob.endpoint());
    }

    @Test
    void setUserStatus_revoked_isVisibleAndDurable() throws Exception {
        assertThat(store.users().setStatus(alice.endpoint(), UserStatus.REVOKED))
                .isTrue();
        assertThat(store.users().setStatus(Fixtures.user("x", Role.AGENT).endpoint(), UserStatus.REVOKED))
                .isFalse();
        store = reopen(store);
        assertThat(store.users().find(alice.endpoint()).orElseThrow().status()).isEqualTo(UserStatus.REVOKED);
    }
}
