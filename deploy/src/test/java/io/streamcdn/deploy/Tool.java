package io.streamcdn.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A program of Debian's {@code prometheus} package ({@code promtool}, {@code prometheus}). A missing program fails
 * the test that needs it with what to install: the kit is only checked when the real tools check it.
 */
record Tool(Path path) {

    /** What a finished run printed (stdout and stderr together) and its exit status. */
    record Run(int exitCode, String output) {
    }

    static Tool require(String name) {
        for (String dir : List.of("/usr/bin", "/usr/local/bin")) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return new Tool(candidate);
            }
        }
        String pathVariable = System.getenv("PATH");
        if (pathVariable != null) {
            for (String dir : pathVariable.split(":")) {
                Path candidate = Path.of(dir, name);
                if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                    return new Tool(candidate);
                }
            }
        }
        throw new AssertionError(name + " is not installed, and the monitoring kit's tests need it: install Debian's "
                + "prometheus package (apt-get install prometheus; .ci/run does this when it is missing)");
    }

    /** Runs the tool to completion in {@code dir}, at most {@code timeoutSeconds}. */
    Run run(Path dir, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(path.toString());
        command.addAll(List.of(args));
        Path output = Files.createTempFile("streamcdn-" + path.getFileName(), ".out");
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            process.getOutputStream().close();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s: "
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
