package io.streamcdn.origin.serve;

import io.streamcdn.common.http.EntityTag;
import io.streamcdn.common.http.WholeBody;
import io.streamcdn.origin.OriginConfig;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The web player (module {@code player}: the catalog, upload and watch pages, dash.js) served at {@code /},
 * and {@code /player-config.json}, which tells the pages where the origin and the router are.
 *
 * <p>The pages are a few hundred kilobytes of static files on the classpath under {@code streamcdn-player/}.
 * {@link #load} reads them all once at start, on a worker thread (from the player's jar, or from its
 * {@code target/classes} in a reactor build), with each file's content type and a strong ETag from its
 * SHA-256; requests are then answered from memory, so serving never touches the disk or blocks an event
 * loop. Only the files read at start exist: a path is looked up as it was sent, so {@code ..} or encoded
 * separators can name nothing else, and anything not found passes on to the origin's 404.
 *
 * <p>Caching: a file whose path carries a version ({@code vendor/dashjs-5.2.1/...}) never changes, so it may
 * be kept for a year ({@code immutable}); every other file is {@code no-cache}: browsers keep it but ask each
 * time, and the ETag makes that a 304, so a new release of the pages is seen at once.
 */
public final class PlayerSite {

    /** Where the player module puts its files on the classpath. */
    public static final String CLASSPATH_ROOT = "streamcdn-player";
    static final String ROUTE = "/*player";
    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    static final String REVALIDATE = "no-cache";

    private static final Map<String, String> CONTENT_TYPES = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("map", "application/json"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("png", "image/png"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("md", "text/markdown; charset=utf-8"),
            Map.entry("woff2", "font/woff2"));

    /** One file, ready to send. */
    record Asset(Buffer body, String contentType, EntityTag etag, String cacheControl) {
    }

    private final Map<String, Asset> assets;
    private final Asset config;

    private PlayerSite(Map<String, Asset> assets, Asset config) {
        this.assets = Map.copyOf(assets);
        this.config = config;
    }

    /**
     * Reads the player's files from the classpath and builds {@code /player-config.json} from the origin's
     * configuration. Blocking: call it from a worker thread.
     *
     * @throws IOException when the player's files are on the classpath but cannot be read
     */
    public static PlayerSite load(ClassLoader loader, OriginConfig origin) throws IOException {
        Map<String, Asset> assets = new HashMap<>();
        URL index = loader.getResource(CLASSPATH_ROOT + "/index.html");
        if (index != null) {
            readTree(index, (relative, bytes) -> assets.put("/" + relative, asset(relative, bytes)));
        }
        JsonObject json = new JsonObject()
                .put("originUrl", origin.publicUrl())
                .put("routerUrl", origin.routerUrl().orElse(null));
        byte[] configBytes = json.encode().getBytes(StandardCharsets.UTF_8);
        return new PlayerSite(assets, asset("player-config.json", configBytes));
    }

    /** Whether the player's pages were found (an origin built without the player module serves only the API). */
    public boolean hasPages() {
        return assets.containsKey("/index.html");
    }

    /** The number of files served. */
    public int files() {
        return assets.size();
    }

    /**
     * Mounts {@code GET|HEAD /player-config.json} and the pages. The pages' route takes every GET and HEAD
     * that earlier routes did not, so mount it after the API and {@code /videos/}.
     */
    public void mount(Router router) {
        router.route("/player-config.json").setName("/player-config.json").method(HttpMethod.GET).method(HttpMethod.HEAD)
                .handler(ctx -> send(ctx.request(), config));
        router.route().setName(ROUTE).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(pages());
    }

    private Handler<RoutingContext> pages() {
        return ctx -> {
            String path = ctx.request().path();
            Asset asset = assets.get(path == null || path.equals("/") ? "/index.html" : path);
            if (asset == null) {
                ctx.next();
                return;
            }
            send(ctx.request(), asset);
        };
    }

    private static void send(HttpServerRequest request, Asset asset) {
        HttpServerResponse response = request.response()
                .putHeader(HttpHeaders.CACHE_CONTROL, asset.cacheControl())
                .putHeader(HttpHeaders.ETAG, asset.etag().toString())
                .putHeader("X-Content-Type-Options", "nosniff");
        String ifNoneMatch = request.getHeader(HttpHeaders.IF_NONE_MATCH);
        if (ifNoneMatch != null && EntityTag.Condition.parse(ifNoneMatch).matchesWeakly(asset.etag())) {
            response.setStatusCode(304).end();
            return;
        }
        response.putHeader(HttpHeaders.CONTENT_TYPE, asset.contentType())
                .putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(asset.body().length()));
        if (request.method() == HttpMethod.HEAD) {
            response.end();
        } else {
            WholeBody.end(response, asset.body()); // dash.js is about 1 MB
        }
    }

    static Asset asset(String relative, byte[] bytes) {
        String name = relative.substring(relative.lastIndexOf('/') + 1);
        String extension = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
        String type = CONTENT_TYPES.getOrDefault(extension, "application/octet-stream");
        String cache = relative.matches("vendor/[^/]+-\\d+(\\.\\d+)*[^/]*/.*") ? IMMUTABLE : REVALIDATE;
        return new Asset(Buffer.buffer(bytes), type, EntityTag.strong(sha256(bytes)), cache);
    }

    private interface FileSink {
        void accept(String relative, byte[] bytes);
    }

    /** Every regular file under the folder holding {@code index}, in a jar or in a directory. */
    private static void readTree(URL index, FileSink sink) throws IOException {
        URI uri;
        try {
            uri = index.toURI();
        } catch (URISyntaxException e) {
            throw new IOException("the player's location is not a URI: " + index, e);
        }
        if ("jar".equals(uri.getScheme())) {
            FileSystem jar;
            boolean opened = false;
            try {
                jar = FileSystems.newFileSystem(uri, Map.of());
                opened = true;
            } catch (FileSystemAlreadyExistsException e) {
                jar = FileSystems.getFileSystem(uri);
            }
            try {
                walk(jar.getPath("/" + CLASSPATH_ROOT), sink);
            } finally {
                if (opened) {
                    jar.close();
                }
            }
        } else {
            walk(Path.of(uri).getParent(), sink);
        }
    }

    private static void walk(Path root, FileSink sink) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile).forEach(file -> {
                String relative = root.relativize(file).toString().replace('\\', '/');
                try {
                    sink.accept(relative, Files.readAllBytes(file));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
