package io.keyless.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fails a test class when Netty's leak detector found an unreleased buffer while it ran. Registered for every test
 * class through extension auto-detection.
 */
public final class NoLeaks implements AfterAllCallback {
    @Override
    public void afterAll(ExtensionContext context) {
        List<String> leaks = LeakRecorder.collect();
        assertThat(leaks).as("buffers leaked by %s", context.getDisplayName()).isEmpty();
    }
}
