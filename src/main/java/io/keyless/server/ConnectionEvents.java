package io.keyless.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLException;
import java.io.IOException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/**
 * Logs what happens to a connection: the handshake's outcome, the client's certificate, errors and the close.
 * Sits last in the pipeline, where every exception ends up.
 */
final class ConnectionEvents extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionEvents.class);

    private static final int MAX_REASON_LENGTH = 200;

    private final ServerMetrics metrics;
    private boolean handshakeFailed;

    ConnectionEvents(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof SslHandshakeCompletionEvent handshake) {
            if (handshake.isSuccess()) {
                log.debug("connection peer={} handshake ok client={}", ctx.channel().remoteAddress(),
                        clientName(ctx));
            } else {
                // Rejected clients are worth seeing at the default level: a wrong CA or an expired certificate
                // on an edge shows up here first.
                handshakeFailed = true;
                metrics.handshakeFailed(HandshakeFailure.of(handshake.cause()));
                log.info("connection peer={} handshake failed reason=\"{}\"", ctx.channel().remoteAddress(),
                        reason(handshake.cause()));
            }
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (handshakeFailed) {
            // Already logged as the handshake's failure; TLS closes the connection itself.
            return;
        }
        if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            log.info("connection peer={} tls error reason=\"{}\"", ctx.channel().remoteAddress(), reason(cause));
        } else if (cause instanceof IOException) {
            // A reset or a broken pipe is the peer's doing, and anyone who can reach the port can cause one.
            log.debug("connection peer={} io error reason=\"{}\"", ctx.channel().remoteAddress(), reason(cause));
        } else {
            // One line at the default level, as every event is; the stack trace is for whoever turns on DEBUG.
            log.warn("connection peer={} closed after an unexpected error reason=\"{}\"",
                    ctx.channel().remoteAddress(), reason(cause));
            log.debug("connection peer={} unexpected error", ctx.channel().remoteAddress(), cause);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        log.debug("connection peer={} closed", ctx.channel().remoteAddress());
        ctx.fireChannelInactive();
    }

    private static String clientName(ChannelHandlerContext ctx) {
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            return ((X509Certificate) chain[0]).getSubjectX500Principal().getName();
        } catch (SSLPeerUnverifiedException | RuntimeException e) {
            return "?";
        }
    }

    private static String reason(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof NotSslRecordException) {
            // Its message goes on with a hex dump of whatever the peer sent, which may be anything: a plaintext
            // request and its payload, or as much text as the peer cares to send.
            return "not an SSL/TLS record";
        }
        String message = root.getMessage();
        // A certificate check's message alone ("NotAfter: ...") does not say what failed; its type does.
        String text = message == null ? root.getClass().getSimpleName()
                : root instanceof SSLException ? message : root.getClass().getSimpleName() + ": " + message;
        text = text.replace('"', '\'').replace('\n', ' ').replace('\r', ' ');
        // What a TLS stack says comes partly from the peer; a log line stays a line.
        return text.length() <= MAX_REASON_LENGTH ? text : text.substring(0, MAX_REASON_LENGTH) + "...";
    }
}
