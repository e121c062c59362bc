package dev.launcher.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Distinct free loopback ports, for processes that must listen on a port known in advance (a proxy's upstream, an
 * instance restarted on the same port). The kernel hands them out; they are free when returned, not reserved.
 */
public final class FreePorts {

    private FreePorts() {
    }

    /** {@return {@code count} distinct ports that were free on 127.0.0.1 a moment ago} */
    public static List<Integer> pick(int count) throws IOException {
        List<ServerSocket> held = new ArrayList<>();
        try {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(socket);
                ports.add(socket.getLocalPort());
            }
            return List.copyOf(ports);
        } finally {
            for (ServerSocket socket : held) {
                socket.close();
            }
        }
    }
}
