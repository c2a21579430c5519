package io.streamcdn.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The router's own count of what it answered on {@code /videos/{id}/...}, read from its /metrics: its
 * per-route answer counter ({@code streamcdn_router_requests_total}) split into 302s and everything else, and the router's decisions. The
 * difference across a measured round proves wrk's responses were redirects (wrk itself cannot tell a 302
 * from a 200: both are "2xx or 3xx" to it). Also its JVM's garbage-collection pauses (count and seconds),
 * which is where a JVM's latency tail usually comes from.
 */
record RouterCounters(double redirects, double otherAnswers, double decisions, double gcPauses, double gcPauseSeconds) {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern VIDEO_RESPONSES = Pattern.compile(
            "(?m)^streamcdn_router_requests_total\\{([^}]*route=\"/videos/:id/\\*\"[^}]*)}\\s+(\\S+)$");
    private static final Pattern CODE = Pattern.compile("code=\"(\\d+)\"");
    private static final Pattern REDIRECT_DECISIONS = Pattern.compile(
            "(?m)^streamcdn_router_decisions_total\\{[^}]*api=\"redirect\"[^}]*}\\s+(\\S+)$");
    private static final Pattern GC_PAUSES = Pattern.compile("(?m)^jvm_gc_pause_seconds_count\\{[^}]*}\\s+(\\S+)$");
    private static final Pattern GC_SECONDS = Pattern.compile("(?m)^jvm_gc_pause_seconds_sum\\{[^}]*}\\s+(\\S+)$");

    static RouterCounters scrape(String metricsUrl) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(metricsUrl))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(metricsUrl + " answered " + response.statusCode());
        }
        return parse(response.body());
    }

    /** Sums the series in the Prometheus text of the router's /metrics (absent series count as 0). */
    static RouterCounters parse(String prometheusText) {
        double redirects = 0;
        double others = 0;
        Matcher m = VIDEO_RESPONSES.matcher(prometheusText);
        while (m.find()) {
            Matcher code = CODE.matcher(m.group(1));
            double value = Double.parseDouble(m.group(2));
            if (code.find() && code.group(1).equals("302")) {
                redirects += value;
            } else {
                others += value;
            }
        }
        return new RouterCounters(redirects, others, sum(REDIRECT_DECISIONS, prometheusText),
                sum(GC_PAUSES, prometheusText), sum(GC_SECONDS, prometheusText));
    }

    RouterCounters minus(RouterCounters before) {
        return new RouterCounters(redirects - before.redirects, otherAnswers - before.otherAnswers,
                decisions - before.decisions, gcPauses - before.gcPauses, gcPauseSeconds - before.gcPauseSeconds);
    }

    private static double sum(Pattern series, String prometheusText) {
        double total = 0;
        Matcher m = series.matcher(prometheusText);
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }
}
