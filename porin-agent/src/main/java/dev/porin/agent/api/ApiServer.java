// SPDX-License-Identifier: Apache-2.0
package dev.porin.agent.api;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * HTTP/1.1 on a Unix socket. The socket's directory is made root-only before the socket exists, and the
 * socket itself is 0600, so no other user can talk to the agent. Each request is handled on its own
 * virtual thread: handlers may block (plumbing a pod takes netlink round trips) without stalling the
 * event loop.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiServer.class);
    private static final int MAX_BODY = 64 << 20;

    private final EventLoopGroup group;
    private final Channel channel;
    private final ExecutorService handlers;
    private final Path socket;

    private ApiServer(EventLoopGroup group, Channel channel, ExecutorService handlers, Path socket) {
        this.group = group;
        this.channel = channel;
        this.handlers = handlers;
        this.socket = socket;
    }

    public static ApiServer start(Path socket, Router router) {
        try {
            Path dir = socket.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + socket, e);
        }
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Channel ch = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerDomainSocketChannel.class)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel c) {
                            c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_BODY),
                                    new Dispatch(router, handlers));
                        }
                    })
                    .bind(UnixDomainSocketAddress.of(socket)).sync().channel();
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            return new ApiServer(group, ch, handlers, socket);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully();
            throw new IllegalStateException("interrupted while binding " + socket, e);
        } catch (IOException e) {
            group.shutdownGracefully();
            throw new UncheckedIOException("cannot secure " + socket, e);
        }
    }

    public Path socket() {
        return socket;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully().syncUninterruptibly();
        handlers.close();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final class Dispatch extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Router router;
        private final ExecutorService handlers;

        Dispatch(Router router, ExecutorService handlers) {
            this.router = router;
            this.handlers = handlers;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            QueryStringDecoder uri = new QueryStringDecoder(req.uri());
            Map<String, String> headers = new HashMap<>();
            req.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
            byte[] body = new byte[req.content().readableBytes()];
            req.content().readBytes(body);
            String method = req.method().name();
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            handlers.execute(() -> {
                Response r = router.dispatch(method, uri.path(), uri.parameters(), headers, body);
                if (r.streamed()) {
                    stream(ctx, r, keepAlive);
                    return;
                }
                FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                        HttpResponseStatus.valueOf(r.status()), Unpooled.wrappedBuffer(r.body()));
                resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
                resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
                if (keepAlive) {
                    ctx.writeAndFlush(resp);
                } else {
                    resp.headers().set(HttpHeaderNames.CONNECTION, "close");
                    ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
                }
            });
        }

        /**
         * A chunked answer, written as the producer goes. A slow client makes the producer wait (it never
         * buffers without bound); a client that goes away ends it.
         */
        private static void stream(ChannelHandlerContext ctx, Response r, boolean keepAlive) {
            HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()));
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
            HttpUtil.setTransferEncodingChunked(head, true);
            ctx.writeAndFlush(head);
            Channel ch = ctx.channel();
            Response.Output out = new Response.Output() {
                @Override
                public boolean write(byte[] chunk) {
                    while (ch.isActive() && !ch.isWritable()) {
                        LockSupport.parkNanos(1_000_000);
                    }
                    if (!ch.isActive()) {
                        return false;
                    }
                    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(chunk)));
                    return true;
                }

                @Override
                public boolean open() {
                    return ch.isActive();
                }
            };
            try {
                r.stream().writeTo(out);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.atWarn().setCause(e).log("Streamed API answer failed");
            }
            if (ch.isActive()) {
                var last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                if (!keepAlive) {
                    last.addListener(ChannelFutureListener.CLOSE);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
