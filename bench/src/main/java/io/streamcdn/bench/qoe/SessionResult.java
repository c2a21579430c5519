package io.streamcdn.bench.qoe;

/** One benchmark session: a trace, an ABR ("ours" or "stock") and what it scored. */
public record SessionResult(String trace, double traceMeanMbps, String abr, QoeScore score) {
}
