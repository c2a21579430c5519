package io.streamcdn.media;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One configured step of the bitrate ladder: a target height and a target video bitrate, written
 * {@code 720p:3000k} on command lines.
 */
public record Rung(int height, int videoKbps) {

    public static final List<Rung> DEFAULT_LADDER = List.of(
            new Rung(1080, 5000), new Rung(720, 3000), new Rung(480, 1400), new Rung(360, 800), new Rung(240, 400));

    private static final Pattern FORMAT = Pattern.compile("(\\d+)p?:(\\d+)k?", Pattern.CASE_INSENSITIVE);

    public Rung {
        if (height < 64 || height > 4320) {
            throw new IllegalArgumentException("rung height " + height + "p is outside 64p..4320p");
        }
        if (videoKbps < 50 || videoKbps > 100_000) {
            throw new IllegalArgumentException("rung bitrate " + videoKbps + "k is outside 50k..100000k");
        }
    }

    /** The rung's name, which is also its representation id and folder: {@code 720p}. */
    public String name() {
        return height + "p";
    }

    public static Rung parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a rung; write HEIGHTp:KBPSk, e.g. 720p:3000k");
        }
        return new Rung(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** Parses {@code 1080p:5000k,720p:3000k,...}; duplicates heights are refused. */
    public static List<Rung> parseLadder(String text) {
        List<Rung> rungs = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                Rung rung = parse(part);
                if (rungs.stream().anyMatch(r -> r.height() == rung.height())) {
                    throw new IllegalArgumentException("rung " + rung.name() + " is listed twice");
                }
                rungs.add(rung);
            }
        }
        if (rungs.isEmpty()) {
            throw new IllegalArgumentException("the ladder is empty; give at least one rung, e.g. 720p:3000k");
        }
        return List.copyOf(rungs);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%dp:%dk", height, videoKbps);
    }
}
