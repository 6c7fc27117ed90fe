/*
 * Internal declarations shared by the Linux probe files:
 *   probe_linux.c    collect entry point, context, sysctls, addresses, binds
 *   linux_sockets.c  sockets through netlink sock_diag, /proc/net fallback
 *   linux_owners.c   owner processes through /proc/PID/fd
 */
#ifndef PD_PROBE_LINUX_H
#define PD_PROBE_LINUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probe.h"

/* Reads at most size-1 bytes of the file path relative to dirfd into buf
 * and NUL-terminates it, without stdio (one open, a few reads, one close).
 * *ret_len gets the byte count.  Errors: PD_ENOENT (missing, or the process
 * is gone), PD_EACCES, PD_EIO. */
int pd__read_at(int dirfd, const char *path, char *buf, size_t size,
                size_t *ret_len);

/* Like pd__read_at but into a malloc'ed buffer of at most max bytes (plus a
 * NUL).  A longer file is cut at max and *ret_truncated set.  The caller
 * frees *ret_buf. */
int pd__read_alloc_at(int dirfd, const char *path, size_t max, char **ret_buf,
                      size_t *ret_len, bool *ret_truncated);

/* errno -> PD_E* for the file, socket and process calls. */
int pd__errno_to_pd(int e);
/* "EADDRINUSE"-style static name of an errno value ("errno 123" style
 * names are not made: unknown values give "EOTHER"). */
const char *pd__errno_name(int e);

/* True when a socket of proto/family on port is on one of the ports of
 * interest (a range with proto NONE / family ANY matches both). */
bool pd__port_of_interest(const pd_probe_opts *opts, pd_proto proto,
                          pd_family family, uint16_t port);

/* True when 'listeners' asks for sockets of proto. */
bool pd__listeners_want(const pd_probe_opts *opts, pd_proto proto);

/* Collects the sockets of one family (PD_FAMILY_V4/V6) and proto that opts
 * asks for, through sock_diag.  On failure nothing was added (the dump is
 * staged and committed at the end) and detail says why, so the caller can
 * fall back to /proc. */
int pd__linux_sockets_netlink(pd_snapshot *s, const pd_probe_opts *opts,
                              pd_family family, pd_proto proto, char *detail,
                              size_t detail_size);

/* One reply datagram buf[0..len) of dump number 'dump' (0 or 1) of the
 * plan pd__linux_sockets_netlink makes for opts/family/proto, parsed as
 * that dump parses it: sockets are added to s, *ret_done is set at
 * NLMSG_DONE, *ret_kernel_err gets a kernel errno.  No OS calls except
 * if_indextoname(); for the fuzzer and tests.  PD_EINVAL when the plan
 * has no such dump; PD_EPARSE on a malformed reply (sockets already added
 * stay: the caller rolls back). */
int pd__linux_sockets_parse_reply(pd_snapshot *s, const pd_probe_opts *opts,
                                  pd_family family, pd_proto proto,
                                  size_t dump, uint32_t seq,
                                  const unsigned char *buf, size_t len,
                                  bool *ret_done, int *ret_kernel_err);

/* The same from /proc/net/{tcp,tcp6,udp,udp6}: no v6only, cgroup or bound
 * device, and no bound-but-inactive TCP sockets. */
int pd__linux_sockets_proc(pd_snapshot *s, const pd_probe_opts *opts,
                           pd_family family, pd_proto proto);

/* Finds the processes holding the sockets opts->owners asks for, fills
 * snapshot->procs, each socket's pids and owner_status, owners_partial and
 * notes.  Only PD_ENOMEM (and failure to open /proc) are errors. */
int pd__linux_owners(pd_snapshot *s, const pd_probe_opts *opts);

#endif
