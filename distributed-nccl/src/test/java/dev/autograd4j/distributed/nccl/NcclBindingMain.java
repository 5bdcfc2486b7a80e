package dev.autograd4j.distributed.nccl;

import java.util.List;
import java.util.Map;

/**
 * Drives every binding NcclNative uses against the recording stand-ins of NcclLoadingTest, in a fresh JVM, and
 * prints what they recorded: the arguments as the C side received them.
 */
public final class NcclBindingMain {
    private NcclBindingMain() {
    }

    /**
     * Prints "ids ...", "nccl ..." and "cudart ..." lines.
     *
     * @param args none
     */
    public static void main(String[] args) {
        NcclLibrary.Probe p = NcclLibrary.loadNatives("linux-x86_64", null, Map.of(), "/nonexistent-home");
        if (!p.available()) {
            System.out.println("unavailable " + p.reason());
            return;
        }
        byte[] id = NcclNative.uniqueId();
        StringBuilder ids = new StringBuilder("ids");
        for (int i : new int[] {0, 1, 2, 127}) {
            ids.append(' ').append(id[i] & 0xFF);
        }
        byte[] mine = new byte[128];
        for (int i = 0; i < mine.length; i++) {
            mine[i] = (byte) (255 - i);
        }
        NcclNative.Comm c = NcclNative.Comm.initRank(3, 0xABCL, 4, mine, 2);
        c.allReduce(0xDEAD00L, 10, NcclCollective.NCCL_FLOAT32, NcclCollective.NCCL_AVG);
        c.broadcast(0xBEEF00L, 3, NcclCollective.NCCL_INT64, 1);
        try (NcclNative.DeviceScope s = c.enter()) {
            NcclNative.Event e = c.record();
            int polls = 1;
            while (!e.done()) {
                polls++;
            }
            e.destroy();
            ids.append(" polls ").append(polls).append(" asyncError ").append(c.asyncError());
        }
        List<NcclNative.Comm> all = NcclNative.Comm.initAll(new int[] {0, 1}, new long[] {0x111L, 0x222L});
        all.get(1).allReduce(0x10L, 1, NcclCollective.NCCL_FLOAT64, NcclCollective.NCCL_SUM);
        c.destroy();
        all.get(0).abort();
        System.out.println(ids);
        System.out.println("nccl " + NcclNative.ncclError(1000, null));
        System.out.println("cudart " + NcclNative.cudaError(1000));
    }
}
