package dev.keyroom.protocol.signature;

/**
 * A request whose signature headers or covered components cannot be processed. The message names
 * the problem, never the attacker's input.
 */
public final class SignatureException extends Exception {
    private static final long serialVersionUID = 1L;

    public SignatureException(String message) {
        super(message);
    }
}
