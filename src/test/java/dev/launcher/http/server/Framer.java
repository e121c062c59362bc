package dev.launcher.http.server;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Frames bytes as one connection would, below the socket: request heads and bodies one after another, until the
 * bytes end, a request is refused (the connection closes there: nothing after it is parsed), or a request says the
 * connection closes after it. What a handler would see is {@link Outcome#requests()}.
 */
final class Framer {

    /** The defaults of {@link ServerLimits}. */
    static final int MAX_HEAD_BYTES = ServerLimits.MAX_HEAD_BYTES;
    static final int MAX_HEADERS = 200;

    private Framer() {
    }

    /** One request as its handler sees it. */
    record Request(RequestHead head, byte[] body) {
        String describe() {
            String text = head.method + " " + head.uri.toString();
            return body.length == 0 ? text : text + " body=" + Escapes.escape(body);
        }
    }

    /** How a connection ends after its requests. */
    enum End {
        /** The bytes ended between requests. */
        EOF,
        /** A request asked to close the connection after it: the rest is never read. */
        CLOSE,
        /** The bytes ended inside a request: no handler sees it complete. */
        INCOMPLETE,
        /** Refused with {@link Outcome#status()}; the connection closes. */
        REFUSED
    }

    /**
     * What a connection makes of some bytes.
     *
     * @param status the refusal's status, 0 unless refused
     * @param reason the refusal's message, or null
     */
    record Outcome(List<Request> requests, End end, int status, String reason) {
        /** Requests separated by {@code " ; "}, then the status if refused, {@code close} or {@code incomplete}. */
        String describe() {
            List<String> parts = new ArrayList<>();
            for (Request request : requests) {
                parts.add(request.describe());
            }
            switch (end) {
                case REFUSED -> parts.add(Integer.toString(status));
                case CLOSE -> parts.add("close");
                case INCOMPLETE -> parts.add("incomplete");
                default -> {
                }
            }
            return String.join(" ; ", parts);
        }
    }

    /** Frames {@code bytes} read {@code slice} bytes at a time into an input buffer of {@code bufferSize}. */
    static Outcome frame(byte[] bytes, int slice, int bufferSize) throws IOException {
        RequestInput input = new RequestInput(new MemoryWire(bytes, slice), new byte[bufferSize]);
        List<Request> requests = new ArrayList<>();
        while (true) {
            RequestHead head;
            try {
                head = RequestHead.read(input, MAX_HEAD_BYTES, MAX_HEADERS);
            } catch (HttpError e) {
                return new Outcome(requests, End.REFUSED, e.status(), e.getMessage());
            } catch (EOFException e) {
                return new Outcome(requests, End.INCOMPLETE, 0, null);
            }
            if (head == null) {
                return new Outcome(requests, End.EOF, 0, null);
            }
            RequestBody body = RequestBody.of(head, input);
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            byte[] scratch = new byte[97];
            try {
                int n;
                while ((n = body.read(scratch, 0, scratch.length)) >= 0) {
                    content.write(scratch, 0, n);
                }
            } catch (RequestBody.MalformedBodyException e) {
                return new Outcome(requests, End.REFUSED, 400, e.getMessage());
            } catch (EOFException e) {
                return new Outcome(requests, End.INCOMPLETE, 0, null);
            }
            if (!body.complete()) {
                throw new AssertionError("a body read to its end is not complete");
            }
            requests.add(new Request(head, content.toByteArray()));
            if (!head.keepAlive) {
                return new Outcome(requests, End.CLOSE, 0, null);
            }
        }
    }

    /** Frames text given in {@link Escapes} notation, as ISO-8859-1 bytes. */
    static Outcome frame(String escaped, int slice, int bufferSize) throws IOException {
        return frame(Escapes.unescape(escaped), slice, bufferSize);
    }

    /** {@return text as ISO-8859-1 bytes} */
    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
