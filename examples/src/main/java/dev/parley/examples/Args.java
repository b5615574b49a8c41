package dev.parley.examples;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Command-line options of the form {@code --name value}, for the launcher's programs. */
final class Args {

    private final Map<String, String> values = new HashMap<>();

    /**
     * @param allowed the option names the program knows, without the dashes
     * @throws IllegalArgumentException for an unknown option or one without a value
     */
    Args(String[] args, Set<String> allowed) {
        for (int i = 0; i < args.length; i += 2) {
            String name = args[i].startsWith("--") ? args[i].substring(2) : null;
            if (name == null || !allowed.contains(name)) {
                throw new IllegalArgumentException("unknown option=" + args[i] + "; known: --" + String.join(", --",
                        allowed));
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("option=" + args[i] + " needs a value");
            }
            values.put(name, args[i + 1]);
        }
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int getInt(String name, int fallback) {
        String v = values.get(name);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("option=--" + name + " needs a number, got value=" + v, e);
        }
    }

    boolean has(String name) {
        return values.containsKey(name);
    }
}
