package dev.launcher.http.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The input buffer's growth for a body received whole: only as the bytes arrive, and back after the request. */
class RequestInputTest {

    private static final String HEAD = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000\r\n\r\n";

    /** A client that announces 1 MB and sends 10 bytes costs the connection's 8 KiB buffer, not 1 MB. */
    @Test
    void aLargeAnnouncedBodyReservesNothing() throws IOException, HttpError {
        byte[] bytes = (HEAD + "0123456789").getBytes(StandardCharsets.ISO_8859_1);
        RequestInput input = new RequestInput(new MemoryWire(bytes, Integer.MAX_VALUE), new byte[ConnectionBuffers.BYTES]);
        input.readNow();
        RequestHead.read(input, Framer.MAX_HEAD_BYTES, Framer.MAX_HEADERS);
        input.roomFor(1_000_000);
        assertEquals(10, input.buffered());
        assertEquals(ConnectionBuffers.BYTES, input.capacity());
    }

    /**
     * A full buffer doubles (never past the body's end); after the request it goes back to the pooled one with what
     * is still buffered.
     */
    @Test
    void growsByDoublingAsBytesArriveAndShrinksAfter() throws IOException, HttpError {
        byte[] bytes = (HEAD + "x".repeat(40_000)).getBytes(StandardCharsets.ISO_8859_1);
        byte[] pooled = new byte[ConnectionBuffers.BYTES];
        RequestInput input = new RequestInput(new MemoryWire(bytes, Integer.MAX_VALUE), pooled);
        input.readNow();
        RequestHead.read(input, Framer.MAX_HEAD_BYTES, Framer.MAX_HEADERS);
        int total = 40_000;
        while (input.buffered() < total) {
            input.roomFor(total);
            assertEquals(true, input.capacity() <= Math.max(ConnectionBuffers.BYTES, 2 * input.buffered() + 16 * 1024),
                    "capacity " + input.capacity() + " with " + input.buffered() + " buffered");
            if (input.readNow() < 0) {
                break;
            }
        }
        assertEquals(total, input.buffered());
        assertEquals(true, input.capacity() <= 2 * total, "capacity " + input.capacity());
        input.skipBuffered(total - 5);
        input.shrinkTo(pooled);
        assertEquals(ConnectionBuffers.BYTES, input.capacity());
        assertEquals(5, input.buffered());
        assertEquals('x', input.read());
    }
}
