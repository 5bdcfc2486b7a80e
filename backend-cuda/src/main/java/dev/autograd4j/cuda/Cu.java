package dev.autograd4j.cuda;

import jcuda.driver.CUresult;

/** Result-code checks for the driver API (JCuda exceptions stay disabled: we name the failing call). */
final class Cu {
    private Cu() {
    }

    static void check(int rc, String call) {
        if (rc != CUresult.CUDA_SUCCESS) {
            throw new CudaException(call + " failed: " + CUresult.stringFor(rc) + " (" + rc + ")", rc);
        }
    }

    /** A failed CUDA driver call. */
    static final class CudaException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int code;

        CudaException(String message, int code) {
            super(message);
            this.code = code;
        }
    }
}
