package dev.launcher.app;

/** A bad command line or environment: the message is one line naming the problem; the exit code is 2. */
final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    UsageException(String key, Object... args) {
        super(Messages.get(key, args));
    }
}
