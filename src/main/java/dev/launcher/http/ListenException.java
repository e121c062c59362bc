package dev.launcher.http;

import java.io.IOException;
import java.util.Optional;

/** The server could not listen on its address: the port is taken, the host unknown, the port privileged. */
public final class ListenException extends IOException {

    /** The form of the message: the address as given, then why ({@link #reason()}). */
    public static final String MESSAGE_FORMAT = "cannot listen on %s: %s";
    /** The form of {@link #reason()} for a host that does not resolve: the host. */
    public static final String UNKNOWN_HOST_FORMAT = "unknown host %s";
    /** The address of a failure to serve on the socket inherited on standard input. */
    static final String INHERITED = "the inherited socket";
    /** The {@link #reason()} when standard input is not a socket. */
    static final String INHERITED_NONE =
            "standard input is not a socket (systemd passes one with a .socket unit and StandardInput=socket)";
    /** The {@link #reason()} when standard input is a connection, not a listener. */
    static final String INHERITED_CONNECTION =
            "standard input is a connection (inetd style, Accept=yes), not a listening socket";
    /** The {@link #reason()} when standard input is another kind of channel. */
    static final String INHERITED_OTHER = "standard input is not a listening TCP socket";

    private static final long serialVersionUID = 1L;

    /** The address as given. */
    private final String address;
    /** Why, in the system's words. */
    private final String reason;
    /** The host that does not resolve, or null. */
    private final String unknownHost;

    private ListenException(String address, String reason, String unknownHost, Throwable cause) {
        super(String.format(MESSAGE_FORMAT, address, reason), cause);
        this.address = address;
        this.reason = reason;
        this.unknownHost = unknownHost;
    }

    /** The server's socket could not be bound; {@code reason} is the system's words. */
    ListenException(String address, String reason, Throwable cause) {
        this(address, reason, null, cause);
    }

    /** {@code host} does not resolve. */
    static ListenException unknownHost(String address, String host, Throwable cause) {
        return new ListenException(address, String.format(UNKNOWN_HOST_FORMAT, host), host, cause);
    }

    /** {@return the address as given, {@code host:port} ({@code [v6]:port})} */
    public String address() {
        return address;
    }

    /** {@return why, in the system's words (e.g. {@code Address already in use}), or {@code unknown host HOST}} */
    public String reason() {
        return reason;
    }

    /** {@return the host that does not resolve, if that is why; empty otherwise} */
    public Optional<String> unknownHost() {
        return Optional.ofNullable(unknownHost);
    }
}
