package io.streamcdn.common.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** RFC 9110 §8.8.3.2's comparison table, and the header spellings. */
class EntityTagTest {

    private static final EntityTag W1 = new EntityTag("1", true);
    private static final EntityTag W2 = new EntityTag("2", true);
    private static final EntityTag S1 = EntityTag.strong("1");

    @Test
    void comparesAsTheRfcTableSays() {
        assertThat(W1.strongMatch(W1)).isFalse();
        assertThat(W1.weakMatch(W1)).isTrue();
        assertThat(W1.strongMatch(W2)).isFalse();
        assertThat(W1.weakMatch(W2)).isFalse();
        assertThat(W1.strongMatch(S1)).isFalse();
        assertThat(W1.weakMatch(S1)).isTrue();
        assertThat(S1.strongMatch(S1)).isTrue();
        assertThat(S1.weakMatch(S1)).isTrue();
    }

    @Test
    void parsesAndPrintsBothForms() {
        assertThat(EntityTag.parse("\"abc\"")).contains(EntityTag.strong("abc"));
        assertThat(EntityTag.parse(" W/\"abc\" ")).contains(new EntityTag("abc", true));
        assertThat(EntityTag.parse("\"\"")).contains(EntityTag.strong(""));
        assertThat(new EntityTag("abc", true)).hasToString("W/\"abc\"");
        assertThat(EntityTag.strong("abc")).hasToString("\"abc\"");
    }

    @ParameterizedTest(name = "''{0}''")
    @ValueSource(strings = {"abc", "\"abc", "abc\"", "w/\"abc\"", "W/abc", "\"a\"b\"", "\"a b\"", "", "\""})
    void refusesWhatIsNotAnEntityTag(String text) {
        assertThat(EntityTag.parse(text)).isEmpty();
    }

    @Test
    void readsListsAndTheWildcard() {
        assertThat(EntityTag.Condition.parse("*").any()).isTrue();
        assertThat(EntityTag.Condition.parse(" \"a\" , W/\"b\",junk,,\"c\"").tags())
                .isEqualTo(List.of(EntityTag.strong("a"), new EntityTag("b", true), EntityTag.strong("c")));
    }
}
