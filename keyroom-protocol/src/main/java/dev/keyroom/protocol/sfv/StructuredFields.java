package dev.keyroom.protocol.sfv;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser and canonical serializer for the parts of RFC 8941 structured fields that HTTP
 * message signatures use: dictionaries whose members are items or inner lists, with parameters;
 * bare items of type integer, string, token, byte sequence and boolean. Decimals are refused.
 *
 * <p>Stricter than the RFC in one respect: a dictionary that names a key twice is refused rather
 * than resolved by the last one winning, so two parties can never read one header differently.
 */
public final class StructuredFields {
    /** Any parse failure; the message says what was wrong, never echoing the input. */
    public static final class ParseException extends Exception {
        private static final long serialVersionUID = 1L;

        ParseException(String message) {
            super(message);
        }
    }

    /** A token, distinct from a string. */
    public record Token(String value) {}

    /** A bare item with its parameters. {@code value} is Long, String, Token, byte[] or Boolean. */
    public record Item(Object value, Map<String, Object> params) {
        public Item {
            params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        }
    }

    /** An inner list of items with its parameters. */
    public record InnerList(List<Item> items, Map<String, Object> params) {
        public InnerList {
            items = List.copyOf(items);
            params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        }
    }

    private final String in;
    private int pos;

    private StructuredFields(String in) {
        this.in = in;
    }

    /**
     * Parses a dictionary; members are {@link Item} or {@link InnerList}, in order of appearance.
     */
    public static Map<String, Object> parseDictionary(String field) throws ParseException {
        if (field == null) {
            throw new ParseException("missing field");
        }
        StructuredFields p = new StructuredFields(field);
        p.skipSp();
        Map<String, Object> out = new LinkedHashMap<>();
        while (!p.atEnd()) {
            String key = p.parseKey();
            Object member;
            if (p.peek() == '=') {
                p.pos++;
                member = p.parseItemOrInnerList();
            } else {
                member = new Item(Boolean.TRUE, p.parseParameters());
            }
            if (out.putIfAbsent(key, member) != null) {
                throw new ParseException("dictionary key appears twice");
            }
            p.skipOws();
            if (p.atEnd()) {
                return out;
            }
            if (p.next() != ',') {
                throw new ParseException("expected ',' between dictionary members");
            }
            p.skipOws();
            if (p.atEnd()) {
                throw new ParseException("trailing comma in dictionary");
            }
        }
        return out;
    }

    /** Parses one item (with parameters), as in a component identifier. */
    public static Item parseItem(String field) throws ParseException {
        if (field == null) {
            throw new ParseException("missing field");
        }
        StructuredFields p = new StructuredFields(field);
        p.skipSp();
        Item item = p.parseItem();
        p.skipSp();
        if (!p.atEnd()) {
            throw new ParseException("trailing characters after item");
        }
        return item;
    }

    private Object parseItemOrInnerList() throws ParseException {
        return peek() == '(' ? parseInnerList() : parseItem();
    }

    private InnerList parseInnerList() throws ParseException {
        expect('(');
        List<Item> items = new ArrayList<>();
        while (!atEnd()) {
            skipSp();
            if (peek() == ')') {
                pos++;
                return new InnerList(items, parseParameters());
            }
            items.add(parseItem());
            char c = peek();
            if (c != ' ' && c != ')') {
                throw new ParseException("expected space or ')' in inner list");
            }
        }
        throw new ParseException("unterminated inner list");
    }

    private Item parseItem() throws ParseException {
        Object bare = parseBareItem();
        return new Item(bare, parseParameters());
    }

    private Map<String, Object> parseParameters() throws ParseException {
        Map<String, Object> params = new LinkedHashMap<>();
        while (!atEnd() && peek() == ';') {
            pos++;
            skipSp();
            String key = parseKey();
            Object value = Boolean.TRUE;
            if (!atEnd() && peek() == '=') {
                pos++;
                value = parseBareItem();
            }
            if (params.putIfAbsent(key, value) != null) {
                throw new ParseException("parameter appears twice");
            }
        }
        return params;
    }

    private Object parseBareItem() throws ParseException {
        if (atEnd()) {
            throw new ParseException("missing item");
        }
        char c = peek();
        if (c == '-' || isDigit(c)) {
            return parseInteger();
        }
        if (c == '"') {
            return parseString();
        }
        if (c == ':') {
            return parseByteSequence();
        }
        if (c == '?') {
            return parseBoolean();
        }
        if (isAlpha(c) || c == '*') {
            return parseToken();
        }
        throw new ParseException("unexpected character in item");
    }

