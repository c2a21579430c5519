package io.streamcdn.common.http;

import java.util.Map;

/**
 * A request a role refuses, as a value a handler passes to {@code RoutingContext.fail}: the
 * {@link ApiError} to answer with and the headers that status requires ({@code Allow} on a 405,
 * {@code Content-Range} on a 416). {@link JsonErrors} turns it into the response.
 *
 * <p>No stack trace is captured: these are expected outcomes, not bugs.
 */
public final class HttpProblem extends RuntimeException {

    private final ApiError error;
    private final Map<String, String> headers;

    public HttpProblem(ApiError error, Map<String, String> headers) {
        super(error.reason(), null, false, false);
        this.error = error;
        this.headers = Map.copyOf(headers);
    }

    public HttpProblem(ApiError error) {
        this(error, Map.of());
    }

    public static HttpProblem badRequest(String code, String reason) {
        return new HttpProblem(new ApiError(400, code, reason));
    }

    public static HttpProblem notFound(String reason) {
        return new HttpProblem(new ApiError(404, "not_found", reason));
    }

    /** @param allow the methods the resource does accept, as the {@code Allow} header lists them */
    public static HttpProblem methodNotAllowed(String method, String allow) {
        return new HttpProblem(new ApiError(405, "method_not_allowed",
                method + " is not accepted here; use " + allow), Map.of("Allow", allow));
    }

    public static HttpProblem preconditionFailed(String reason) {
        return new HttpProblem(new ApiError(412, "precondition_failed", reason));
    }

    public static HttpProblem rangeNotSatisfiable(long size) {
        return new HttpProblem(new ApiError(416, "range_not_satisfiable",
                "the requested range lies outside the file, which has " + size + " bytes"),
                Map.of("Content-Range", "bytes */" + size));
    }

    public ApiError error() {
        return error;
    }

    public Map<String, String> headers() {
        return headers;
    }
}
