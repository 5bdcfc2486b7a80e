package dev.autograd4j.distributed.nccl;

import static org.bytedeco.cuda.global.cudart.cuCtxGetCurrent;
import static org.bytedeco.cuda.global.cudart.cuCtxSetCurrent;
import static org.bytedeco.cuda.global.cudart.cudaErrorNotReady;
import static org.bytedeco.cuda.global.cudart.cudaEventCreateWithFlags;
import static org.bytedeco.cuda.global.cudart.cudaEventDestroy;
import static org.bytedeco.cuda.global.cudart.cudaEventDisableTiming;
import static org.bytedeco.cuda.global.cudart.cudaEventQuery;
import static org.bytedeco.cuda.global.cudart.cudaEventRecord;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaSetDevice;
import static org.bytedeco.cuda.global.cudart.cudaSuccess;
import static org.bytedeco.cuda.global.nccl.NCCL_UNIQUE_ID_BYTES;
import static org.bytedeco.cuda.global.nccl.ncclAllReduce;
import static org.bytedeco.cuda.global.nccl.ncclBroadcast;
import static org.bytedeco.cuda.global.nccl.ncclCommAbort;
import static org.bytedeco.cuda.global.nccl.ncclCommDestroy;
import static org.bytedeco.cuda.global.nccl.ncclCommGetAsyncError;
import static org.bytedeco.cuda.global.nccl.ncclCommInitAll;
import static org.bytedeco.cuda.global.nccl.ncclCommInitRank;
import static org.bytedeco.cuda.global.nccl.ncclGetErrorString;
import static org.bytedeco.cuda.global.nccl.ncclGetLastError;
import static org.bytedeco.cuda.global.nccl.ncclGetUniqueId;
import static org.bytedeco.cuda.global.nccl.ncclGetVersion;
import static org.bytedeco.cuda.global.nccl.ncclInProgress;
import static org.bytedeco.cuda.global.nccl.ncclSuccess;

import dev.autograd4j.distributed.CollectiveException;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.cuda.cudart.CUctx_st;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.nccl.ncclComm;
import org.bytedeco.cuda.nccl.ncclUniqueId;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Every call into {@code org.bytedeco:cuda} (NCCL and the CUDA runtime) lives here, so that no other class of
 * the module touches a bytedeco class before {@link NcclLibrary} has loaded the natives. Pointers cross from
 * JCuda (the CUDA backend) as raw values: both bindings drive the same driver and runtime.
 */
final class NcclNative {
    private NcclNative() {
    }

