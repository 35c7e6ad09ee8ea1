package dev.keyroom.protocol.dto;

/** The JSON body of every error answer. */
public final class ErrorDtos {
    private ErrorDtos() {}

    public record ErrorDetail(String code, String message, String requestId) {}

    public record Error(ErrorDetail error) {}
}
