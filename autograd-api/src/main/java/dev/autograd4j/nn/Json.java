package dev.autograd4j.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small strict JSON (RFC 8259) reader and writer the safetensors header needs. Values are read as
 * {@code LinkedHashMap<String, Object>} (objects, in document order; a repeated key is an error),
 * {@code List<Object>}, {@code String}, {@code Long} (integers that fit), {@code Double} (every other
 * number), {@code Boolean} and {@link #NULL}. Errors are {@link Syntax} exceptions carrying the character
 * position; nesting is limited so that a hostile header cannot overflow the stack.
 */
final class Json {
    /** JSON's {@code null}. */
    static final Object NULL = new Object() {
        @Override
        public String toString() {
            return "null";
        }
    };
    private static final int MAX_DEPTH = 64;

    private final String text;
    private int pos;

    private Json(String text) {
        this.text = text;
    }

    /** A JSON syntax error at a character position of the text. */
    static final class Syntax extends Exception {
        private static final long serialVersionUID = 1L;
        final int position;

        Syntax(String message, int position) {
            super(message);
            this.position = position;
        }
    }

    /** Parses one JSON value filling the whole text (surrounding whitespace allowed). */
    static Object parse(String text) throws Syntax {
        Json p = new Json(text);
        p.skipWhitespace();
        Object v = p.value(0);
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw p.error("unexpected " + p.describe() + " after the JSON value");
        }
        return v;
    }

    private Syntax error(String message) {
        return new Syntax(message, pos);
    }

    private String describe() {
        if (pos >= text.length()) {
            return "end of the text";
        }
        char c = text.charAt(pos);
        return c >= 0x20 && c < 0x7f ? "character '" + c + "'" : String.format("character U+%04X", (int) c);
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private Object value(int depth) throws Syntax {
        if (pos >= text.length()) {
            throw error("expected a value, found the end of the text");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object(depth + 1);
            case '[' -> array(depth + 1);
            case '"' -> string();
            case 't' -> literal("true", Boolean.TRUE);
            case 'f' -> literal("false", Boolean.FALSE);
            case 'n' -> literal("null", NULL);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("expected a value, found " + describe());
            }
        };
    }

    private Object literal(String word, Object value) throws Syntax {
        if (!text.startsWith(word, pos)) {
            throw error("expected a value, found " + describe());
        }
        pos += word.length();
        return value;
    }

    private Map<String, Object> object(int depth) throws Syntax {
        if (depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH + " levels");
        }
        pos++; // '{'
        Map<String, Object> out = new LinkedHashMap<>();
        skipWhitespace();
        if (pos < text.length() && text.charAt(pos) == '}') {
            pos++;
            return out;
        }
        while (true) {
            skipWhitespace();
            if (pos >= text.length() || text.charAt(pos) != '"') {
                throw error("expected a string key, found " + describe());
            }
            int keyAt = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object v = value(depth);
            if (out.containsKey(key)) {
                throw new Syntax("duplicate key \"" + key + "\"", keyAt);
            }
            out.put(key, v);
            skipWhitespace();
            if (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
                continue;
            }
            expect('}');
            return out;
        }
    }

    private List<Object> array(int depth) throws Syntax {
        if (depth > MAX_DEPTH) {
            throw error("nested deeper than " + MAX_DEPTH + " levels");
        }
        pos++; // '['
        List<Object> out = new ArrayList<>();
        skipWhitespace();
        if (pos < text.length() && text.charAt(pos) == ']') {
            pos++;
            return out;
        }
        while (true) {
            skipWhitespace();
            out.add(value(depth));
            skipWhitespace();
            if (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
                continue;
            }
            expect(']');
            return out;
        }
    }

    private void expect(char c) throws Syntax {
        if (pos >= text.length() || text.charAt(pos) != c) {
            throw error("expected '" + c + "', found " + describe());
        }
        pos++;
    }

    private String string() throws Syntax {
        pos++; // '"'
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c < 0x20) {
                throw error("unescaped control " + describe() + " in a string");
            }
            if (c != '\\') { // raw surrogates come in pairs: the UTF-8 decoder lets no lone one through
                sb.append(c);
                pos++;
                continue;
            }
            pos++;
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char e = text.charAt(pos);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    char u = hex4();
                    if (Character.isHighSurrogate(u)) {
                        if (!text.startsWith("\\u", pos + 1)) {
                            throw error("lone surrogate \\u" + String.format("%04x", (int) u) + " in a string");
                        }
                        pos += 2;
                        char low = hex4();
                        if (!Character.isLowSurrogate(low)) {
                            throw error("lone surrogate \\u" + String.format("%04x", (int) u) + " in a string");
                        }
                        sb.append(u).append(low);
                    } else if (Character.isLowSurrogate(u)) {
                        throw error("lone surrogate \\u" + String.format("%04x", (int) u) + " in a string");
                    } else {
                        sb.append(u);
                    }
                }
                default -> throw error("invalid escape '\\" + (e >= 0x20 && e < 0x7f ? String.valueOf(e) : "?")
                        + "' in a string");
            }
            pos++;
        }
    }

    /** Reads the four hex digits after {@code \\u} at pos (which points at the 'u'); leaves pos on the last. */
    private char hex4() throws Syntax {
        if (pos + 4 >= text.length()) {
            throw error("truncated \\u escape");
        }
        int v = 0;
        for (int i = 1; i <= 4; i++) {
            char h = text.charAt(pos + i);
            int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                    : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
            if (d < 0) {
                pos += i;
                throw error("invalid hex digit in a \\u escape");
            }
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private Object number() throws Syntax {
        int start = pos;
        if (text.charAt(pos) == '-') {
            pos++;
        }
        if (pos >= text.length() || !isDigit(text.charAt(pos))) {
            throw error("expected a digit, found " + describe());
        }
        if (text.charAt(pos) == '0') {
            pos++;
            if (pos < text.length() && isDigit(text.charAt(pos))) {
                throw error("leading zero in a number");
            }
        } else {
            digits();
        }
        boolean integer = true;
        if (pos < text.length() && text.charAt(pos) == '.') {
            integer = false;
            pos++;
            if (pos >= text.length() || !isDigit(text.charAt(pos))) {
                throw error("expected a digit after the decimal point, found " + describe());
            }
            digits();
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            integer = false;
            pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                pos++;
            }
            if (pos >= text.length() || !isDigit(text.charAt(pos))) {
                throw error("expected a digit in the exponent, found " + describe());
            }
            digits();
        }
        String token = text.substring(start, pos);
        if (integer && token.length() <= 20) {
            try {
                return Long.parseLong(token);
            } catch (NumberFormatException e) {
                // too large for a long: a Double below
            }
        }
        return Double.parseDouble(token);
    }

    private void digits() {
        while (pos < text.length() && isDigit(text.charAt(pos))) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Appends {@code s} as a JSON string: quotes, backslashes and control characters escaped, the rest as is. */
    static void writeString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
