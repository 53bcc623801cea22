package io.keyless.protocol;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class KeylessWireCodesTest {
    @Test
    void mapsEveryOpcodeByteBackToItsOpcodeAndNothingElse() {
        Set<KeylessOpcode> seen = EnumSet.noneOf(KeylessOpcode.class);
        for (int b = 0; b < 256; b++) {
            KeylessOpcode opcode = KeylessOpcode.valueOf((byte) b);
            if (opcode != null) {
                assertThat(opcode.code()).isEqualTo((byte) b);
                seen.add(opcode);
            }
        }
        assertThat(seen).containsExactlyInAnyOrder(KeylessOpcode.values());
    }

    @Test
    void givesEverySigningOpcodeAHashAndNoOtherOpcodeOne() {
        for (KeylessOpcode opcode : KeylessOpcode.values()) {
            boolean signs = opcode.kind() == KeylessOpcode.Kind.RSA_SIGN
                    || opcode.kind() == KeylessOpcode.Kind.ECDSA_SIGN;
            assertThat(opcode.hash() != null).as(opcode.name()).isEqualTo(signs);
        }
        assertThat(KeylessOpcode.RSA_SIGN_SHA384.hash().length()).isEqualTo(48);
        assertThat(KeylessOpcode.ECDSA_SIGN_MD5SHA1.hash().length()).isEqualTo(36);
    }

    @Test
    void mapsEveryErrorByteBackToItsError() {
        for (KeylessError error : KeylessError.values()) {
            assertThat(KeylessError.valueOf(error.code())).isSameAs(error);
        }
        assertThat(KeylessError.valueOf((byte) 0)).isNull();
        assertThat(KeylessError.valueOf((byte) 9)).isNull();
    }

    @Test
    void mapsEveryTagByteBackToItsTag() {
        for (KeylessTag tag : KeylessTag.values()) {
            assertThat(KeylessTag.valueOf(tag.code())).isSameAs(tag);
        }
        assertThat(KeylessTag.valueOf((byte) 0x21)).isNull();
    }
}
