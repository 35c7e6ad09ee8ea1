package dev.keyroom.core.wire;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An enum whose constants travel as their lower-case names ({@code admin}, {@code encrypted}, ...)
 * in JSON bodies, the store and the config file; parsing is exact, so {@code Admin} is not a role.
 */
public interface WireNamed {
    /** Implemented by every enum. */
    String name();

    default String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The constant of {@code type} named {@code value} on the wire; empty for anything else, null included. */
    static <E extends Enum<E> & WireNamed> Optional<E> find(Class<E> type, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.wireName().equals(value)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** The wire names of {@code type}'s constants, for an error message: {@code "owner, admin, member"}. */
    static <E extends Enum<E> & WireNamed> String choices(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(WireNamed::wireName).collect(Collectors.joining(", "));
    }
}
