/**
 * The launcher's HTTP/1.1 engine behind the {@code com.sun.net.httpserver} API: {@link
 * dev.launcher.http.server.LauncherHttpServer} is the only public class.
 *
 * <h2>Each class's one job</h2>
 * <ul>
 *   <li>{@code LauncherHttpServer} — the API object: binds (or adopts a listening socket), starts the loops,
 *       accepts, routes an exchange to its context (authenticator, filters, handler), and stops
 *       ({@code shutdown}: the graceful stop, waiting on the connections' state changes).</li>
 *   <li>{@code EventLoop} — one selector and its connections, served by one owner thread at a time; its
 *       {@code Tenure} is one owner's time, ended by a hand-off when a handler blocks.</li>
 *   <li>{@code LoopWatchdog} — watches the loops and hands a blocked one to a new thread.</li>
 *   <li>{@code ConnectionThreads} — makes the server's threads (loop owners; a thread per connection in the
 *       optional thread modes).</li>
 *   <li>{@code ServerFailures} — counts and logs the failures the server survives (no thread, an {@code Error}).</li>
 *   <li>{@code Connection} — one client connection: its states ({@code IDLE → READING → ACTIVE → …}, then
 *       {@code CLOSED}; on an event loop also its placement, {@code ON_LOOP ⇄ AWAY}), the HTTP/1 protocol written
 *       once (receive a head, receive its body up to a limit, run the exchange, finish the body, next), its
 *       timeouts, the close (lingering when the client may still be sending).</li>
 *   <li>{@code Scheduling} — how the thread serving a connection waits for bytes and runs what may block: a
 *       thread of its own (waits block), an event loop's owner (waits return to the selector; {@code Tenure}), or
 *       a thread the loop left in a handler (its first wait gives the connection back; {@code EventLoop.away}).</li>
 *   <li>{@code Wire} — the connection's bytes: a non-blocking channel (event loops) or a blocking socket.</li>
 *   <li>{@code RequestInput} — the connection's input buffer: says when a head has arrived whole, and serves the
 *       parser and the body readers.</li>
 *   <li>{@code RequestHead}, {@code RequestBody}, {@code HttpError} — the grammar (RFC 9112): a parsed head, a
 *       fixed-length or chunked body, a refusal with its status.</li>
 *   <li>{@code ServerExchange} — one request and its response, as the API defines them; its outcome
 *       ({@code PENDING → COMPLETE | FAILED}) tells the connection whether it may go on.</li>
 *   <li>{@code ResponseBody}, {@code ResponseOutput}, {@code HeadBuffer}, {@code StatusLines}, {@code HttpDate} —
 *       the response: framing (fixed length or chunked), the buffered output, the head's bytes.</li>
 *   <li>{@code ServerContext} — a context: a path, its handler, filters and authenticator.</li>
 *   <li>{@code ServerLimits} — the limits, from system properties. {@code ConnectionBuffers} — pooled
 *       per-connection buffers. {@code BufferBudget} — the bytes all connections may grow their buffers by to
 *       receive bodies whole.</li>
 * </ul>
 *
 * <h2>The path of a request</h2>
 * <ol>
 *   <li>An {@code EventLoop}'s selector reports the listening socket ready; the loop asks
 *       {@code LauncherHttpServer.acceptFor}, which accepts and gives the new {@code Connection} to the loop with
 *       the fewest connections.</li>
 *   <li>The loop's owner reads what has arrived ({@code RequestInput.readNow}); once {@code headArrived} says the
 *       head is whole, {@code RequestHead.read} parses it from the buffer (a refusal is answered and the
 *       connection closes); its body is received whole too, up to {@code ServerLimits.maxBufferedBody} and
 *       within the server's {@code BufferBudget} for such buffers (a
 *       chunked one followed by {@code ChunkedBody.scan} as it arrives, a malformed one refused; {@code 100
 *       Continue} sent first if the client waits for it). Until then the connection waits in the selector,
 *       holding no thread.</li>
 *   <li>The exchange runs inline on the loop's thread, in a blocking section of its {@code Tenure}:
 *       {@code LauncherHttpServer.dispatch} finds the context and calls the handler with a {@code ServerExchange}.
 *       If the handler blocks past 2 ms, the {@code LoopWatchdog} gives the loop to a new thread; the old one
 *       finishes this connection's exchange, serves what has arrived whole behind it (the same protocol, with the
 *       loop's {@code away} scheduling), and gives the connection back at its first wait for bytes.</li>
 *   <li>When the response is complete the connection discards what is left of the body (or closes), and serves
 *       the next request already buffered (pipelining) or waits for it (keep-alive).</li>
 * </ol>
 */
package dev.launcher.http.server;
