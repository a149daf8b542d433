/* crl_worker.h - the CRL thread: reads, parses and checks changed CRL files (tls_store.h
 * builds the new set of CRLs) away from the lws event loop, so a large CRL never stalls a
 * request. One run at a time: the loop asks for a run on the set in force, the thread
 * builds the next set and wakes the loop, which takes it and swaps it in (a pointer).
 * The loop never waits for the thread; a SIGHUP that comes during a run is remembered and
 * runs next. */
#ifndef GW_CRL_WORKER_H
#define GW_CRL_WORKER_H

struct crl_set;
struct crl_worker;

/* Builds the set that follows base (force: read every file again); NULL when nothing
 * changed. *changed: 2 if a CRL changed, 1 if only what the files' stat says did. */
typedef struct crl_set *(*crl_build_fn)(void *ctx, const struct crl_set *base, int force,
                                        int *changed);

/* Starts the thread; wake(arg) is called from it (unlocked) when a set is ready. NULL if
 * out of memory or the thread cannot start. */
struct crl_worker *crl_worker_start(crl_build_fn build, void *ctx, void (*wake)(void *), void *arg);

/* Waits for a run under way to end, and stops the thread. A set it built and nobody took
 * is returned (the caller frees it), else NULL. */
struct crl_set *crl_worker_stop(struct crl_worker *w);

/* Loop: starts a run on base (force, or a SIGHUP remembered); 0, or -1 if a run is under way
 * or its result not taken yet (a force is then remembered for the next run). */
int crl_worker_request(struct crl_worker *w, const struct crl_set *base, int force);

/* Loop: 1 if a force (SIGHUP) came while a run was under way and waits for the next run. */
int crl_worker_force_waiting(struct crl_worker *w);

/* Loop: 1 if a run has ended (*set: what it built, NULL if nothing; *changed), else 0. */
int crl_worker_take(struct crl_worker *w, struct crl_set **set, int *changed);

#endif
