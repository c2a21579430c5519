package io.streamcdn.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The viewers of the router benchmark: {@code videos} video ids, each asked for by every one of MaxMind's
 * test addresses (sent as {@code X-Forwarded-For}, which the router believes from 127.0.0.1), so every
 * request is a real GeoIP lookup and a real ranking. Request {@code k} asks for video {@code k % videos}
 * from address {@code (k + k / videos) % addresses}: every pairing comes up once in
 * {@code videos x addresses} requests. The same sequence is given to wrk (as a Lua script) and to
 * {@link OpenLoopLoad} (as raw HTTP/1.1 requests), and the same to nginx, which ignores the header.
 */
final class RedirectWorkload {

    /** Addresses the GeoIP test database knows, with the places it puts them. */
    static final List<String> ADDRESSES = List.of("81.2.69.142", "216.160.83.57", "175.16.199.10", "89.160.20.115",
            "2.125.160.217");
    static final List<String> PLACES = List.of("London, GB", "Milton, US", "Changchun, CN", "Linköping, SE",
            "Boxford, GB");

    private final int videos;

    RedirectWorkload(int videos) {
        if (videos < 1 || videos > 999_999) {
            throw new IllegalArgumentException("--videos " + videos + " is outside 1..999999");
        }
        this.videos = videos;
    }

    /** Requests before the sequence repeats. */
    int size() {
        return videos * ADDRESSES.size();
    }

    String path(int k) {
        return String.format(Locale.ROOT, "/videos/video%06d/manifest.mpd", k % videos);
    }

    String address(int k) {
        return ADDRESSES.get((k + k / videos) % ADDRESSES.size());
    }

    /** Request {@code k} as HTTP/1.1 bytes, keep-alive. */
    byte[] request(int k, String host) {
        return ("GET " + path(k) + " HTTP/1.1\r\nHost: " + host + "\r\nX-Forwarded-For: " + address(k) + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Writes the wrk script: each wrk thread builds the whole sequence once and walks through it from its own
     * random offset, so the per-request Lua work is a table lookup. With {@code countRedirects}, a
     * {@code response} hook also counts 302s whose Location is an edge URL with the asked path, and prints
     * the totals as a {@code streamcdn-check:} line; the hook makes wrk parse every response's headers into
     * Lua, which costs wrk CPU, so measured rounds run without it and check the servers' own counters instead.
     */
    Path writeWrkScript(Path file, boolean countRedirects) throws IOException {
        StringBuilder lua = new StringBuilder();
        lua.append("local videos = ").append(videos).append("\nlocal addresses = {");
        for (String address : ADDRESSES) {
            lua.append('"').append(address).append("\", ");
        }
        lua.append("}\n");
        lua.append("""
                local requests = {}
                local i = 0
                local threads = {}
                setup = function(thread)
                  table.insert(threads, thread)
                  thread:set("offset", math.random(videos * #addresses) - 1)
                end
                init = function(args)
                  for k = 0, videos * #addresses - 1 do
                    local path = string.format("/videos/video%06d/manifest.mpd", k % videos)
                    local address = addresses[(k + math.floor(k / videos)) % #addresses + 1]
                    requests[k + 1] = wrk.format("GET", path, {["X-Forwarded-For"] = address})
                  end
                  i = tonumber(offset) or 0
                end
                request = function()
                  i = i % #requests + 1
                  return requests[i]
                end
                """);
        if (countRedirects) {
            lua.append("""
                    redirects, others, badLocations = 0, 0, 0
                    response = function(status, headers, body)
                      if status == 302 then
                        local location = headers["Location"] or headers["location"]
                        if location and string.find(location, "^http://127%.0%.0%.1:%d+/videos/video%d+/manifest%.mpd$") then
                          redirects = redirects + 1
                        else
                          badLocations = badLocations + 1
                        end
                      else
                        others = others + 1
                      end
                    end
                    done = function(summary, latency, requests)
                      local r, o, b = 0, 0, 0
                      for _, thread in ipairs(threads) do
                        r = r + thread:get("redirects")
                        o = o + thread:get("others")
                        b = b + thread:get("badLocations")
                      end
                      io.write(string.format("streamcdn-check: 302 %d other %d bad-location %d\\n", r, o, b))
                    end
                    """);
        }
        return Files.writeString(file, lua);
    }
}
