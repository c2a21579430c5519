package io.streamcdn.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The edge JVM's memory as its operator sees it: the heap in use and its old generation (Micrometer's
 * {@code jvm_memory_used_bytes} from the edge's own {@code /metrics}), and the process's resident set from
 * {@code /proc}. "Heap in use" saw-tooths with every young collection; the old generation is where whatever
 * survives ends up, so it is what grows when something leaks. (Micrometer's {@code jvm_gc_live_data_size_bytes}
 * stays 0 until G1's first concurrent cycle, which a healthy edge may never start.)
 */
record EdgeJvmReading(double heapUsedBytes, double oldGenBytes, long rssBytes) {

    static EdgeJvmReading read(HttpClient http, String metricsUrl, long pid) throws IOException, InterruptedException {
        String text = http.send(HttpRequest.newBuilder(URI.create(metricsUrl)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return new EdgeJvmReading(sum(text, "jvm_memory_used_bytes", "area=\"heap\""),
                sum(text, "jvm_memory_used_bytes", "Old Gen\"") + sum(text, "jvm_memory_used_bytes", "Tenured Gen\""),
                rss(pid));
    }

    /** Sums every sample of {@code name} whose labels contain {@code labelFilter}. */
    static double sum(String exposition, String name, String labelFilter) {
        double total = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith(name) && (line.length() > name.length())
                    && (line.charAt(name.length()) == '{' || line.charAt(name.length()) == ' ')
                    && line.contains(labelFilter)) {
                total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return total;
    }

    private static long rss(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    String describe() {
        return String.format(Locale.ROOT, "heap in use %5.1f MB, old generation %5.1f MB, RSS %5.1f MB",
                heapUsedBytes / 1e6, oldGenBytes / 1e6, rssBytes / 1e6);
    }
}
