package io.streamcdn.media.testing;

import org.bytedeco.javacpp.Loader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * FFmpeg's own command-line tools from the bytedeco jar, used by tests as an independent checker of what
 * our in-process encoder wrote (and to make odd inputs). The product never runs them.
 *
 * <p>They link libavdevice, which needs PulseAudio's client library (Debian: libpulse0); their sibling
 * shared libraries are found through LD_LIBRARY_PATH.
 */
public final class FfmpegTools {

    private FfmpegTools() {
    }

    public static Path ffprobe() {
        return extract(org.bytedeco.ffmpeg.ffprobe.class);
    }

    public static Path ffmpeg() {
        return extract(org.bytedeco.ffmpeg.ffmpeg.class);
    }

    private static Path extract(Class<?> tool) {
        try {
            return Path.of(Loader.load(tool));
        } catch (UnsatisfiedLinkError e) {
            throw new IllegalStateException("cannot load FFmpeg's " + tool.getSimpleName()
                    + " from the bytedeco jar (on Debian it needs libpulse0: apt-get install libpulse0)", e);
        }
    }

    /** Runs ffprobe with the given arguments; returns its standard output. Fails on a non-zero exit. */
    public static String probe(String... args) {
        return run(ffprobe(), List.of(args));
    }

    /** Runs ffmpeg with the given arguments (-y and -v error are added); returns standard output. */
    public static String ffmpeg(String... args) {
        List<String> all = new ArrayList<>(List.of("-hide_banner", "-nostdin", "-y", "-v", "error"));
        all.addAll(List.of(args));
        return run(ffmpeg(), all);
    }

    private static String run(Path tool, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(tool.toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(false);
        pb.environment().put("LD_LIBRARY_PATH", tool.getParent().toString());
        try {
            Process p = pb.start();
            var err = p.getErrorStream();
            var out = p.getInputStream();
            byte[][] holder = new byte[1][];
            Thread errReader = new Thread(() -> {
                try {
                    holder[0] = err.readAllBytes();
                } catch (IOException ignored) {
                    holder[0] = new byte[0];
                }
            });
            errReader.start();
            String stdout = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(tool.getFileName() + " timed out: " + command);
            }
            errReader.join();
            String stderr = new String(holder[0], StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(tool.getFileName() + " failed (" + p.exitValue() + "): " + command
                        + "\n" + stderr);
            }
            // Some filters (metadata=print) report on stderr; callers that need it ask for it via -f/-o.
            return stdout + (stderr.isBlank() ? "" : "\n" + stderr);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + tool, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
