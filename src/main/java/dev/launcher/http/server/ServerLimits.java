package dev.launcher.http.server;

/**
 * The server's limits, read from system properties when a server is created; a property the user sets
 * ({@code -D...}) wins over the default. The {@code sun.net.httpserver.*} names are the JDK server's, with the same
 * meaning.
 *
 * <table>
 *   <caption>Limits</caption>
 *   <tr><th>property</th><th>default</th><th>what happens past it</th></tr>
 *   <tr><td>sun.net.httpserver.maxReqHeaderSize</td><td>65536 bytes</td><td>431, connection closed</td></tr>
 *   <tr><td>sun.net.httpserver.maxReqHeaders</td><td>200 fields</td><td>431, connection closed</td></tr>
 *   <tr><td>sun.net.httpserver.maxReqTime</td><td>20 s</td>
 *       <td>a request head that takes longer to arrive (slowloris) gets 408 and its connection is closed</td></tr>
 *   <tr><td>sun.net.httpserver.idleInterval</td><td>30 s</td>
 *       <td>a keep-alive connection idle that long is closed; also the most a body read waits</td></tr>
 *   <tr><td>sun.net.httpserver.nodelay</td><td>true</td><td>(TCP_NODELAY on every connection)</td></tr>
 *   <tr><td>launcher.http.maxConnections</td><td>4096</td>
 *       <td>further connections wait in the listen backlog until one closes</td></tr>
 *   <tr><td>launcher.http.maxBufferedBody</td><td>262144 bytes</td>
 *       <td>a request body is received whole before its handler runs, without a thread, up to this many bytes
 *       (a chunked body: as sent, its framing included); a larger one the handler reads as it comes</td></tr>
 *   <tr><td>launcher.http.bodyBufferBudget</td><td>1/8 of the maximum heap, at least 1 MiB</td>
 *       <td>the most bytes all connections together hold in buffers grown for bodies being received whole; a body
 *       that would need more is read by its handler as it comes, as a larger one is</td></tr>
 * </table>
 *
 * @param maxHeadBytes   the most bytes of a request line and header fields
 * @param maxHeaders     the most header fields
 * @param requestMillis  the most time a request head may take to arrive
 * @param idleMillis     the most time a keep-alive connection waits for the next request, and a body read waits
 * @param maxConnections the most connections open at once
 * @param noDelay        TCP_NODELAY
 * @param maxBufferedBody the most bytes of a request body received whole before its exchange runs
 * @param bodyBufferBudget the most bytes of buffers grown for such bodies, all connections together
 */
record ServerLimits(int maxHeadBytes, int maxHeaders, long requestMillis, int idleMillis, int maxConnections,
                    boolean noDelay, int maxBufferedBody, long bodyBufferBudget) {

    /** The default request head limit, in bytes. */
    static final int MAX_HEAD_BYTES = 64 * 1024;
    /** The default most bytes of a request body received before its exchange runs. */
    static final int MAX_BUFFERED_BODY = 256 * 1024;

    /** Limits with the default {@link #MAX_BUFFERED_BODY} and {@link #defaultBodyBufferBudget()}. */
    ServerLimits(int maxHeadBytes, int maxHeaders, long requestMillis, int idleMillis, int maxConnections,
                 boolean noDelay) {
        this(maxHeadBytes, maxHeaders, requestMillis, idleMillis, maxConnections, noDelay, MAX_BUFFERED_BODY,
                defaultBodyBufferBudget());
    }

    /** {@return these limits with {@code bytes} as {@link #maxBufferedBody}} */
    ServerLimits withMaxBufferedBody(int bytes) {
        return new ServerLimits(maxHeadBytes, maxHeaders, requestMillis, idleMillis, maxConnections, noDelay, bytes,
                bodyBufferBudget);
    }

    /** {@return these limits with {@code bytes} as {@link #bodyBufferBudget}} */
    ServerLimits withBodyBufferBudget(long bytes) {
        return new ServerLimits(maxHeadBytes, maxHeaders, requestMillis, idleMillis, maxConnections, noDelay,
                maxBufferedBody, bytes);
    }

    /**
     * {@return the default {@link #bodyBufferBudget}: an eighth of the heap the JVM may grow to, at least 1 MiB} With
     * {@code -Xmx48m} ({@code bin/launcher}) 6 MiB, 24 bodies of 256 KiB at once.
     */
    static long defaultBodyBufferBudget() {
        return Math.max(1L << 20, Runtime.getRuntime().maxMemory() / 8);
    }

    /** {@return the limits the system properties set, defaults for the rest} */
    static ServerLimits fromSystemProperties() {
        return new ServerLimits(
                intProperty("sun.net.httpserver.maxReqHeaderSize", MAX_HEAD_BYTES),
                intProperty("sun.net.httpserver.maxReqHeaders", 200),
                1000L * intProperty("sun.net.httpserver.maxReqTime", 20),
                1000 * intProperty("sun.net.httpserver.idleInterval", 30),
                intProperty("launcher.http.maxConnections", 4096),
                !"false".equalsIgnoreCase(System.getProperty("sun.net.httpserver.nodelay", "true")),
                intProperty("launcher.http.maxBufferedBody", MAX_BUFFERED_BODY),
                longProperty("launcher.http.bodyBufferBudget", defaultBodyBufferBudget()));
    }

    private static int intProperty(String name, int fallback) {
        return (int) Math.min(Integer.MAX_VALUE, longProperty(name, fallback));
    }

    private static long longProperty(String name, long fallback) {
        String value = System.getProperty(name);
        if (value == null) {
            return fallback;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            return parsed > 0 ? parsed : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
