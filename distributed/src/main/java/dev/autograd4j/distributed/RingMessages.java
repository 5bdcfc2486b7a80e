package dev.autograd4j.distributed;

import java.io.IOException;

/**
 * The messages of {@link TcpRingCollective}'s wire protocol: the frames its sender thread writes, and the two
 * failures a receive can report (kept apart so the ring's own file stays a readable size).
 */
final class RingMessages {
    private RingMessages() {
    }

    /** One queued frame: a data segment (elements of an array, encoded when written) or an abort message. */
    static final class Frame {
        final int tag;
        final int code;
        final Buckets.Kind kind;
        final Object array;
        final int elem;
        final int count;
        final byte[] bytes;

        Frame(int tag, int code, Buckets.Kind kind, Object array, int elem, int count, byte[] bytes) {
            this.tag = tag;
            this.code = code;
            this.kind = kind;
            this.array = array;
            this.elem = elem;
            this.count = count;
            this.bytes = bytes;
        }
    }

    /** An abort message that came from the predecessor. */
    static final class RemoteAbort extends IOException {
        private static final long serialVersionUID = 1L;

        RemoteAbort(String message) {
            super(message);
        }
    }

    /** A frame that does not match what this rank expects: the ranks called different collectives or shapes. */
    static final class Mismatch extends IOException {
        private static final long serialVersionUID = 1L;

        Mismatch(String message) {
            super(message);
        }
    }
}
