package io.streamcdn.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs Debian's {@code wrk} against one server and reads requests/s, latency percentiles and error counts
 * from its report. With a Lua script ({@link #pathCycler}) each connection walks through a list of paths.
 */
final class Wrk {

    /** One wrk run: throughput and latency in milliseconds. */
    record Result(double requestsPerSecond, double p50Ms, double p99Ms, long requests, long non2xx,
                  long socketErrors) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%10.0f req/s  p50 %7.3f ms  p99 %7.3f ms  non-2xx %d  socket errors %d",
                    requestsPerSecond, p50Ms, p99Ms, non2xx, socketErrors);
        }
    }

    private Wrk() {
    }

    static Result run(String url, int connections, int threads, int seconds) throws IOException, InterruptedException {
        return run(url, connections, threads, seconds, null);
    }

    /** As {@link #run(String, int, int, int)}, requests made by {@code script} (null: GET {@code url}). */
    static Result run(String url, int connections, int threads, int seconds, Path script)
            throws IOException, InterruptedException {
        return parse(report(url, connections, threads, seconds, script));
    }

    /** Runs wrk as {@link #run(String, int, int, int, Path)} does; returns its whole report, script output included. */
    static String report(String url, int connections, int threads, int seconds, Path script)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk", "--latency", "-c", Integer.toString(connections),
                "-t", Integer.toString(threads), "-d", seconds + "s", "--timeout", "10s"));
        if (script != null) {
            command.addAll(List.of("-s", script.toString()));
        }
        command.add(url);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("wrk failed: " + out);
        }
        return out;
    }

    /**
     * Reads wrk's {@code --latency} report. Its "Non-2xx or 3xx responses" are responses that are neither
     * 2xx nor 3xx (status 400 and up): a 302 is not counted there, and neither told apart from a 200.
     */
    static Result parse(String out) {
        return new Result(number(out, "Requests/sec:\\s+([0-9.]+)"), latencyMs(out, "50%"), latencyMs(out, "99%"),
                (long) number(out, "(\\d+) requests in "),
                (long) numberOr(out, "Non-2xx or 3xx responses:\\s+(\\d+)", 0),
                socketErrors(out));
    }

    /**
     * Writes a wrk script that sends GETs for {@code paths} in turn. Each wrk thread has its own Lua state
     * and starts at a different offset, so the threads do not all ask for the same file at once.
     */
    static Path pathCycler(Path file, List<String> paths) throws IOException {
        StringBuilder lua = new StringBuilder("local paths = {\n");
        for (String path : paths) {
            lua.append("  \"").append(path).append("\",\n");
        }
        lua.append("""
                }
                local i = 0
                setup = function(thread)
                  thread:set("offset", math.random(#paths))
                end
                init = function(args)
                  i = tonumber(offset) or 0
                end
                request = function()
                  i = i % #paths + 1
                  return wrk.format("GET", paths[i])
                end
                """);
        return Files.writeString(file, lua);
    }

    private static double latencyMs(String out, String percentile) {
        Matcher m = Pattern.compile("\\s" + Pattern.quote(percentile) + "\\s+([0-9.]+)(us|ms|s)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no " + percentile + " latency in wrk's report:\n" + out);
        }
        double value = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
    }

    private static long socketErrors(String out) {
        Matcher m = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(out);
        if (!m.find()) {
            return 0;
        }
        long total = 0;
        for (int i = 1; i <= 4; i++) {
            total += Long.parseLong(m.group(i));
        }
        return total;
    }

    private static double number(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("wrk's report has no match for " + regex + ":\n" + out);
        }
        return Double.parseDouble(m.group(1));
    }

    private static double numberOr(String out, String regex, double fallback) {
        Matcher m = Pattern.compile(regex).matcher(out);
        return m.find() ? Double.parseDouble(m.group(1)) : fallback;
    }
}
