package io.keyless.server;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;

import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.Locale;

/**
 * Why a TLS handshake failed, in few enough kinds to be a metric's label. The two TLS implementations say the same
 * thing in different words; both are mapped here, and whatever is not recognised is {@link #OTHER}: the log line
 * beside the metric always has the full reason.
 */
enum HandshakeFailure {
    /** The client sent no certificate. */
    NO_CERTIFICATE,
    /** The client's certificate does not chain to the configured CA. */
    UNTRUSTED_CERTIFICATE,
    EXPIRED_CERTIFICATE,
    NOT_YET_VALID_CERTIFICATE,
    /** The certificate is not for client authentication (its extended key usage). */
    CERTIFICATE_USAGE,
    /** The client offered no protocol version the server speaks (TLS 1.2 only). */
    PROTOCOL_VERSION,
    /** The client and the server share no cipher suite. */
    NO_SHARED_CIPHER,
    /** What arrived is not TLS: a plaintext client, a port scanner. */
    NOT_TLS,
    /** The client did not complete the handshake within --handshake-timeout. */
    TIMEOUT,
    OTHER;

    /** The label value: the name in lower case. */
    String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The kind of failure that {@code cause}, as the TLS implementation reported it, stands for. */
    static HandshakeFailure of(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            HandshakeFailure failure = byType(t);
            if (failure != null) {
                return failure;
            }
        }
        // The types say nothing more: BoringSSL's reasons are codes in the message, the JDK's are sentences.
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            HandshakeFailure failure = byMessage(t.getMessage());
            if (failure != null) {
                return failure;
            }
        }
        return OTHER;
    }

    private static HandshakeFailure byType(Throwable t) {
        if (t instanceof NotSslRecordException) {
            return NOT_TLS;
        }
        if (t instanceof SslHandshakeTimeoutException) {
            return TIMEOUT;
        }
        if (t instanceof CertificateExpiredException) {
            return EXPIRED_CERTIFICATE;
        }
        if (t instanceof CertificateNotYetValidException) {
            return NOT_YET_VALID_CERTIFICATE;
        }
        return null;
    }

    private static HandshakeFailure byMessage(String message) {
        if (message == null) {
            return null;
        }
        String text = message.toLowerCase(Locale.ROOT);
        if (text.contains("peer_did_not_return_a_certificate") || text.contains("empty client certificate chain")) {
            return NO_CERTIFICATE;
        }
        if (text.contains("extended key usage")) {
            return CERTIFICATE_USAGE;
        }
        if (text.contains("unable to find valid certification path") || text.contains("path building failed")
                || text.contains("certificate_verify_failed")) {
            return UNTRUSTED_CERTIFICATE;
        }
        if (text.contains("unsupported_protocol") || text.contains("protocol is disabled")
                || text.contains("protocol_version") || text.contains("no appropriate protocol")
                || text.contains("client requested protocol")
                || text.contains("protocol versions") && text.contains("not accepted")) {
            return PROTOCOL_VERSION;
        }
        if (text.contains("no_shared_cipher") || text.contains("no cipher suites in common")) {
            return NO_SHARED_CIPHER;
        }
        return null;
    }
}
