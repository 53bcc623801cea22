package io.keyless.server;

import io.keyless.testing.LogCapture;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** What a connection's errors put in the log: one line each at the default level. */
class ConnectionEventsTest {
    @Test
    void logsAnUnexpectedErrorAsOneWarningLineWithItsStackTraceOnlyAtDebug() {
        try (LogCapture log = LogCapture.of(ConnectionEvents.class)) {
            EmbeddedChannel channel = new EmbeddedChannel(new ConnectionEvents(new ServerMetrics(false)));

            channel.pipeline().fireExceptionCaught(
                    new IllegalStateException("handler bug", new IllegalArgumentException("bad \"state\"\nsecond")));

            assertThat(log.lines()).contains("WARN connection peer=embedded closed after an unexpected error "
                    + "reason=\"IllegalArgumentException: bad 'state' second\"");
            assertThat(log.linesWithStackTraces()).containsExactly("DEBUG connection peer=embedded unexpected error");
            assertThat(channel.isOpen()).isFalse();
        }
    }

    @Test
    void logsAResetByThePeerOnlyAtDebug() {
        try (LogCapture log = LogCapture.of(ConnectionEvents.class)) {
            EmbeddedChannel channel = new EmbeddedChannel(new ConnectionEvents(new ServerMetrics(false)));

            channel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));

            assertThat(log.lines()).containsExactly(
                    "DEBUG connection peer=embedded io error reason=\"IOException: Connection reset by peer\"",
                    "DEBUG connection peer=embedded closed");
            assertThat(log.linesWithStackTraces()).isEmpty();
            assertThat(channel.isOpen()).isFalse();
        }
    }
}
