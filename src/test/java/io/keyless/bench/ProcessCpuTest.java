package io.keyless.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessCpuTest {
    @Test
    void readsTheCpuTimeThisProcessHasUsed() throws Exception {
        ProcessCpu self = new ProcessCpu(ProcessHandle.current().pid());
        double before = self.seconds();
        long end = System.nanoTime() + 300_000_000L;
        long spin = 0;
        while (System.nanoTime() < end) {
            spin = spin * 31 + 7;
        }

        assertThat(spin).isNotZero();
        assertThat(self.seconds() - before).isGreaterThanOrEqualTo(0.2);
        assertThat(before).isPositive();
    }
}
