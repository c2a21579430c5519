package io.streamcdn.bench;

import io.streamcdn.media.EncoderSettings;
import io.streamcdn.media.LadderPlanner;
import io.streamcdn.media.MediaInfo;
import io.streamcdn.media.MediaPipeline;
import io.streamcdn.media.Rung;
import io.streamcdn.media.VideoRendition;
import org.bytedeco.javacpp.Loader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * streamcdn's encoder against FFmpeg's own command line doing the same job in one process: decode once,
 * {@code split} to the same rungs, same x264 preset, bitrates, VBV and keyframe placement, DASH output.
 * Runs alternate (ours, CLI, ours, CLI, ...) so both see the same machine state; prints wall and CPU
 * seconds per run, the means and the ratio ours/CLI.
 */
@Command(name = "encode", mixinStandardHelpOptions = true,
        description = "Encode a looped clip with streamcdn and with the ffmpeg CLI, alternately; print the ratio.")
final class EncodeBenchmark implements Callable<Integer> {

    @Option(names = "--source", description = "Clip to loop (default: ../shared/media/bbb-480p-10s.mp4).")
    Path source;

    @Option(names = "--seconds", defaultValue = "60", description = "Length of the looped source (default: ${DEFAULT-VALUE}).")
    int seconds;

    @Option(names = "--runs", defaultValue = "3", description = "Timed runs of each tool (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--preset", defaultValue = "veryfast", description = "x264 preset for both (default: ${DEFAULT-VALUE}).")
    String preset;

    @Option(names = "--threads", defaultValue = "0",
            description = "streamcdn's x264 threads across rungs, 0 = x264's choice per rung (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--work", description = "Scratch folder (default: a temporary one).")
    Path work;

    @Override
    public Integer call() throws Exception {
        Path clip = source != null ? source : Path.of("..", "shared", "media", "bbb-480p-10s.mp4");
        Path dir = work != null ? Files.createDirectories(work) : Files.createTempDirectory("bench-encode");
        Path ffmpeg = Path.of(Loader.load(org.bytedeco.ffmpeg.ffmpeg.class));
        Path looped = dir.resolve("source-" + seconds + "s.mp4");
        int loops = (int) Math.ceil(seconds / 10.0) - 1;
        run(ffmpeg, List.of("-hide_banner", "-nostdin", "-y", "-v", "error", "-stream_loop", Integer.toString(loops),
                "-i", clip.toAbsolutePath().toString(), "-t", Integer.toString(seconds), "-c", "copy", looped.toString()));

        EncoderSettings settings = new EncoderSettings(Rung.DEFAULT_LADDER, 2.0, preset, 128, threads);
        MediaPipeline pipeline = new MediaPipeline(settings);
        MediaInfo info = pipeline.probe(looped);
        List<VideoRendition> plan = new LadderPlanner(settings.ladder()).plan(info.video());
        List<String> cli = cliCommand(looped, info, plan, settings, dir.resolve("cli"));
        System.out.printf(Locale.ROOT, "source: %s, %.1f s, %dx%d %s; rungs: %s; preset %s; %d cores%n",
                looped.getFileName(), info.durationSeconds(), info.video().width(), info.video().height(),
                info.video().codec(), plan.stream().map(VideoRendition::id).toList(), preset,
                Runtime.getRuntime().availableProcessors());
        System.out.println("reference: ffmpeg " + String.join(" ", cli));

        // Warm-up: loads native libraries and JIT-compiles our side; not timed.
        runOurs(pipeline, looped, info, dir.resolve("warmup"));

        List<double[]> ours = new ArrayList<>();
        List<double[]> theirs = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            ours.add(runOurs(pipeline, looped, info, dir.resolve("ours")));
            System.out.printf(Locale.ROOT, "run %d streamcdn  wall %6.2f s  cpu %6.2f s%n", i + 1, ours.get(i)[0], ours.get(i)[1]);
            theirs.add(runCli(ffmpeg, cli, dir.resolve("cli")));
            System.out.printf(Locale.ROOT, "run %d ffmpeg CLI wall %6.2f s  cpu %6.2f s%n", i + 1, theirs.get(i)[0], theirs.get(i)[1]);
        }
        double oursWall = mean(ours, 0);
        double cliWall = mean(theirs, 0);
        System.out.printf(Locale.ROOT, "%nmean streamcdn  wall %.2f s  cpu %.2f s  (%.2fx realtime)%n",
                oursWall, mean(ours, 1), info.durationSeconds() / oursWall);
        System.out.printf(Locale.ROOT, "mean ffmpeg CLI wall %.2f s  cpu %.2f s  (%.2fx realtime)%n",
                cliWall, mean(theirs, 1), info.durationSeconds() / cliWall);
        System.out.printf(Locale.ROOT, "ratio streamcdn/CLI: wall %.3f  cpu %.3f%n", oursWall / cliWall,
                mean(ours, 1) / mean(theirs, 1));

