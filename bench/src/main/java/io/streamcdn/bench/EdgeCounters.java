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
 * The edge's own count of responses by X-Cache status, read from its /metrics: the difference across a
 * measured round proves that round was served from the cache (hits grew by what wrk counted, misses not).
 */
record EdgeCounters(double hits, double misses) {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static EdgeCounters scrape(String metricsUrl) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(metricsUrl))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(metricsUrl + " answered " + response.statusCode());
        }
        return parse(response.body());
    }

    /** Reads the counters from the Prometheus text of the edge's /metrics. */
    static EdgeCounters parse(String prometheusText) {
        return new EdgeCounters(requests(prometheusText, "hit"), requests(prometheusText, "miss"));
    }

    EdgeCounters minus(EdgeCounters before) {
        return new EdgeCounters(hits - before.hits, misses - before.misses);
    }

    private static double requests(String prometheusText, String cache) {
        Matcher m = Pattern.compile("(?m)^streamcdn_edge_requests_total\\{[^}]*cache=\"" + cache
                + "\"[^}]*}\\s+(\\S+)$").matcher(prometheusText);
        if (!m.find()) {
            throw new IllegalStateException("the edge's /metrics has no streamcdn_edge_requests_total{cache=\""
                    + cache + "\"}");
        }
        return Double.parseDouble(m.group(1));
    }
}
