package dev.launcher.app;

/** The jar's entry point. */
public final class Main {

    private Main() {
    }

    /**
     * Runs the launcher and exits with its code; see the README for flags and exit codes.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(Launcher.builder().build().start(args));
    }
}
