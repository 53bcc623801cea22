package io.keyless.server;

import io.keyless.keys.PemCertificates;
import io.keyless.testing.Samples;
import io.keyless.testing.TestKeys;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.KeyStore;
import java.security.cert.X509Certificate;

/**
 * A TLS 1.2 client driven by hand over a blocking socket, so that a test can see each TLS record on its own: what
 * Netty and every other TLS library hide.
 */
final class RawTlsClient implements AutoCloseable {
    private final SocketChannel socket;
    private final SSLEngine engine;
    private final ByteBuffer netIn;
    private final ByteBuffer appIn;

    RawTlsClient(int port) throws Exception {
        char[] password = "test".toCharArray();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("client", TestKeys.load(Samples.CLIENT_KEY).privateKey(), password,
                PemCertificates.read(Samples.CLIENT_CERT).toArray(new X509Certificate[0]));
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, password);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", PemCertificates.read(Samples.SERVER_CA).get(0));
        TrustManagerFactory trustManagers =
                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        SSLContext context = SSLContext.getInstance("TLSv1.2");
        context.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);

        engine = context.createSSLEngine("localhost", port);
        engine.setUseClientMode(true);
        socket = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize() * 2);
        appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize() * 2);
        handshake();
    }

    private void handshake() throws Exception {
        ByteBuffer empty = ByteBuffer.allocate(0);
        ByteBuffer netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.beginHandshake();
        while (true) {
            switch (engine.getHandshakeStatus()) {
                case NEED_WRAP -> {
                    netOut.clear();
                    engine.wrap(empty, netOut);
                    netOut.flip();
                    while (netOut.hasRemaining()) {
                        socket.write(netOut);
                    }
                }
                case NEED_UNWRAP -> {
                    netIn.flip();
                    SSLEngineResult result = engine.unwrap(netIn, appIn);
                    netIn.compact();
                    if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && socket.read(netIn) < 0) {
                        throw new EOFException("server closed during the handshake");
                    }
                }
                case NEED_TASK -> {
                    for (Runnable task; (task = engine.getDelegatedTask()) != null; ) {
                        task.run();
                    }
                }
                default -> {
                    return;
                }
            }
        }
    }

    /** Encrypts and sends {@code plaintext}, in as many records as it takes. */
    void write(byte[] plaintext) throws IOException {
        writeEncrypted(encrypt(plaintext));
    }

    /** Encrypts {@code plaintext} into TLS records without sending them. */
    byte[] encrypt(byte[] plaintext) throws IOException {
        ByteBuffer app = ByteBuffer.wrap(plaintext);
        ByteBuffer netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        while (app.hasRemaining()) {
            netOut.clear();
            engine.wrap(app, netOut);
            records.write(netOut.array(), 0, netOut.position());
        }
        return records.toByteArray();
    }

    /** Sends records made by {@link #encrypt}; safe to call from one thread while another reads. */
    void writeEncrypted(byte[] records) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(records);
        while (buffer.hasRemaining()) {
            socket.write(buffer);
        }
    }

    /** Reads exactly one TLS record and returns its decrypted content. */
    byte[] readRecord() throws IOException {
        // | type (1) | version (2) | length (2) | fragment |
        fill(5);
        int length = ((netIn.get(3) & 0xFF) << 8) | (netIn.get(4) & 0xFF);
        fill(5 + length);
        netIn.flip();
        ByteBuffer record = netIn.slice(0, 5 + length);
        appIn.clear();
        SSLEngineResult result = engine.unwrap(record, appIn);
        if (result.getStatus() != SSLEngineResult.Status.OK || record.hasRemaining()) {
            throw new IOException("unexpected unwrap result " + result);
        }
        netIn.position(5 + length);
        netIn.compact();
        appIn.flip();
        byte[] plaintext = new byte[appIn.remaining()];
        appIn.get(plaintext);
        return plaintext;
    }

    private void fill(int bytes) throws IOException {
        while (netIn.position() < bytes) {
            if (socket.read(netIn) < 0) {
                throw new EOFException("server closed the connection");
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
