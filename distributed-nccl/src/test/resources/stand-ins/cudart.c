/* Stand-in for libcudart.so.13 (built with a version script naming libcudart.so.13): records the calls. */
#include <stdio.h>
#include <string.h>
static char log_[8192];
static int queries = 0;
static void note(const char* s) { strncat(log_, s, sizeof(log_) - strlen(log_) - 1); }
int cudaSetDevice(int d) { char b[64]; snprintf(b, sizeof b, "setDevice %d;", d); note(b); return 0; }
int cudaEventCreateWithFlags(void** e, unsigned flags) {
    char b[64]; *e = (void*)0x5000; snprintf(b, sizeof b, "eventCreate %u;", flags); note(b); return 0;
}
int cudaEventRecord(void* e, void* s) { char b[96]; snprintf(b, sizeof b, "eventRecord %p %p;", e, s); note(b); return 0; }
int cudaEventQuery(void* e) { return queries++ % 3 < 2 ? 600 : 0; } /* not ready twice, then done */
int cudaEventDestroy(void* e) { char b[64]; snprintf(b, sizeof b, "eventDestroy %p;", e); note(b); return 0; }
const char* cudaGetErrorString(int code) { return code == 1000 ? log_ : "stand-in CUDA error"; }
