package dev.launcher.http.server;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A reusable buffer in which a response head is assembled as ISO-8859-1 bytes before it is written in one call
 * (one buffer per connection, so a response costs no head allocation). Characters above U+00FF, which a header
 * cannot carry, become {@code ?}. Used by one thread at a time.
 */
final class HeadBuffer {

    private byte[] bytes = new byte[512];
    private int length;

    /** Empties the buffer. */
    HeadBuffer clear() {
        length = 0;
        return this;
    }

    /** Appends {@code text}. */
    HeadBuffer append(String text) {
        int n = text.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            bytes[length++] = (byte) (c <= 0xff ? c : '?');
        }
        return this;
    }

    /** Appends a header field line: {@code name: value} and CRLF. */
    HeadBuffer field(String name, String value) {
        return append(name).append(": ").append(value).append("\r\n");
    }

    /** Writes the buffer's bytes to {@code out}. */
    void writeTo(OutputStream out) throws IOException {
        out.write(bytes, 0, length);
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            byte[] bigger = new byte[Math.max(bytes.length * 2, length + more)];
            System.arraycopy(bytes, 0, bigger, 0, length);
            bytes = bigger;
        }
    }
}
