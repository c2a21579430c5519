package io.streamcdn.origin.jobs;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * Every video the origin knows, in memory for reading and on disk, one JSON file per video, for surviving
 * restarts.
 *
 * <p>Reads ({@link #get}, {@link #list}) touch memory only and are safe on an event loop. Writes go to
 * disk first and block: call them from worker threads. Each write replaces the file in one step (a
 * temporary file, flushed to the device, then renamed over the old one with {@code ATOMIC_MOVE}), so a
 * crash leaves either the old record or the new one, never a torn file. All changes take one lock: writes
 * are rare (a few per video, progress at most once a second) and the lock makes the order of the files
 * on disk the order of the changes in memory, even when an encode thread and a request race on one video.
 *
 * <p>At load a file that does not parse is moved to {@code catalog/corrupt/} and logged; the origin starts
 * without that video rather than not at all.
 */
public final class Catalog {

    private static final Logger LOG = LoggerFactory.getLogger(Catalog.class);
    private static final String TEMP_SUFFIX = ".tmp";

    /** Newest first; ids break ties so the order is stable. */
    private static final Comparator<VideoRecord> NEWEST_FIRST =
            Comparator.comparing(VideoRecord::createdAt).reversed().thenComparing(VideoRecord::id);

    private final DataDirectory data;
    private final Map<String, VideoRecord> records = new ConcurrentHashMap<>();
    private final Object writeLock = new Object();

    private Catalog(DataDirectory data) {
        this.data = data;
    }

    /** Reads every record under {@code catalog/}. Blocking. */
    public static Catalog load(DataDirectory data) throws IOException {
        Catalog catalog = new Catalog(data);
        for (Path file : DataDirectory.list(data.catalog())) {
            String name = file.getFileName().toString();
            if (name.endsWith(TEMP_SUFFIX)) {
                Files.deleteIfExists(file); // a write that crashed before its rename; the old record stands
            } else if (name.endsWith(".json") && Files.isRegularFile(file)) {
                catalog.loadRecord(file, name.substring(0, name.length() - ".json".length()));
            }
        }
        LOG.info("catalog: {} videos in {}", catalog.records.size(), data.catalog());
        return catalog;
    }

    private void loadRecord(Path file, String id) throws IOException {
        try {
            VideoRecord record = VideoRecord.fromJson(new JsonObject(Files.readString(file, StandardCharsets.UTF_8)));
            if (!record.id().equals(id)) {
                throw new IllegalArgumentException("the record's id '" + record.id() + "' does not match its file name");
            }
            records.put(id, record);
        } catch (DecodeException | IllegalArgumentException | IOException e) {
            Path aside = data.catalog().resolve("corrupt").resolve(file.getFileName() + "." + Instant.now().toEpochMilli());
            Files.createDirectories(aside.getParent());
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            LOG.error("catalog: {} cannot be read ({}); moved it to {} and started without it", file, e.getMessage(), aside);
        }
    }

    public Optional<VideoRecord> get(String id) {
        return Optional.ofNullable(records.get(id));
    }

    public boolean contains(String id) {
        return records.containsKey(id);
    }

    /** All videos, newest first. */
    public List<VideoRecord> list() {
        return records.values().stream().sorted(NEWEST_FIRST).toList();
    }

    /** Adds or replaces a record. Blocking. */
    public void put(VideoRecord record) throws IOException {
        synchronized (writeLock) {
            write(record);
            records.put(record.id(), record);
        }
    }

    /**
     * Changes a record if it still exists, and persists the change. A record removed meanwhile stays
     * removed (an encode reporting on a deleted video must not bring it back). Blocking.
     */
    public Optional<VideoRecord> update(String id, UnaryOperator<VideoRecord> change) throws IOException {
        synchronized (writeLock) {
            VideoRecord current = records.get(id);
            if (current == null) {
                return Optional.empty();
            }
            VideoRecord next = change.apply(current);
            write(next);
            records.put(id, next);
            return Optional.of(next);
        }
    }

    /** Like {@link #update} but in memory only, for changes cheap to lose (progress between persists). */
    public Optional<VideoRecord> updateInMemory(String id, UnaryOperator<VideoRecord> change) {
        synchronized (writeLock) {
            return Optional.ofNullable(records.computeIfPresent(id, (key, current) -> change.apply(current)));
        }
    }

    /** Forgets a video; its file goes first, so a crash cannot leave a record that memory no longer has. Blocking. */
    public boolean remove(String id) throws IOException {
        synchronized (writeLock) {
            Files.deleteIfExists(data.record(id));
            return records.remove(id) != null;
        }
    }

    private void write(VideoRecord record) throws IOException {
        Path target = data.record(record.id());
        Path temp = target.resolveSibling(target.getFileName() + TEMP_SUFFIX);
        ByteBuffer bytes = ByteBuffer.wrap(record.toJson().encodePrettily().getBytes(StandardCharsets.UTF_8));
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(false);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(temp); // a full disk: the old record stands, no torn temp file stays behind
            throw e;
        }
    }
}
