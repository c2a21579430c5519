package io.streamcdn.edge.registration;

import java.net.URI;

/**
 * The router's URLs for one edge. The router may sit under a path prefix ({@code http://r:8090/cdn}),
 * so paths are appended to its base URL, never resolved against it (which would drop the prefix).
 */
record RouterApi(URI base, String edgeName) {

    /** {@code POST} target: {@code {router}/api/edges/{name}/heartbeat}. */
    String heartbeatUrl() {
        return edgeUrl() + "/heartbeat";
    }

    /** {@code DELETE} target for deregistration: {@code {router}/api/edges/{name}}. */
    String edgeUrl() {
        // EdgeConfig keeps names to [A-Za-z0-9._-], starting with a letter or digit: safe in a path as is.
        String text = base.toString();
        return (text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + "/api/edges/" + edgeName;
    }
}
