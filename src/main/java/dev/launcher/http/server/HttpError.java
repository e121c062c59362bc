package dev.launcher.http.server;

/**
 * A request the server refuses before any handler sees it: the client gets {@link #status()} with the message as
 * a plain-text body, and the connection is closed.
 */
final class HttpError extends Exception {

    private static final long serialVersionUID = 1L;

    private final int status;

    HttpError(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    /** {@return the status the client gets: 400, 413, 431, 501 or 505} */
    int status() {
        return status;
    }
}
