package dev.keyroom.core.identity;

import dev.keyroom.core.error.KeyroomException;

/** Server-wide access rules (AZ-5): user management and the audit log are for admins only. */
public final class Access {
    private Access() {}

    public static void requireAdmin(User caller) {
        if (caller.role() != Role.ADMIN) {
            throw KeyroomException.forbidden("admin role required");
        }
    }
}
