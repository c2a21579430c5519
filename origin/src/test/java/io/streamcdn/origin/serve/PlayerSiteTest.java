package io.streamcdn.origin.serve;

import io.streamcdn.origin.testing.RawHttp;
import io.streamcdn.origin.testing.RunningOrigin;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The web player as a browser meets it on a real origin: the pages at /, scripts with a JavaScript type,
 * dash.js cacheable for good, 304s, 404 for anything else (traversal included), and /player-config.json
 * saying what the origin's flags say.
 */
class PlayerSiteTest {

    @TempDir
    static Path temp;
    static RunningOrigin origin;

    @BeforeAll
    static void start() throws Exception {
        origin = RunningOrigin.start(temp.resolve("data"),
                b -> b.routerUrl("http://127.0.0.1:8090/").publicUrl("http://127.0.0.1:8080"));
    }

    @AfterAll
    static void stop() throws Exception {
        origin.close();
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void theCatalogPageIsServedAtTheRootAndAsIndexHtml() throws Exception {
        HttpResponse<byte[]> root = origin.get("/");
        HttpResponse<byte[]> index = origin.get("/index.html");

        assertThat(root.statusCode()).isEqualTo(200);
        assertThat(root.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(text(root)).contains("<ul id=\"catalog\"", "js/catalog.js");
        assertThat(root.body()).isEqualTo(index.body());
        assertThat(root.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(root.headers().firstValue("ETag")).hasValueSatisfying(tag -> assertThat(tag).matches("\"[0-9a-f]{32}\""));
        assertThat(root.headers().firstValue("Content-Length")).hasValue(Integer.toString(root.body().length));
    }

    @Test
    void aPageAskedAgainWithItsEtagIsA304() throws Exception {
        String etag = origin.get("/watch.html").headers().firstValue("ETag").orElseThrow();

        HttpResponse<byte[]> again = origin.get("/watch.html", "If-None-Match", etag);

        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(origin.get("/watch.html", "If-None-Match", "\"something-else\"").statusCode()).isEqualTo(200);
    }

    @Test
    void scriptsAndStylesCarryTheirContentTypes() throws Exception {
        HttpResponse<byte[]> module = origin.get("/js/watch.js");
        HttpResponse<byte[]> core = origin.get("/js/abr-core.js");
        HttpResponse<byte[]> css = origin.get("/css/app.css");

        assertThat(module.statusCode()).isEqualTo(200);
        assertThat(module.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(module.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(text(core)).contains("export class AbrCore");
        assertThat(css.headers().firstValue("Content-Type")).hasValue("text/css; charset=utf-8");
        assertThat(origin.get("/favicon.svg").headers().firstValue("Content-Type")).hasValue("image/svg+xml");
    }

    @Test
    void dashJsIsServedFromItsVersionedFolderAndMayBeCachedForGood() throws Exception {
        Matcher script = Pattern.compile("src=\"(vendor/dashjs-[^\"]+/dash\\.all\\.min\\.js)\"").matcher(text(origin.get("/watch.html")));
        assertThat(script.find()).as("watch.html loads dash.js from vendor/").isTrue();

        HttpResponse<byte[]> dash = origin.get("/" + script.group(1));

        assertThat(dash.statusCode()).isEqualTo(200);
        assertThat(dash.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(dash.headers().firstValue("Cache-Control")).hasValue("public, max-age=31536000, immutable");
        assertThat(dash.body().length).isGreaterThan(200_000);
        assertThat(text(dash)).contains("MediaPlayer");
    }

    @Test
    void headAnswersTheHeadersWithoutTheBody() throws Exception {
        HttpResponse<byte[]> head = origin.head("/js/watch.js");

        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.headers().firstValue("Content-Length")).hasValue(
                Integer.toString(origin.get("/js/watch.js").body().length));
    }

    @Test
    void aMissingFileIsA404WithAReason() throws Exception {
        for (String path : List.of("/nope.html", "/js/missing.js", "/vendor/", "/js")) {
            HttpResponse<byte[]> response = origin.get(path);

            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(new JsonObject(text(response)).getString("reason")).as(path).isNotBlank();
        }
    }

    @Test
    void traversalNamesNoFileOutsideThePlayer() throws Exception {
        for (String target : List.of("/../pom.xml", "/%2e%2e/%2e%2e/pom.xml", "/js/..%2fwatch.html", "/css/%2e%2e/index.html",
                "/..\\index.html", "//etc/passwd", "/js/%2e%2e%2f%2e%2e%2forigin%2fpom.xml",
                "/META-INF/MANIFEST.MF", "/streamcdn-player/index.html", "/io/streamcdn/origin/OriginServer.class")) {
            RawHttp.Response response = origin.raw("GET", target);

            assertThat(response.status()).as(target).isIn(400, 404);
            assertThat(response.bodyText()).as(target).doesNotContain("<project", "root:", "<html", "Manifest-Version");
        }
        assertThat(origin.get("/health").statusCode()).as("the origin keeps serving").isEqualTo(200);
    }

    @Test
    void theApiAndTheVideosAreNotShadowedByThePages() throws Exception {
        HttpResponse<byte[]> catalog = origin.get("/api/videos");

        assertThat(catalog.statusCode()).isEqualTo(200);
        assertThat(new JsonObject(text(catalog)).getJsonArray("videos")).isNotNull();
        assertThat(origin.get("/videos/abcdef123456/manifest.mpd").statusCode()).isEqualTo(404);
        assertThat(origin.raw("POST", "/index.html", "Content-Length: 0").status()).isIn(404, 405);
    }

    @Test
    void playerConfigSaysWhereTheOriginAndTheRouterAre() throws Exception {
        HttpResponse<byte[]> response = origin.get("/player-config.json");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(new JsonObject(text(response)).getMap())
                .containsEntry("originUrl", "http://127.0.0.1:8080")
                .containsEntry("routerUrl", "http://127.0.0.1:8090");
    }

    @Test
    void withoutRouterOrPublicUrlTheConfigSendsThePlayerToThisOrigin() throws Exception {
        try (RunningOrigin plain = RunningOrigin.start(temp.resolve("plain"))) {
            JsonObject config = new JsonObject(new String(plain.get("/player-config.json").body(), StandardCharsets.UTF_8));

            assertThat(config.getString("originUrl")).isEmpty();
            assertThat(config.containsKey("routerUrl")).isTrue();
            assertThat(config.getValue("routerUrl")).isNull();
        }
    }

    @Test
    void pageRequestsAreCountedUnderOneRouteLabel() throws Exception {
        origin.get("/watch.html");
        origin.get("/js/qoe.js");

        String metrics = text(origin.get("/metrics"));

        assertThat(metrics).contains("route=\"" + PlayerSite.ROUTE + "\"").doesNotContain("watch.html", "qoe.js");
    }
}
