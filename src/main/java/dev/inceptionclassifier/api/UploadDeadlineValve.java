package dev.inceptionclassifier.api;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.apache.coyote.InputBuffer;
import org.apache.tomcat.util.net.ApplicationBufferHandler;

/**
 * Gives the whole request body a deadline ({@code classifier.image.upload-timeout}), counted from the end of the
 * request's headers. Tomcat only bounds each read ({@code server.tomcat.connection-timeout}), so a client that sends a
 * byte every few seconds could otherwise hold a request thread for as long as it likes.
 *
 * <p>The check sits under every reader of the body: the raw body, Tomcat's multipart and form parsers alike. Each read
 * of the request's input buffer first checks the deadline; past it, the read fails with a
 * {@link SocketTimeoutException}, which the API answers 408 {@code upload-timeout}. A read already blocked at the
 * deadline ends by the connection timeout at the latest. After a timed-out body, or an error answer to a request
 * whose body may be unread, the connection is closed instead of drained.
 */
final class UploadDeadlineValve extends ValveBase {

    private static final String SEEN = UploadDeadlineValve.class.getName();

    private final Duration timeout;

    UploadDeadlineValve(Duration timeout) {
        super(true);
        this.timeout = timeout;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, ServletException {
        if (request.getAttribute(SEEN) != null) {
            // An async dispatch: the body was read (and bounded) by the first pass.
            getNext().invoke(request, response);
            return;
        }
        request.setAttribute(SEEN, Boolean.TRUE);
        org.apache.coyote.Request coyote = request.getCoyoteRequest();
        InputBuffer original = coyote.getInputBuffer();
        DeadlineInputBuffer bounded = new DeadlineInputBuffer(original, System.nanoTime() + timeout.toNanos(), timeout);
        coyote.setInputBuffer(bounded);
        response.setResponse(new CloseOnEarlyError(response.getResponse(), coyote));
        try {
            getNext().invoke(request, response);
        } finally {
            // The connection's processor reuses its input buffer for the next request on the connection.
            coyote.setInputBuffer(original);
            if (bounded.timedOut || !request.isAsyncStarted() && response.getStatus() >= 400 && !coyote.isFinished()) {
                // An error answer before the body was read: close the connection after it rather than read (swallow)
                // the rest of a body nobody wants. Tomcat would do that on this thread, bounded only per read, for a
                // client that trickles.
                coyote.action(ActionCode.DISABLE_SWALLOW_INPUT, null);
            }
        }
    }

    /**
     * Tells the client, with the error status, that the connection will close when the body has not been read: set
     * then, before the answer is committed, so that a client that already sent its whole body does not reuse it.
     */
    private static final class CloseOnEarlyError extends HttpServletResponseWrapper {

        private final org.apache.coyote.Request coyote;

        CloseOnEarlyError(HttpServletResponse response, org.apache.coyote.Request coyote) {
            super(response);
            this.coyote = coyote;
        }

        @Override
        public void setStatus(int sc) {
            closeIfEarlyError(sc);
            super.setStatus(sc);
        }

        @Override
        public void sendError(int sc) throws IOException {
            closeIfEarlyError(sc);
            super.sendError(sc);
        }

        @Override
        public void sendError(int sc, String msg) throws IOException {
            closeIfEarlyError(sc);
            super.sendError(sc, msg);
        }

        private void closeIfEarlyError(int sc) {
            if (sc >= 400 && !isCommitted() && !coyote.isFinished()) {
                setHeader("Connection", "close");
            }
        }
    }

    /** The connection's input buffer, refusing to read past the deadline. */
    private static final class DeadlineInputBuffer implements InputBuffer {

        private final InputBuffer delegate;
        private final long deadline;
        private final Duration timeout;
        volatile boolean timedOut;

        DeadlineInputBuffer(InputBuffer delegate, long deadline, Duration timeout) {
            this.delegate = delegate;
            this.deadline = deadline;
            this.timeout = timeout;
        }

        @Override
        public int doRead(ApplicationBufferHandler handler) throws IOException {
            if (System.nanoTime() - deadline > 0) {
                timedOut = true;
                throw new SocketTimeoutException("the request body did not arrive within " + timeout);
            }
            try {
                return delegate.doRead(handler);
            } catch (SocketTimeoutException e) {
                // The container's own read timeout: the client is just as stalled.
                timedOut = true;
                throw e;
            }
        }

        @Override
        public int available() {
            return delegate.available();
        }
    }
}
