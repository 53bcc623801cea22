package io.keyless.crypto;

import io.keyless.keys.KeyDirectory;
import io.keyless.keys.KeyIndex;
import io.keyless.keys.LoadedKey;
import io.keyless.keys.PemPublicKeys;
import io.keyless.protocol.KeylessOpcode;
import io.netty.buffer.Unpooled;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import javax.crypto.Cipher;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Every private-key operation on every provider, through {@link KeyOperations} exactly as a worker runs it, with
 * the sample keys.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class OperationsBenchmark {
    @Param({"accp", "conscrypt", "jdk", "bc"})
    public String provider;

    @Param({"rsa2048-sign", "rsa2048-decrypt", "p256-sign", "p384-sign"})
    public String operation;

    private KeyOperations operations;
    private KeylessOpcode opcode;
    private LoadedKey key;
    private byte[] input;

    @Setup
    public void setUp() throws Exception {
        CryptoProvider chosen = CryptoProvider.valueOf(provider.toUpperCase(Locale.ROOT));
        CryptoProviders providers = CryptoProviders.select(chosen);
        operations = new KeyOperations(providers);
        KeyIndex keys = KeyDirectory.load(Path.of("keys/sample"), providers::translate);
        String file = operation.substring(0, operation.indexOf('-')) + ".key";
        key = keys.keys().stream().filter(k -> k.file().getFileName().toString().equals(file)).findFirst()
                .orElseThrow();
        opcode = switch (operation) {
            case "rsa2048-sign" -> KeylessOpcode.RSA_SIGN_SHA256;
            case "rsa2048-decrypt" -> KeylessOpcode.RSA_DECRYPT;
            case "p256-sign" -> KeylessOpcode.ECDSA_SIGN_SHA256;
            default -> KeylessOpcode.ECDSA_SIGN_SHA384;
        };
        byte[] payload;
        if (opcode == KeylessOpcode.RSA_DECRYPT) {
            PublicKey publicKey = PemPublicKeys.read(Path.of("keys/sample/rsa2048.pub.pem")).publicKey();
            Cipher cipher = Cipher.getInstance("RSA/ECB/PKCS1Padding");
            cipher.init(Cipher.ENCRYPT_MODE, publicKey);
            payload = cipher.doFinal(new byte[48]);
        } else {
            payload = new byte[opcode.hash().length()];
        }
        input = KeyOperations.input(opcode, key, Unpooled.wrappedBuffer(payload));
    }

    @Benchmark
    public byte[] operate() throws Exception {
        return operations.execute(opcode, key, input);
    }
}