    private Long parseInteger() throws ParseException {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        int digitsStart = pos;
        while (!atEnd() && isDigit(peek())) {
            pos++;
        }
        int digits = pos - digitsStart;
        if (digits == 0 || digits > 15) {
            throw new ParseException("integer must have 1 to 15 digits");
        }
        if (!atEnd() && peek() == '.') {
            throw new ParseException("decimals are not supported");
        }
        return Long.parseLong(in.substring(start, pos));
    }

    private String parseString() throws ParseException {
        expect('"');
        StringBuilder sb = new StringBuilder();
        while (!atEnd()) {
            char c = next();
            if (c == '\\') {
                if (atEnd()) {
                    throw new ParseException("unterminated escape in string");
                }
                char e = next();
                if (e != '"' && e != '\\') {
                    throw new ParseException("invalid escape in string");
                }
                sb.append(e);
            } else if (c == '"') {
                return sb.toString();
            } else if (c < 0x20 || c > 0x7e) {
                throw new ParseException("invalid character in string");
            } else {
                sb.append(c);
            }
        }
        throw new ParseException("unterminated string");
    }

    private Token parseToken() throws ParseException {
        int start = pos;
        pos++;
        while (!atEnd() && (isTchar(peek()) || peek() == ':' || peek() == '/')) {
            pos++;
        }
        return new Token(in.substring(start, pos));
    }

    private byte[] parseByteSequence() throws ParseException {
        expect(':');
        int start = pos;
        while (!atEnd() && peek() != ':') {
            char c = peek();
            if (!(isAlpha(c) || isDigit(c) || c == '+' || c == '/' || c == '=')) {
                throw new ParseException("invalid character in byte sequence");
            }
            pos++;
        }
        if (atEnd()) {
            throw new ParseException("unterminated byte sequence");
        }
        String b64 = in.substring(start, pos);
        pos++;
        try {
            return Base64.getDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw new ParseException("invalid base64 in byte sequence");
        }
    }

    private Boolean parseBoolean() throws ParseException {
        expect('?');
        if (atEnd()) {
            throw new ParseException("missing boolean value");
        }
        char c = next();
        if (c == '1') {
            return Boolean.TRUE;
        }
        if (c == '0') {
            return Boolean.FALSE;
        }
        throw new ParseException("invalid boolean");
    }

    private String parseKey() throws ParseException {
        if (atEnd() || !(isLcAlpha(peek()) || peek() == '*')) {
            throw new ParseException("invalid key");
        }
        int start = pos;
        pos++;
        while (!atEnd()) {
            char c = peek();
            if (isLcAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '.' || c == '*') {
                pos++;
            } else {
                break;
            }
        }
        return in.substring(start, pos);
    }

    // ---- serialization (RFC 8941 section 4.1), canonical

    public static String serializeInnerList(InnerList list) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < list.items().size(); i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(serializeItem(list.items().get(i)));
        }
        sb.append(')');
        appendParams(sb, list.params());
        return sb.toString();
    }

    public static String serializeItem(Item item) {
        StringBuilder sb = new StringBuilder();
        appendBare(sb, item.value());
        appendParams(sb, item.params());
        return sb.toString();
    }

    private static void appendParams(StringBuilder sb, Map<String, Object> params) {
        for (Map.Entry<String, Object> e : params.entrySet()) {
            sb.append(';').append(e.getKey());
            if (!Boolean.TRUE.equals(e.getValue())) {
                sb.append('=');
                appendBare(sb, e.getValue());
            }
        }
    }

    private static void appendBare(StringBuilder sb, Object v) {
        switch (v) {
            case Long l -> sb.append(l.longValue());
            case Integer i -> sb.append(i.intValue());
            case String s -> {
                sb.append('"');
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    if (c == '"' || c == '\\') {
                        sb.append('\\');
                    }
                    sb.append(c);
                }
                sb.append('"');
            }
            case Token t -> sb.append(t.value());
            case byte[] b ->
                sb.append(':').append(Base64.getEncoder().encodeToString(b)).append(':');
            case Boolean b -> sb.append(b ? "?1" : "?0");
            default -> throw new IllegalArgumentException("not a structured field value");
        }
    }

    // ---- lexing helpers

    private boolean atEnd() {
        return pos >= in.length();
    }

    private char peek() {
        return atEnd() ? '\0' : in.charAt(pos);
    }

    private char next() {
        return in.charAt(pos++);
    }

    private void expect(char c) throws ParseException {
        if (atEnd() || in.charAt(pos) != c) {
            throw new ParseException("expected '" + c + "'");
        }
        pos++;
    }

    private void skipSp() {
        while (!atEnd() && in.charAt(pos) == ' ') {
            pos++;
        }
    }

    private void skipOws() {
        while (!atEnd() && (in.charAt(pos) == ' ' || in.charAt(pos) == '\t')) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isLcAlpha(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isAlpha(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isTchar(char c) {
        return isAlpha(c) || isDigit(c) || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
