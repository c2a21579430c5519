package io.streamcdn.edge.registration;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

/** What the router answered to a heartbeat or a deregistration: its status and the start of its body. */
record RouterAnswer(int status, String body) {

    private static final int REASON_MAX_CHARS = 200;

    boolean accepted() {
        return status >= 200 && status < 300;
    }

    /**
     * {@code HTTP 500: registry is full}: the status and a reason short enough for one log line, taken from the
     * {@code reason} of a JSON error body (what streamcdn roles send, see {@code ApiError}) or else from the
     * start of the body as text.
     */
    String describe() {
        String reason = body.strip();
        if (reason.startsWith("{")) {
            try {
                if (new JsonObject(reason).getValue("reason") instanceof String text) {
                    reason = text;
                }
            } catch (DecodeException e) {
                // not JSON after all, or cut short: shown as text
            }
        }
        reason = reason.replaceAll("\\s+", " ");
        if (reason.length() > REASON_MAX_CHARS) {
            reason = reason.substring(0, REASON_MAX_CHARS) + "...";
        }
        return reason.isEmpty() ? "HTTP " + status : "HTTP " + status + ": " + reason;
    }
}
