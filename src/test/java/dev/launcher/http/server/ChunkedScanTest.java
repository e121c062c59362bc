package dev.launcher.http.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scan of a chunked body as it arrives ({@link RequestBody.ChunkedBody#scan()}), below the socket: it says
 * "complete" exactly when the body reader would read the body to its end, after as many bytes, "malformed" exactly
 * when the reader would refuse it, and "more" otherwise — whether the bytes come whole, one at a time, or in
 * pieces through a small buffer that grows as they arrive.
 */
class ChunkedScanTest {

    /** A scan's verdict on some bytes: {@code complete N} (the body's length as sent), {@code malformed}, {@code more}. */
    private static String scanned(byte[] body, int slice, int bufferSize) throws IOException {
        RequestInput input = new RequestInput(new MemoryWire(body, slice), new byte[bufferSize]);
        RequestBody.ChunkedBody scan = new RequestBody.ChunkedBody(input);
        while (true) {
            int n = input.readNow();
            switch (scan.scan()) {
                case COMPLETE:
                    return "complete " + scan.scanned();
                case MALFORMED:
                    return "malformed";
                case MORE:
                default:
                    if (n < 0) {
                        return "more";
                    }
                    input.roomFor(Integer.MAX_VALUE);
                    break;
            }
        }
    }

    /** The reader's verdict on the same bytes, in the scan's terms. */
    private static String read(byte[] body) throws IOException {
        RequestInput input = new RequestInput(new MemoryWire(body, Integer.MAX_VALUE), new byte[body.length + 1]);
        RequestBody.ChunkedBody reader = new RequestBody.ChunkedBody(input);
        byte[] scratch = new byte[64];
        try {
            while (reader.read(scratch, 0, scratch.length) >= 0) {
                // the body's bytes
            }
        } catch (RequestBody.MalformedBodyException e) {
            return "malformed";
        } catch (EOFException e) {
            return "more";
        }
        return "complete " + (body.length - input.buffered());
    }

    private static void assertScansAsRead(byte[] body, String what) throws IOException {
        String expected = read(body);
        assertEquals(expected, scanned(body, Integer.MAX_VALUE, 64 * 1024), "whole, " + what);
        assertEquals(expected, scanned(body, 1, 8), "byte at a time, " + what);
        assertEquals(expected, scanned(body, 7, 24), "7 bytes at a time, " + what);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        // RFC 9112, 7.1: chunks, an extension, a trailer field
        "5\\r\\nhello\\r\\n0\\r\\n\\r\\n | complete 15",
        "5;a=b\\r\\nhello\\r\\n0\\r\\nX: y\\r\\n\\r\\n | complete 25",
        "5\\r\\nhello\\r\\n0\\r\\n\\r\\nGET / HTTP/1.1\\r\\n | complete 15",
        "5\\r\\nhel | more",
        "5\\r | more",
        "5\\r\\nhello\\r\\n0\\r\\n | more",
        // the trimmed chunk sizes, and http-garden's trophies 5\\r\\r;ABCD and 2\\r\\r;a
        "\\x205\\r\\nhello\\r\\n0\\r\\n\\r\\n | malformed",
        "5\\t\\r\\nhello\\r\\n0\\r\\n\\r\\n | malformed",
        "5\\r\\r;ABCD\\r\\n34\\r\\nE\\r\\n0\\r\\n\\r\\n | malformed",
        "2\\r\\r;a | malformed",
        // CVE-2025-22871 class: bare LF in chunked framing
        "5\\nhello\\r\\n0\\r\\n\\r\\n | malformed",
        "5\\r\\nhello\\n0\\r\\n\\r\\n | malformed",
        // 17 hex digits
        "00000000000000001\\r\\nx\\r\\n0\\r\\n\\r\\n | malformed",
    })
    void verdicts(String escaped, String expected) throws IOException {
        byte[] body = Escapes.unescape(escaped);
        assertEquals(expected, read(body), "the reader");
        assertScansAsRead(body, escaped);
    }

    /** Every chunked body of the vector table: the scan agrees with the reader, each row naming its source. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("chunkedRows")
    void vectorTableBodies(RequestVectorsTest.Vector vector, byte[] body) throws IOException {
        assertScansAsRead(body, vector.input());
    }

    /** The chunked bodies of the table's rows whose head parses: the bytes after the head. */
    static Stream<Arguments> chunkedRows() throws IOException {
        List<RequestVectorsTest.Vector> vectors = RequestVectorsTest.vectors();
        return vectors.stream().map(vector -> {
            byte[] bytes = Escapes.unescape(vector.input());
            RequestInput input = new RequestInput(new MemoryWire(bytes, Integer.MAX_VALUE), new byte[bytes.length + 1]);
            try {
                RequestHead head = RequestHead.read(input, Framer.MAX_HEAD_BYTES, Framer.MAX_HEADERS);
                if (head == null || head.bodyLength != RequestHead.CHUNKED) {
                    return null;
                }
            } catch (HttpError | IOException e) {
                return null;
            }
            return Arguments.of(vector, Arrays.copyOfRange(bytes, bytes.length - input.buffered(), bytes.length));
        }).filter(java.util.Objects::nonNull);
    }

    /** The table holds enough chunked bodies for the comparison to mean something. */
    @Test
    void tableHasChunkedBodies() throws IOException {
        assertTrue(chunkedRows().count() >= 40, "chunked rows: " + chunkedRows().count());
    }

    /**
     * A long line trickled one byte at a time is looked at once, not once per byte: the scan stays linear (a
     * quadratic rescan of 100 trailer lines of 4 KiB would take seconds).
     */
    @Test
    void aTrickledBodyIsScannedInLinearTime() throws IOException {
        StringBuilder body = new StringBuilder("1;a=" + "b".repeat(4000) + "\r\nx\r\n0\r\n");
        for (int i = 0; i < 100; i++) {
            body.append("X-T: ").append("t".repeat(4000)).append("\r\n");
        }
        byte[] bytes = body.append("\r\n").toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        long start = System.nanoTime();
        assertEquals("complete " + bytes.length, scanned(bytes, 1, 8192));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 0 && millis < 2000, "scanning " + bytes.length + " bytes one at a time took " + millis + " ms");
    }
}
