package io.streamcdn.edge.registration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The one-line reason a refusal is logged with. */
class RouterAnswerTest {

    @Test
    void aJsonErrorIsDescribedByItsReason() {
        assertThat(new RouterAnswer(503, "{\"error\":\"unavailable\",\"reason\":\"registry is\\nfull\"}").describe())
                .isEqualTo("HTTP 503: registry is full");
    }

    @Test
    void anyOtherBodyIsDescribedByItsStartOnOneLine() {
        String page = "<html>\n<body>Bad Gateway</body>\n</html>" + "x".repeat(500);

        assertThat(new RouterAnswer(502, page).describe()).startsWith("HTTP 502: <html> <body>Bad Gateway")
                .endsWith("...").hasSizeLessThan(220);
        assertThat(new RouterAnswer(404, "").describe()).isEqualTo("HTTP 404");
        assertThat(new RouterAnswer(400, "{not json").describe()).isEqualTo("HTTP 400: {not json");
    }

    @Test
    void only2xxIsAccepted() {
        assertThat(new RouterAnswer(200, "").accepted()).isTrue();
        assertThat(new RouterAnswer(204, "").accepted()).isTrue();
        assertThat(new RouterAnswer(301, "").accepted()).isFalse();
        assertThat(new RouterAnswer(404, "").accepted()).isFalse();
    }
}
