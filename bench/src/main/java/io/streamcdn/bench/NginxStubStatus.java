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
 * nginx's own request count, from its {@code stub_status} page: across a measured round it must have grown
 * by at least wrk's response count (plus the status request itself), so nginx answered what wrk counted.
 * With {@code location /videos/ { return 302 ...; }} as the only other location, those answers are 302s.
 */
final class NginxStubStatus {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    /** "server accepts handled requests" followed by the three numbers. */
    private static final Pattern COUNTS = Pattern.compile("accepts handled requests\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)");

    /** The {@code location} block that serves the page. */
    static final String LOCATION = "location = /nginx_status { stub_status; }";

    private NginxStubStatus() {
    }

    /** Requests nginx has answered so far (this one included). */
    static long requests(String statusUrl) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(statusUrl))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = COUNTS.matcher(response.body());
        if (response.statusCode() != 200 || !m.find()) {
            throw new IOException(statusUrl + " answered " + response.statusCode() + " without stub_status counts");
        }
        return Long.parseLong(m.group(3));
    }
}
