/* Stand-in for libcuda.so.1 (no GPU): the two driver calls the NCCL module makes. */
static void* current = 0;
int cuCtxGetCurrent(void** ctx) { *ctx = current; return 0; }
int cuCtxSetCurrent(void* ctx) { current = ctx; return 0; }
