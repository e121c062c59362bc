import com.sun.net.httpserver.HttpServer;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * The benchmark's naive baseline: the plain-JDK server a user writes by hand. HttpServer with the default
 * executor (handlers run on the dispatcher thread), the default backlog, no system properties, and stop(N) from a
 * shutdown hook on SIGTERM/SIGINT. Deliberately not tuned: it is what the launcher is measured against.
 *
 * <pre>java -cp DIR NaiveServer HOST PORT [STOP_DELAY_SECONDS [EXECUTOR]]</pre>
 *
 * EXECUTOR is {@code default} (the baseline: handlers on the dispatcher thread), {@code fixed:N}, {@code cached}
 * or {@code virtual} (JDK 21+): only for probing what the JDK server itself can do (bench/README.md).
 */
public final class NaiveServer {

    public static void main(String[] args) throws Exception {
        String host = args.length > 0 ? args[0] : "127.0.0.1";
        int port = args.length > 1 ? Integer.parseInt(args[1]) : 8080;
        int stopDelay = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        String executor = args.length > 3 ? args[3] : "default";

        byte[] body = "Hello world".getBytes(StandardCharsets.UTF_8);
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 0);
        server.createContext("/", exchange -> {
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.setExecutor(executor(executor));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(stopDelay)));
        server.start();
        System.err.println("naive: listening on http://" + host + ":" + server.getAddress().getPort()
                + " executor=" + executor);
    }

    private static Executor executor(String spec) throws Exception {
        if (spec.equals("default")) {
            return null;
        }
        if (spec.startsWith("fixed:")) {
            return Executors.newFixedThreadPool(Integer.parseInt(spec.substring(6)));
        }
        if (spec.equals("cached")) {
            return Executors.newCachedThreadPool();
        }
        if (spec.equals("virtual")) {
            return (Executor) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
        }
        throw new IllegalArgumentException("executor: default, fixed:N, cached or virtual, not " + spec);
    }
}
