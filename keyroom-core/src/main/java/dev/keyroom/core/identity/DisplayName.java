package dev.keyroom.core.identity;

import dev.keyroom.core.error.KeyroomException;

/**
 * The rule for names people read (a user's, a room's): 1 to {@value #MAX} characters, none of them
 * a control character, so that a name fits a line of a listing and cannot forge one.
 */
public final class DisplayName {
    public static final int MAX = 128;

    private DisplayName() {}

    /** {@code name}, or BAD_REQUEST naming {@code what} when it breaks the rule. */
    public static String check(String what, String name) {
        if (name == null || name.isEmpty() || name.codePointCount(0, name.length()) > MAX) {
            throw KeyroomException.badRequest(what + " names are 1 to " + MAX + " characters");
        }
        if (name.codePoints().anyMatch(Character::isISOControl)) {
            throw KeyroomException.badRequest(what + " names have no control characters");
        }
        return name;
    }
}
