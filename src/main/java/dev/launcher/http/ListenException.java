package dev.launcher.http;

import java.io.IOException;

/** The server could not listen on its address: the port is taken, the host unknown, the port privileged. */
public final class ListenException extends IOException {

    private static final long serialVersionUID = 1L;

    ListenException(String message, Throwable cause) {
        super(message, cause);
    }
}