    /** Loads JavaCPP's, the CUDA runtime's and NCCL's JNI libraries (and so libnccl.so.2); the failure or null. */
    static Throwable load() {
        try {
            Loader.load(org.bytedeco.cuda.global.nccl.class);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** Opens a shared library by soname or path, visible to the libraries loaded after it; the failure or null. */
    static String loadGlobal(String nameOrPath) {
        try {
            Loader.loadGlobal(nameOrPath);
            return null;
        } catch (Throwable t) {
            return NcclLibrary.messages(t);
        }
    }

    static int version() {
        int[] v = new int[1];
        check(ncclGetVersion(v), "ncclGetVersion", null);
        return v[0];
    }

    static byte[] uniqueId() {
        ncclUniqueId id = new ncclUniqueId();
        try {
            check(ncclGetUniqueId(id), "ncclGetUniqueId", null);
            byte[] b = new byte[NCCL_UNIQUE_ID_BYTES];
            id.internal().get(b);
            return b;
        } finally {
            id.close();
        }
    }

    /** A raw device or host address as a JavaCPP pointer (no ownership). */
    static Pointer at(long raw) {
        // not "address = address": inside the subclass the inherited field would shadow the parameter
        return new Pointer() {
            {
                this.address = raw;
            }
        };
    }

    private static void check(int rc, String call, ncclComm comm) {
        if (rc != ncclSuccess) {
            throw new CollectiveException(call + " failed: " + ncclError(rc, comm));
        }
    }

    static String ncclError(int rc, ncclComm comm) {
        BytePointer s = ncclGetErrorString(rc);
        String m = (s == null ? "NCCL error" : s.getString()) + " (" + rc + ")";
        if (comm != null) {
            BytePointer last = ncclGetLastError(comm);
            if (last != null && !last.getString().isBlank()) {
                m += ": " + last.getString();
            }
        }
        return m;
    }

    private static void checkCuda(int rc, String call) {
        if (rc != cudaSuccess) {
            throw new CollectiveException(call + " failed: " + cudaError(rc) + " (" + rc + ")");
        }
    }

    static String cudaError(int rc) {
        BytePointer s = cudaGetErrorString(rc);
        return s == null ? "CUDA error" : s.getString();
    }

    /**
     * Makes a device current on this thread for the runtime (NCCL uses the runtime API; the runtime's device is
     * the driver's primary context, the one the CUDA backend uses too), and restores the thread's previous
     * context when closed.
     */
    static final class DeviceScope implements AutoCloseable {
        private final CUctx_st previous = new CUctx_st();

        DeviceScope(int device) {
            cuCtxGetCurrent(previous);
            checkCuda(cudaSetDevice(device), "cudaSetDevice(" + device + ")");
        }

        @Override
        public void close() {
            if (!previous.isNull()) {
                cuCtxSetCurrent(previous);
            }
        }
    }

    /** One rank's communicator, bound to a device and to the CUDA backend's stream of that device. */
    static final class Comm {
        final int device;
        private final ncclComm comm;
        private final CUstream_st stream;

        private Comm(ncclComm comm, int device, long stream) {
            this.comm = comm;
            this.device = device;
            this.stream = new CUstream_st(at(stream));
        }

        static Comm initRank(int device, long stream, int worldSize, byte[] uniqueId, int rank) {
            try (DeviceScope s = new DeviceScope(device)) {
                ncclUniqueId id = new ncclUniqueId();
                id.internal().put(uniqueId, 0, uniqueId.length);
                ncclComm c = new ncclComm();
                check(ncclCommInitRank(c, worldSize, id, rank), "ncclCommInitRank(rank " + rank + " of " + worldSize
                        + " on cuda:" + device + ")", null);
                id.close();
                return new Comm(c, device, stream);
            }
        }

        static List<Comm> initAll(int[] devices, long[] streams) {
            PointerPointer<ncclComm> comms = new PointerPointer<>(devices.length);
            try (DeviceScope s = new DeviceScope(devices[0])) {
                check(ncclCommInitAll(comms, devices.length, devices.clone()), "ncclCommInitAll("
                        + java.util.Arrays.toString(devices) + ")", null);
            }
            List<Comm> out = new ArrayList<>();
            for (int i = 0; i < devices.length; i++) {
                out.add(new Comm(new ncclComm(comms.get(i)), devices[i], streams[i]));
            }
            comms.close();
            return out;
        }

        DeviceScope enter() {
            return new DeviceScope(device);
        }

        /** Queues an in-place all-reduce of {@code count} elements at {@code address} on the backend's stream. */
        void allReduce(long address, long count, int ncclType, int ncclOp) {
            Pointer p = at(address);
            check(ncclAllReduce(p, p, count, ncclType, ncclOp, comm, stream), "ncclAllReduce", comm);
        }

        /** Queues an in-place broadcast of {@code count} elements at {@code address} from {@code root}. */
        void broadcast(long address, long count, int ncclType, int root) {
            Pointer p = at(address);
            check(ncclBroadcast(p, p, count, ncclType, root, comm, stream), "ncclBroadcast", comm);
        }

        /** An event recorded after everything queued so far on the stream. */
        Event record() {
            CUevent_st e = new CUevent_st();
            checkCuda(cudaEventCreateWithFlags(e, cudaEventDisableTiming), "cudaEventCreateWithFlags");
            checkCuda(cudaEventRecord(e, stream), "cudaEventRecord");
            return new Event(e);
        }

        /** NCCL's asynchronous error of this communicator, or null when there is none. */
        String asyncError() {
            int[] rc = new int[1];
            int r = ncclCommGetAsyncError(comm, rc);
            if (r != ncclSuccess) {
                return "ncclCommGetAsyncError failed: " + ncclError(r, comm);
            }
            return rc[0] == ncclSuccess || rc[0] == ncclInProgress ? null : ncclError(rc[0], comm);
        }

        /** Stops whatever the communicator is doing (a peer vanished) and frees it; it cannot be used again. */
        void abort() {
            try (DeviceScope s = enter()) {
                ncclCommAbort(comm);
            }
        }

        void destroy() {
            try (DeviceScope s = enter()) {
                check(ncclCommDestroy(comm), "ncclCommDestroy", null);
            }
        }
    }

    /** A recorded CUDA event: polled, never waited on blindly, so that a vanished peer cannot hang the caller. */
    static final class Event {
        private final CUevent_st event;

        Event(CUevent_st event) {
            this.event = event;
        }

        /** True once the stream has passed the event; throws if the stream failed. */
        boolean done() {
            int rc = cudaEventQuery(event);
            if (rc == cudaErrorNotReady) {
                return false;
            }
            checkCuda(rc, "cudaEventQuery");
            return true;
        }

        void destroy() {
            cudaEventDestroy(event);
        }
    }
}
