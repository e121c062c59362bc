package dev.launcher.app;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.MissingResourceException;
import java.util.ResourceBundle;

/** Every user-visible string, from {@code messages.properties}. A missing key throws {@link MissingResourceException}. */
final class Messages {

    private static final ResourceBundle BUNDLE = ResourceBundle.getBundle("dev.launcher.app.messages", Locale.ROOT);

    private Messages() {
    }

    /** The message {@code key} with its arguments filled in; numbers are printed plainly (no grouping). */
    static String get(String key, Object... args) {
        String pattern = BUNDLE.getString(key);
        Object[] plain = new Object[args.length];
        for (int i = 0; i < args.length; i++) {
            plain[i] = args[i] instanceof Number || args[i] == null ? String.valueOf(args[i]) : args[i];
        }
        return new MessageFormat(pattern, Locale.ROOT).format(plain);
    }
}
