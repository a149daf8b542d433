/* mem_trim.h - gives the heap that bursts of connections leave free back to the system.
 * glibc keeps freed memory in its arenas: a full mTLS handshake with OpenSSL 3.0 allocates
 * tens of KB for a moment next to the ~25 KB a connection keeps, so many phones connecting
 * (or disconnecting) together leave MBs free but resident, scattered between live
 * connections, where only malloc_trim(0) returns them. mem_trim_note() is called for each
 * accepted handshake and closed websocket; once none came for MEM_TRIM_QUIET_MS (or after
 * MEM_TRIM_BUSY_MAX_MS of steady churn), the heap is trimmed once. Loop thread only. A
 * no-op without glibc. */
#ifndef GW_MEM_TRIM_H
#define GW_MEM_TRIM_H

#define MEM_TRIM_QUIET_MS 500
#define MEM_TRIM_BUSY_MAX_MS 30000

struct lws_context;

void mem_trim_start(struct lws_context *ctx);
void mem_trim_note(void);
void mem_trim_stop(void);

#endif
