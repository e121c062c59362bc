package dev.launcher.app;

/** The process-level actions the launcher takes; a seam so that tests can run the launcher in-process. */
interface ProcessControl {

    /** Ends the process at once with {@code code}, running no shutdown hooks. */
    void halt(int code);

    /** Registers a JVM shutdown hook. */
    void addShutdownHook(Thread hook);

    /** The real process. */
    ProcessControl RUNTIME = new ProcessControl() {
        @Override
        public void halt(int code) {
            Runtime.getRuntime().halt(code);
        }

        @Override
        public void addShutdownHook(Thread hook) {
            Runtime.getRuntime().addShutdownHook(hook);
        }
    };
}
