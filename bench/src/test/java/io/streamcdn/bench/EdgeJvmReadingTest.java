package io.streamcdn.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EdgeJvmReadingTest {

    private static final String EXPOSITION = """
            # HELP jvm_memory_used_bytes The amount of used memory
            # TYPE jvm_memory_used_bytes gauge
            jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.2E7
            jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 3000000.0
            jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 5.0E7
            jvm_memory_used_bytes_other{area="heap"} 99.0
            jvm_gc_live_data_size_bytes 2500000.0
            """;

    @Test
    void sumsTheHeapPoolsOnlyAndReadsTheOldGeneration() {
        assertThat(EdgeJvmReading.sum(EXPOSITION, "jvm_memory_used_bytes", "area=\"heap\"")).isEqualTo(15e6);
        assertThat(EdgeJvmReading.sum(EXPOSITION, "jvm_memory_used_bytes", "Old Gen\"")).isEqualTo(3e6);
    }
}
