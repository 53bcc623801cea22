package io.keyless.bench;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OpensslSpeedTest {
    @Test
    void readsSignaturesPerSecondFromOneProcess() {
        Map<String, Double> rates = OpensslSpeed.parse("""
                Doing 2048 bits private rsa's for 3s: 9540 2048 bits private RSA's in 2.99s
                version: 3.0.19
                                  sign    verify    sign/s verify/s
                rsa 2048 bits 0.000314s 0.000018s   3188.6  56988.8
                                              sign    verify    sign/s verify/s
                 256 bits ecdsa (nistp256)   0.0000s   0.0001s  44585.6  15242.7
                 384 bits ecdsa (nistp384)   0.0006s   0.0006s   1581.3   1786.0
                """);

        assertThat(rates).containsEntry("rsa2048", 3188.6).containsEntry("nistp256", 44585.6)
                .containsEntry("nistp384", 1581.3).hasSize(3);
    }

    @Test
    void readsTheTotalsOfSeveralProcesses() {
        Map<String, Double> rates = OpensslSpeed.parse("""
                Forked child 0
                Got: +R1:5840:2048:3.00 from 0
                Forked child 1
                                  sign    verify    sign/s verify/s
                rsa 2048 bits 0.000171s 0.000009s   5850.0 112047.0
                                              sign    verify    sign/s verify/s
                 256 bits ecdsa (nistp256)   0.0000s   0.0000s  79841.0  26909.0
                """);

        assertThat(rates).containsEntry("rsa2048", 5850.0).containsEntry("nistp256", 79841.0);
    }
}
