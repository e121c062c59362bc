package dev.launcher.it;

import com.sun.net.httpserver.HttpExchange;
import dev.launcher.app.Launcher;
import dev.launcher.http.Responses;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The real launcher with one application route, as a service behind a proxy would have it: {@code POST /orders}
 * with an {@code X-Request-Id} header executes the order, which here means appending {@code PID ID} as one line to
 * the file named by the {@code ORDERS_FILE} environment variable (one {@code write} per order, before the answer,
 * so a line is on disk for every order that was executed, whatever happens next). It answers 200 with the id.
 * Run as {@code java -cp launcher.jar:test-classes dev.launcher.it.OrdersLauncher [launcher flags]}.
 */
public final class OrdersLauncher {

    /** The header carrying the client's id for an order. */
    public static final String REQUEST_ID = "X-Request-Id";

    private OrdersLauncher() {
    }

    public static void main(String[] args) throws IOException {
        String file = System.getenv("ORDERS_FILE");
        if (file == null || file.isEmpty()) {
            throw new IllegalStateException("ORDERS_FILE is not set");
        }
        String pid = Long.toString(ProcessHandle.current().pid());
        try (FileOutputStream orders = new FileOutputStream(file, true)) {
            System.exit(Launcher.builder().route("/orders", exchange -> order(exchange, pid, orders)).build()
                    .start(args));
        }
    }

    private static void order(HttpExchange exchange, String pid, FileOutputStream orders) throws IOException {
        if (!Responses.allowOnly(exchange, "POST")) {
            return;
        }
        exchange.getRequestBody().readAllBytes();
        String id = exchange.getRequestHeaders().getFirst(REQUEST_ID);
        if (id == null || id.isEmpty()) {
            Responses.send(exchange, 400, Responses.TEXT, "no " + REQUEST_ID + "\n");
            return;
        }
        byte[] line = (pid + " " + id + "\n").getBytes(StandardCharsets.UTF_8);
        synchronized (orders) {
            orders.write(line);
        }
        Responses.send(exchange, 200, Responses.TEXT, "order " + id + "\n");
    }
}
