package io.streamcdn.common.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DateHeaderTest {

    @Test
    void theDateIsTheCurrentSecondAsAnHttpDate() {
        DateHeader header = new DateHeader();
        long before = System.currentTimeMillis() / 1000;
        String date = header.now();
        long after = System.currentTimeMillis() / 1000;

        assertThat(HttpDate.parseEpochSeconds(date)).hasValueSatisfying(s -> assertThat(s).isBetween(before, after));
        assertThat(header.now()).isIn(date, HttpDate.format(System.currentTimeMillis() / 1000 * 1000));
    }
}
