import dev.launcher.group.Outcome;
import dev.launcher.group.ServiceGroup;
import dev.launcher.group.StopCause;
import dev.launcher.http.HttpService;
import dev.launcher.http.Responses;
import dev.launcher.signal.SignalSource;
import dev.launcher.worker.Worker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/** Embeds the group: an HTTP server with a slow handler, a job of its own, a graceful stop on SIGTERM/SIGINT. */
public class EmbeddedExample {
    public static void main(String[] args) {
        String[] addr = (args.length > 0 ? args[0] : "127.0.0.1:8080").split(":");
        HttpService http = HttpService.builder(addr[0], Integer.parseInt(addr[1]))
                .route("/slow", exchange -> {
                    System.out.println("slow request started");
                    LockSupport.parkNanos(Duration.ofMillis(500).toNanos());   // slow work
                    Responses.send(exchange, 200, Responses.TEXT, "done\n");
                })
                .onListening(address -> System.out.println("listening on " + address.getPort()))
                .build();
        ServiceGroup group = ServiceGroup.builder()
                .shutdownTimeout(Duration.ofSeconds(5))
                .add("http", http)
                .add("job", new Worker(Duration.ofMillis(200), tick -> System.out.println("job " + tick)))
                .stopOrder(List.of("http"), List.of("job"))           // requests first, then the job
                .build();
        SignalSource.jvm().install(List.of("INT", "TERM"), signal -> group.requestStop(StopCause.requested(signal)));
        Outcome outcome = group.run();                                  // blocks until all stopped
        System.out.println("stopped: " + outcome);
        System.exit(outcome.hasFailure() ? 1 : outcome.missedDeadline() ? 3 : 0);
    }
}
