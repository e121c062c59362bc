package dev.launcher.http.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.sun.net.httpserver.Headers;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Coverage-guided fuzzing of request head and body parsing, below the socket. The invariant, for every input:
 * framing ends (the bytes end, a request closes the connection, or one is refused with 400, 431, 501 or 505)
 * without any other exception; it gives the same outcome whether the bytes come at once, one at a time, or through
 * a 24-byte buffer; every request it accepts is well-formed; and an accepted request written out again frames into
 * the same request.
 *
 * <p>{@code mvn verify} replays the committed seeds in {@code RequestFuzzTestInputs/headAndBody} (the vector
 * table's rows, and past findings). A bounded fuzzing run (the {@code maxDuration} below):
 * {@code JAZZER_FUZZ=1 nice -n 10 mvn -B test -Dtest=RequestFuzzTest -DargLine=-Xmx768m}; a finding is written to
 * that directory and becomes a regression seed.
 */
class RequestFuzzTest {

    private static final Set<Integer> REFUSALS = Set.of(400, 431, 501, 505);

    @FuzzTest(maxDuration = "5m")
    void headAndBody(byte[] input) throws IOException {
        Framer.Outcome whole = Framer.frame(input, Integer.MAX_VALUE, 16 * 1024);
        assertEquals(whole.describe(), Framer.frame(input, 1, 16 * 1024).describe(), "byte at a time");
        assertEquals(whole.describe(), Framer.frame(input, 5, 24).describe(), "24-byte buffer");
        if (whole.end() == Framer.End.REFUSED) {
            assertTrue(REFUSALS.contains(whole.status()), "status " + whole.status());
        }
        for (Framer.Request request : whole.requests()) {
            checkWellFormed(request);
            Framer.Outcome again = Framer.frame(serialize(request), Integer.MAX_VALUE, 16 * 1024);
            assertEquals(1, again.requests().size(), () -> "written out again: " + again.describe());
            assertEquals(request.describe(), again.requests().get(0).describe(), "written out again");
        }
    }

    /** What the parser promises about a request it accepts. */
    private static void checkWellFormed(Framer.Request request) {
        RequestHead head = request.head();
        assertTrue(head.method.chars().allMatch(c -> RequestHead.isTchar((char) c)) && !head.method.isEmpty(),
                head.method);
        assertTrue(head.protocol.equals("HTTP/1.1") || head.protocol.equals("HTTP/1.0"), head.protocol);
        List<String> hosts = head.headers.get("Host");
        if (!head.http10) {
            assertTrue(hosts != null && hosts.size() == 1, "one Host: " + hosts);
        }
        if (hosts != null) {
            assertEquals(1, hosts.size());
            assertTrue(RequestHead.isHost(hosts.get(0), 0, hosts.get(0).length()), hosts.get(0));
        }
        assertTrue(!(head.headers.containsKey("Content-Length") && head.headers.containsKey("Transfer-Encoding")));
        for (Map.Entry<String, List<String>> field : head.headers.entrySet()) {
            for (String value : field.getValue()) {
                assertTrue(value.chars().noneMatch(c -> (c < 0x20 && c != '\t') || c == 0x7f), field.getKey());
            }
        }
        if (head.bodyLength != RequestHead.CHUNKED) {
            assertEquals(head.bodyLength, request.body().length);
        }
    }

    /** The request as a conforming client would send it: its fields but framing, then a Content-Length body. */
    private static byte[] serialize(Framer.Request request) {
        RequestHead head = request.head();
        StringBuilder text = new StringBuilder();
        text.append(head.method).append(' ').append(head.uri.toString()).append(' ').append(head.protocol)
                .append("\r\n");
        Headers headers = head.headers;
        for (Map.Entry<String, List<String>> field : headers.entrySet()) {
            String name = field.getKey();
            if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")) {
                continue;
            }
            for (String value : field.getValue()) {
                text.append(name).append(": ").append(value).append("\r\n");
            }
        }
        if (request.body().length > 0) {
            text.append("Content-Length: ").append(request.body().length).append("\r\n");
        }
        text.append("\r\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(request.body());
        return out.toByteArray();
    }
}
