package io.streamcdn.origin.qoe;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Samples read back from a {@code /metrics} page, the way Prometheus would see them. */
record PrometheusText(String text) {

    private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{([^}]*)} (\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** The sum of every sample of {@code name} whose labels include {@code labels} (given as name, value, ...). */
    double sum(String name, String... labels) {
        double total = 0;
        Matcher m = SAMPLE.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(name) && labels(m.group(2)).entrySet().containsAll(pairs(labels).entrySet())) {
                total += Double.parseDouble(m.group(3));
            }
        }
        return total;
    }

    /** Whether any sample of {@code name} exists. */
    boolean has(String name) {
        Matcher m = SAMPLE.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** The values {@code label} takes on the samples of {@code name}. */
    Set<String> values(String name, String label) {
        Set<String> values = new TreeSet<>();
        Matcher m = SAMPLE.matcher(text);
        while (m.find()) {
            if (m.group(1).equals(name)) {
                String value = labels(m.group(2)).get(label);
                if (value != null) {
                    values.add(value);
                }
            }
        }
        return values;
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new LinkedHashMap<>();
        Matcher m = LABEL.matcher(text);
        while (m.find()) {
            labels.put(m.group(1), m.group(2));
        }
        return labels;
    }

    private static Map<String, String> pairs(String... labels) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            pairs.put(labels[i], labels[i + 1]);
        }
        return pairs;
    }
}
