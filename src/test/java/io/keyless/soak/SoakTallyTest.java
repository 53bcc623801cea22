package io.keyless.soak;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SoakTallyTest {
    @Test
    void aRequestIsLostWhenNeitherAnsweredNorAbandonedByACutOff() {
        SoakTally tally = new SoakTally();
        for (int i = 0; i < 10; i++) {
            tally.sent();
        }
        for (int i = 0; i < 6; i++) {
            tally.answered(RequestMix.Kind.PING, "PONG", null);
        }
        tally.cutOff(3);

        assertThat(tally.lostCount()).isOne();
        assertThat(tally.abandonedCount()).isEqualTo(3);
        assertThat(tally.cutOffCount()).isOne();
    }

    @Test
    void answersWithAProblemCountAsAnsweredAndAsWrong() {
        SoakTally tally = new SoakTally();
        tally.sent();
        tally.sent();
        tally.answered(RequestMix.Kind.RSA_SIGN, "OK", null);
        tally.answered(RequestMix.Kind.RSA_SIGN, "OK", "RSA_SIGN signature does not verify");

        assertThat(tally.lostCount()).isZero();
        assertThat(tally.wrongCount()).isOne();
        assertThat(tally.outcomes()).isEqualTo(Map.of("OK", 2L));
        assertThat(tally.kinds()).isEqualTo(Map.of("RSA_SIGN", 2L));
        assertThat(tally.problems()).containsExactly("RSA_SIGN signature does not verify");
    }

    @Test
    void unmatchedAnswersAndDisconnectsAreCountedAndNamed() {
        SoakTally tally = new SoakTally();
        tally.closedCleanly(0);
        tally.closedCleanly(2);
        tally.unexpectedDisconnect(new IOException("reset"), 4);

        assertThat(tally.cleanCloseCount()).isEqualTo(2);
        assertThat(tally.unmatchedCount()).isEqualTo(2);
        assertThat(tally.disconnectCount()).isOne();
        assertThat(tally.problems()).containsExactly("2 answers matched no request",
                "connection lost with 4 answers owed: java.io.IOException: reset");
    }

    @Test
    void keepsTheFirstTwentyProblemsWordForWordAndCountsTheRest() {
        SoakTally tally = new SoakTally();
        for (int i = 0; i < 25; i++) {
            tally.wrong("problem " + i);
        }

        assertThat(tally.wrongCount()).isEqualTo(25);
        assertThat(tally.problems()).hasSize(20).startsWith("problem 0").endsWith("problem 19");
    }
}
