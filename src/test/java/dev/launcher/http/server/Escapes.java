package dev.launcher.http.server;

import java.io.ByteArrayOutputStream;

/**
 * The escape notation of the vector table: {@code \r \n \t \0 \\} and {@code \xHH}; every other character is its
 * own ISO-8859-1 byte.
 */
final class Escapes {

    private Escapes() {
    }

    /** {@return the bytes {@code text} denotes} */
    static byte[] unescape(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '\\') {
                if (c > 0xff) {
                    throw new IllegalArgumentException("not ISO-8859-1: " + text);
                }
                out.write(c);
                continue;
            }
            char e = text.charAt(++i);
            switch (e) {
                case 'r' -> out.write('\r');
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case '0' -> out.write(0);
                case '\\' -> out.write('\\');
                case 'x' -> {
                    out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new IllegalArgumentException("unknown escape \\" + e + " in " + text);
            }
        }
        return out.toByteArray();
    }

    /** {@return {@code bytes} in the notation: printable ASCII but {@code \} and {@code |} as is} */
    static String escape(byte[] bytes) {
        StringBuilder text = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            int c = b & 0xff;
            switch (c) {
                case '\r' -> text.append("\\r");
                case '\n' -> text.append("\\n");
                case '\t' -> text.append("\\t");
                case '\\' -> text.append("\\\\");
                default -> {
                    if (c < 0x20 || c >= 0x7f || c == '|') {
                        text.append(String.format("\\x%02x", c));
                    } else {
                        text.append((char) c);
                    }
                }
            }
        }
        return text.toString();
    }
}
