import com.sun.net.httpserver.HttpServer;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The benchmark's naive baseline: the plain-JDK server a user writes by hand. HttpServer with the default
 * executor (handlers run on the dispatcher thread), the default backlog, no system properties, and stop(N) from a
 * shutdown hook on SIGTERM/SIGINT. Deliberately not tuned: it is what the launcher is measured against.
 *
 * <pre>java -cp DIR NaiveServer HOST PORT [STOP_DELAY_SECONDS]</pre>
 */
public final class NaiveServer {

    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
        int stopDelay = args.length > 2 ? Integer.parseInt(args[2]) : 1;

        byte[] body = "Hello world".getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(null);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(stopDelay)));
        server.start();
        System.err.println("naive: listening on http://" + host + ":" + server.getAddress().getPort());
    }
}