        // One more run of ours, profiled: CPU seconds by stage (thread name).
        try (ThreadCpuSampler sampler = new ThreadCpuSampler()) {
            double[] profiled = runOurs(pipeline, looped, info, dir.resolve("ours"));
            System.out.printf(Locale.ROOT, "%nprofile of one streamcdn run (wall %.2f s, cpu %.2f s), CPU seconds by thread:%n",
                    profiled[0], profiled[1]);
            sampler.secondsByName().entrySet().stream()
                    .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
                    .filter(e -> e.getValue() >= 0.05)
                    .forEach(e -> System.out.printf(Locale.ROOT, "  %-16s %6.2f s  (%4.1f %%)%n", e.getKey(), e.getValue(),
                            100 * e.getValue() / profiled[1]));
        }
        return 0;
    }

    private static double[] runOurs(MediaPipeline pipeline, Path source, MediaInfo info, Path out) throws Exception {
        clean(out);
        double cpu0 = CpuClock.self();
        long t0 = System.nanoTime();
        pipeline.encode(source, info, out, p -> { }, () -> false);
        double wall = (System.nanoTime() - t0) / 1e9;
        return new double[] {wall, CpuClock.self() - cpu0};
    }

    private static double[] runCli(Path ffmpeg, List<String> args, Path out) throws Exception {
        clean(out);
        Files.createDirectories(out);
        double cpu0 = CpuClock.children();
        long t0 = System.nanoTime();
        run(ffmpeg, args);
        double wall = (System.nanoTime() - t0) / 1e9;
        return new double[] {wall, CpuClock.children() - cpu0};
    }

    /** The same ladder expressed for the ffmpeg CLI: one decode, split, scale, x264 per rung, AAC once, DASH. */
    static List<String> cliCommand(Path source, MediaInfo info, List<VideoRendition> plan, EncoderSettings s, Path out) {
        List<String> args = new ArrayList<>(List.of("-hide_banner", "-nostdin", "-y", "-v", "error",
                "-i", source.toString()));
        StringBuilder graph = new StringBuilder("[0:v]split=" + plan.size());
        for (int i = 0; i < plan.size(); i++) {
            graph.append("[s").append(i).append(']');
        }
        for (int i = 0; i < plan.size(); i++) {
            VideoRendition r = plan.get(i);
            graph.append(String.format(Locale.ROOT, ";[s%d]scale=%d:%d:flags=bicubic,format=yuv420p[v%d]", i,
                    r.width(), r.height(), i));
        }
        args.addAll(List.of("-filter_complex", graph.toString()));
        for (int i = 0; i < plan.size(); i++) {
            args.addAll(List.of("-map", "[v" + i + "]"));
        }
        if (info.audio() != null) {
            args.addAll(List.of("-map", "0:a:0"));
        }
        int keyint = (int) Math.ceil(s.segmentSeconds() * info.video().frameRate().value()) * 4;
        args.addAll(List.of("-c:v", "libx264", "-preset", s.x264Preset(), "-profile:v", "high",
                "-fps_mode", "cfr", "-r", info.video().frameRate().toString(),
                "-force_key_frames", String.format(Locale.ROOT, "expr:gte(t,n_forced*%s)", s.segmentSeconds()),
                "-forced-idr", "1", "-g", Integer.toString(keyint),
                "-x264-params", "scenecut=0:open-gop=0"));
        for (int i = 0; i < plan.size(); i++) {
            VideoRendition r = plan.get(i);
            args.addAll(List.of("-b:v:" + i, r.bitrateKbps() + "k", "-maxrate:v:" + i, r.maxrateKbps() + "k",
                    "-bufsize:v:" + i, r.bufsizeKbits() + "k"));
        }
        args.addAll(List.of("-c:a", "aac", "-b:a", s.audioKbps() + "k", "-ar", "48000", "-ac", "2",
                "-f", "dash", "-seg_duration", Double.toString(s.segmentSeconds()), "-use_template", "1",
                "-use_timeline", "1", "-adaptation_sets", "id=0,streams=v id=1,streams=a",
                out.resolve("manifest.mpd").toString()));
        return args;
    }

    private static void run(Path tool, List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(tool.toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).inheritIO();
        pb.environment().put("LD_LIBRARY_PATH", tool.getParent().toString());
        int exit = pb.start().waitFor();
        if (exit != 0) {
            throw new IllegalStateException("ffmpeg failed with exit code " + exit + ": " + command);
        }
    }

    private static void clean(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    private static double mean(List<double[]> rows, int column) {
        return rows.stream().mapToDouble(r -> r[column]).average().orElse(Double.NaN);
    }
}
