package io.streamcdn.origin;

import io.streamcdn.common.ConfigException;
import io.streamcdn.media.Rung;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OriginConfigTest {

    private static OriginConfig build(UnaryOperator<OriginConfig.Builder> change) {
        return change.apply(OriginConfig.builder()).build();
    }

    @Test
    void defaultsAreWhatTheFlagsDocument() {
        OriginConfig config = OriginConfig.defaults();

        assertThat(config.host()).isEqualTo("0.0.0.0");
        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
        assertThat(config.maxUploadBytes()).isEqualTo(4L << 30);
        assertThat(config.encodeWorkers()).isEqualTo(1);
        assertThat(config.encoderSettings().ladder()).isEqualTo(Rung.DEFAULT_LADDER);
        assertThat(config.encoderSettings().segmentSeconds()).isEqualTo(2.0);
        assertThat(config.encoderSettings().x264Preset()).isEqualTo("veryfast");
        assertThat(config.encoderSettings().audioKbps()).isEqualTo(128);
        assertThat(config.encoderSettings().threads()).isZero();
        assertThat(config.publicUrl()).isEmpty();
        assertThat(config.hasPublicUrl()).isFalse();
        assertThat(config.corsOrigins()).containsExactly("*");
        assertThat(config.videosDir()).isEqualTo(config.dataDir().resolve("videos"));
        assertThat(config.routerUrl()).isEmpty();
    }

    @Test
    void readsValuesAsOperatorsWriteThem() {
        OriginConfig config = build(b -> b.maxUpload("512m").ladder("720p:3000k, 360p:800k").audioBitrate("96k")
                .segmentSeconds(4).x264Preset("medium").encodeThreads(3).publicUrl("https://cdn.example.com/media/")
                .corsOrigins("https://A.example, https://b.example:8443"));

        assertThat(config.maxUploadBytes()).isEqualTo(512L << 20);
        assertThat(config.encoderSettings().ladder()).containsExactly(new Rung(720, 3000), new Rung(360, 800));
        assertThat(config.encoderSettings().audioKbps()).isEqualTo(96);
        assertThat(config.encoderSettings().segmentSeconds()).isEqualTo(4.0);
        assertThat(config.encoderSettings().x264Preset()).isEqualTo("medium");
        assertThat(config.encoderSettings().threads()).isEqualTo(3);
        assertThat(config.publicUrl()).isEqualTo("https://cdn.example.com/media");
        assertThat(config.corsOrigins()).containsExactly("https://a.example", "https://b.example:8443");
    }

    @Test
    void describesItselfOnOneLine() {
        String line = OriginConfig.defaults().describe();

        assertThat(line).doesNotContain("\n")
                .contains("port=8080", "max-upload=4.0 GiB", "ladder=1080p:5000k,720p:3000k", "x264-preset=veryfast",
                        "audio-bitrate=128k", "encode-threads=auto", "cors-origins=*");
        assertThat(OriginConfig.defaults().toString()).contains(line);
    }

    @Test
    void aBadPortNamesTheFlagTheValueAndTheRange() {
        assertThatThrownBy(() -> build(b -> b.port(70000)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--port 70000").hasMessageContaining("1..65535");
        assertThatThrownBy(() -> build(b -> b.port(-1))).hasMessageContaining("--port -1");
    }

    @Test
    void portZeroMeansAnyFreePort() {
        assertThat(build(b -> b.port(0)).port()).isZero();
    }

    @Test
    void aBadSizeNamesTheFlagAndTheExpectedForm() {
        assertThatThrownBy(() -> build(b -> b.maxUpload("lots")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--max-upload").hasMessageContaining("'lots'").hasMessageContaining("4g");
        assertThatThrownBy(() -> build(b -> b.maxUpload("0"))).hasMessageContaining("--max-upload 0");
    }

    @Test
    void aBadLadderNamesTheFlagAndTheBadRung() {
        assertThatThrownBy(() -> build(b -> b.ladder("720p:3000k,fast")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--ladder").hasMessageContaining("'fast' is not a rung")
                .hasMessageContaining("720p:3000k");
        assertThatThrownBy(() -> build(b -> b.ladder("20p:3000k"))).hasMessageContaining("outside 64p..4320p");
        assertThatThrownBy(() -> build(b -> b.ladder("720p:1000k,720p:2000k"))).hasMessageContaining("listed twice");
        assertThatThrownBy(() -> build(b -> b.ladder(""))).hasMessageContaining("--ladder").hasMessageContaining("empty");
    }

    @Test
    void badEncoderSettingsNameTheirFlag() {
        assertThatThrownBy(() -> build(b -> b.segmentSeconds(0.5))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--segment-seconds 0.5").hasMessageContaining("1..10");
        assertThatThrownBy(() -> build(b -> b.x264Preset("turbo"))).hasMessageContaining("--x264-preset turbo")
                .hasMessageContaining("veryfast");
        assertThatThrownBy(() -> build(b -> b.audioBitrate("loud"))).hasMessageContaining("--audio-bitrate 'loud'");
        assertThatThrownBy(() -> build(b -> b.audioBitrate("999k"))).hasMessageContaining("--audio-bitrate 999k")
                .hasMessageContaining("32k..320k");
        assertThatThrownBy(() -> build(b -> b.encodeThreads(-1))).hasMessageContaining("--encode-threads -1");
    }

    @Test
    void encodeWorkersAreBoundedByTheCores() {
        int max = OriginConfig.maxEncodeWorkers();

        assertThat(build(b -> b.encodeWorkers(max)).encodeWorkers()).isEqualTo(max);
        assertThatThrownBy(() -> build(b -> b.encodeWorkers(max + 1))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--encode-workers " + (max + 1)).hasMessageContaining("1.." + max);
        assertThatThrownBy(() -> build(b -> b.encodeWorkers(0))).hasMessageContaining("--encode-workers 0");
    }

    @Test
    void aPublicUrlMustBeAnAbsoluteHttpUrl() {
        for (String bad : List.of("cdn.example.com", "ftp://cdn.example.com", "https://", "https://x.example/?a=b", "http://a b")) {
            assertThatThrownBy(() -> build(b -> b.publicUrl(bad))).as(bad).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("--public-url");
        }
    }

    @Test
    void aRouterUrlIsKeptWithoutItsTrailingSlash() {
        assertThat(build(b -> b.routerUrl("http://router.example.com:8090/")).routerUrl())
                .hasValue("http://router.example.com:8090");
        assertThat(build(b -> b.routerUrl("https://cdn.example.com/router")).routerUrl())
                .hasValue("https://cdn.example.com/router");
        assertThat(build(b -> b.routerUrl(" ")).routerUrl()).isEmpty();
        assertThat(build(b -> b.routerUrl("http://127.0.0.1:8090")).describe()).contains("router-url=http://127.0.0.1:8090");
    }

    @Test
    void aRouterUrlMustBeAnAbsoluteHttpUrl() {
        for (String bad : List.of("router:8090", "ws://router.example.com", "https://", "http://r.example/?a=b",
                "http://a b", "http://r.example/#x")) {
            assertThatThrownBy(() -> build(b -> b.routerUrl(bad))).as(bad).isInstanceOf(ConfigException.class)
                    .hasMessageContaining("--router-url '" + bad + "'").hasMessageContaining("http(s) URL")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void corsOriginsAreStarOrWebOrigins() {
        assertThatThrownBy(() -> build(b -> b.corsOrigins("*,https://a.example"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--cors-origins").hasMessageContaining("mixes *");
        assertThatThrownBy(() -> build(b -> b.corsOrigins("https://a.example/path")))
                .hasMessageContaining("'https://a.example/path' is not a web origin");
        assertThatThrownBy(() -> build(b -> b.corsOrigins(" , "))).hasMessageContaining("--cors-origins is empty");
    }

    @Test
    void aBadHostIsRefused() {
        assertThatThrownBy(() -> build(b -> b.host(" "))).isInstanceOf(ConfigException.class).hasMessageContaining("--host");
    }
}
