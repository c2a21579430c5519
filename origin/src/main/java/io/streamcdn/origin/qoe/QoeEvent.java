package io.streamcdn.origin.qoe;

import java.util.Locale;

/**
 * One thing a player reports in a {@link QoeBeacon}, as the player/origin contract spells it (README, "QoE
 * beacons"). Every value here has been checked: seconds are finite and within {@link QoeBeacon#MAX_SECONDS}.
 */
public sealed interface QoeEvent {

    /** Time from pressing play (or opening the page) to the first frame shown. */
    record Startup(double seconds) implements QoeEvent {
    }

    /** One stall of playback (buffer ran dry), and how long it lasted. */
    record Rebuffer(double seconds) implements QoeEvent {
    }

    /** The player moved between rungs; {@code from} and {@code to} are rung labels like {@code 720p}, different heights. */
    record Switch(String from, String to) implements QoeEvent {

        /** {@code up} when the new rung is taller, else {@code down}. */
        public String direction() {
            return Rungs.height(to) > Rungs.height(from) ? "up" : "down";
        }
    }

    /** Seconds of media played on one rung ({@code rung} as the player named it: a label, or anything else). */
    record Played(String rung, double seconds) implements QoeEvent {
    }

    /** Something went wrong in the player. */
    record PlayerError(Kind kind) implements QoeEvent {

        /** The contract's error kinds; nothing else is accepted, so the label's values are known in advance. */
        public enum Kind {
            SEGMENT, MANIFEST, DECODE, FAILOVER, OTHER;

            public String label() {
                return name().toLowerCase(Locale.ROOT);
            }

            static Kind fromLabel(String label) {
                for (Kind kind : values()) {
                    if (kind.label().equals(label)) {
                        return kind;
                    }
                }
                return null;
            }
        }
    }
}
