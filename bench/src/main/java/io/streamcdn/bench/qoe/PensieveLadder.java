package io.streamcdn.bench.qoe;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The bitrate ladder of the Pensieve paper (SIGCOMM 2017), which its traces and QoE_lin were made for:
 * 300, 750, 1200, 1850, 2850 and 4300 kbit/s, 4 s segments.
 * <p>
 * Pensieve's rungs run from 240p to 1440p; our source is the 480p clip, and the origin neither upscales
 * nor takes two rungs of one height, so the six rungs get six heights from 240p to 480p in 48-line steps.
 * QoE_lin scores bitrates only, and every rung stays cheap to decode in a software-only headless browser,
 * so the decoder never adds stalls of its own to what the network causes.
 */
public record PensieveLadder(List<Integer> heights, List<Integer> kbps, double segmentSeconds) {

    public static final PensieveLadder STANDARD = new PensieveLadder(List.of(240, 288, 336, 384, 432, 480),
            List.of(300, 750, 1200, 1850, 2850, 4300), 4.0);

    public PensieveLadder {
        heights = List.copyOf(heights);
        kbps = List.copyOf(kbps);
        if (heights.size() != kbps.size() || kbps.isEmpty()) {
            throw new IllegalArgumentException("a ladder needs one height per bitrate");
        }
    }

    /** The origin's {@code --ladder} value: {@code 240p:300k,...}. */
    public String originFlag() {
        return java.util.stream.IntStream.range(0, kbps.size())
                .mapToObj(i -> heights.get(i) + "p:" + kbps.get(i) + "k")
                .collect(Collectors.joining(","));
    }

    /** Bitrate of rung {@code index} (lowest = 0, as the player numbers them), Mbit/s. */
    public double mbps(int index) {
        if (index < 0 || index >= kbps.size()) {
            throw new IllegalArgumentException("rung index " + index + " is not in the " + kbps.size() + "-rung ladder " + kbps);
        }
        return kbps.get(index) / 1000.0;
    }

    public int rungs() {
        return kbps.size();
    }

    /** The highest bitrate, Mbit/s: QoE_lin's price of one second of rebuffering. */
    public double maxMbps() {
        return mbps(kbps.size() - 1);
    }
}
