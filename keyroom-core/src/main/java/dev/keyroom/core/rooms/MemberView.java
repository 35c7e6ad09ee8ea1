package dev.keyroom.core.rooms;

import dev.keyroom.core.identity.User;

/** A member with the public keys of its user, as listed to other members. */
public record MemberView(Member member, User user) {}
