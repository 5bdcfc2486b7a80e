/* Stand-in for libnccl.so.2: records every call with its arguments, answers like NCCL. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
typedef struct { char internal[128]; } ncclUniqueId;
static char log_[8192];
static void note(const char* s) { strncat(log_, s, sizeof(log_) - strlen(log_) - 1); }
int ncclGetVersion(int* v) { *v = 22703; return 0; }
int ncclGetUniqueId(ncclUniqueId* id) { for (int i = 0; i < 128; i++) id->internal[i] = (char)(i * 7); return 0; }
int ncclCommInitRank(void** comm, int nranks, ncclUniqueId id, int rank) {
    char b[128]; long sum = 0;
    for (int i = 0; i < 128; i++) sum += (unsigned char)id.internal[i];
    *comm = (void*)0x1234;
    snprintf(b, sizeof b, "initRank %d %d %d %d %ld;", nranks, rank, (unsigned char)id.internal[1],
             (unsigned char)id.internal[127], sum);
    note(b); return 0;
}
int ncclCommInitAll(void** comms, int n, const int* devs) {
    char b[64];
    for (int i = 0; i < n; i++) comms[i] = (void*)(long)(0x2000 + devs[i]);
    snprintf(b, sizeof b, "initAll %d %d..%d;", n, devs[0], devs[n - 1]); note(b); return 0;
}
int ncclAllReduce(const void* s, void* r, size_t count, int type, int op, void* comm, void* stream) {
    char b[160];
    snprintf(b, sizeof b, "allReduce %p %p %zu %d %d %p %p;", s, r, count, type, op, comm, stream); note(b); return 0;
}
int ncclBroadcast(const void* s, void* r, size_t count, int type, int root, void* comm, void* stream) {
    char b[160];
    snprintf(b, sizeof b, "broadcast %p %p %zu %d %d %p %p;", s, r, count, type, root, comm, stream); note(b);
    return 0;
}
int ncclCommGetAsyncError(void* comm, int* err) { *err = 0; return 0; }
int ncclCommAbort(void* comm) { char b[64]; snprintf(b, sizeof b, "abort %p;", comm); note(b); return 0; }
int ncclCommDestroy(void* comm) { char b[64]; snprintf(b, sizeof b, "destroy %p;", comm); note(b); return 0; }
const char* ncclGetErrorString(int code) { return code == 1000 ? log_ : "stand-in NCCL error"; }
const char* ncclGetLastError(void* comm) { return ""; }
