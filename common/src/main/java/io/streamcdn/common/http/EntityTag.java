package io.streamcdn.common.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An entity tag (RFC 9110 §8.8.3): an opaque quoted string, optionally marked weak ({@code W/"..."}).
 * The two comparisons of §8.8.3.2: {@link #weakMatch} (If-None-Match) ignores the weak marks;
 * {@link #strongMatch} (If-Match, If-Range) needs both tags strong.
 */
public record EntityTag(String opaque, boolean weak) {

    public EntityTag {
        if (opaque.indexOf('"') >= 0) {
            throw new IllegalArgumentException("an entity tag cannot contain '\"'");
        }
    }

    public static EntityTag strong(String opaque) {
        return new EntityTag(opaque, false);
    }

    public boolean weakMatch(EntityTag other) {
        return opaque.equals(other.opaque);
    }

    public boolean strongMatch(EntityTag other) {
        return !weak && !other.weak && opaque.equals(other.opaque);
    }

    /** The header spelling: {@code "abc"} or {@code W/"abc"}. */
    @Override
    public String toString() {
        return (weak ? "W/\"" : "\"") + opaque + "\"";
    }

    /** One entity tag; empty when {@code text} is not one. */
    public static Optional<EntityTag> parse(String text) {
        String value = text.strip();
        boolean weak = value.startsWith("W/");
        if (weak) {
            value = value.substring(2);
        }
        if (value.length() < 2 || value.charAt(0) != '"' || value.charAt(value.length() - 1) != '"') {
            return Optional.empty();
        }
        String opaque = value.substring(1, value.length() - 1);
        for (int i = 0; i < opaque.length(); i++) {
            char c = opaque.charAt(i);
            if (c == '"' || c < 0x21 || c == 0x7f) {
                return Optional.empty();
            }
        }
        return Optional.of(new EntityTag(opaque, weak));
    }

    /**
     * The value of If-Match or If-None-Match: {@code *} or a list of entity tags. Members that are not
     * entity tags are skipped (they can match nothing).
     */
    public record Condition(boolean any, List<EntityTag> tags) {

        public Condition {
            tags = List.copyOf(tags);
        }

        public static Condition parse(String header) {
            if (header.strip().equals("*")) {
                return new Condition(true, List.of());
            }
            List<EntityTag> tags = new ArrayList<>();
            // Entity tags cannot contain commas or quotes, so splitting on commas is exact.
            for (String member : header.split(",")) {
                EntityTag.parse(member).ifPresent(tags::add);
            }
            return new Condition(false, tags);
        }

        public boolean matchesWeakly(EntityTag current) {
            return any || tags.stream().anyMatch(current::weakMatch);
        }

        public boolean matchesStrongly(EntityTag current) {
            return any || tags.stream().anyMatch(current::strongMatch);
        }
    }
}
