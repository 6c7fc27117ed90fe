/*
 * src/procfs/: Linux /proc and sysctl text -> sockets, processes, ranges.
 * Pure: runs on recorded files.  May include: src/core.  Included by:
 * src/probe/linux.
 *
 * Parsers for the Linux text the probe reads: /proc/net/{tcp,udp}[6],
 * /proc/PID/{stat,status,cmdline,cgroup}, /proc/stat, /proc/self/mountinfo,
 * the port sysctls and /etc/passwd.
 *
 * Pure: no OS calls, no globals.  Every parser takes (text, len), never
 * reads past len, needs no NUL terminator, returns 0 or a negative PD_E*
 * and leaves its ret_* untouched on failure.  Numbers are parsed without
 * the C library's locale-dependent helpers.
 */
#ifndef PD_PROCFS_H
#define PD_PROCFS_H

#include <stddef.h>
#include <stdint.h>

#include "portdoctor/portdoctor.h"

/* Kernel socket state numbers (include/net/tcp_states.h).  TCP_BOUND_INACTIVE
 * is newer than some userspace headers, so we carry our own copy. */
enum {
	PD_LINUX_TCP_ESTABLISHED = 1,
	PD_LINUX_TCP_SYN_SENT = 2,
	PD_LINUX_TCP_SYN_RECV = 3,
	PD_LINUX_TCP_FIN_WAIT1 = 4,
	PD_LINUX_TCP_FIN_WAIT2 = 5,
	PD_LINUX_TCP_TIME_WAIT = 6,
	PD_LINUX_TCP_CLOSE = 7,
	PD_LINUX_TCP_CLOSE_WAIT = 8,
	PD_LINUX_TCP_LAST_ACK = 9,
	PD_LINUX_TCP_LISTEN = 10,
	PD_LINUX_TCP_CLOSING = 11,
	PD_LINUX_TCP_NEW_SYN_RECV = 12,
	PD_LINUX_TCP_BOUND_INACTIVE = 13
};

/* The model's state for kernel state kstate of a proto socket.  A UDP
 * socket in TCP_CLOSE is a bound, unconnected one. */
pd_sock_state pd_linux_sock_state(int kstate, pd_proto proto);

/* One line of /proc/net/tcp, tcp6, udp or udp6. */
typedef struct pd_proc_net_entry {
	pd_addr local;
	uint16_t local_port;
	pd_addr remote;
	uint16_t remote_port;
	int kstate;    /* kernel state number, see above */
	int64_t uid;
	uint64_t inode;
} pd_proc_net_entry;

/* Parses one line (without or with its '\n') of a /proc/net table of the
 * given family (PD_FAMILY_V4: tcp/udp, PD_FAMILY_V6: tcp6/udp6).  The
 * header line and malformed lines give PD_EPARSE.  Addresses are printed
 * by the kernel as 32-bit words in the byte order of the machine, so the
 * text is only meaningful on a machine of the same byte order as the one
 * that wrote it (every Linux we build for is little-endian; fixtures are
 * recorded on x86-64). */
int pd_proc_net_parse_line(const char *text, size_t len, pd_family family,
                           pd_proc_net_entry *ret);

/* Fields of /proc/PID/stat.  comm may hold spaces, ')' and newlines: the
 * kernel does not escape it, so the name ends at the LAST ')'. */
typedef struct pd_proc_stat {
	int pid;
	int ppid;
	unsigned flags;     /* PF_* task flags (field 9) */
	char comm[64]; /* NUL-terminated; the kernel keeps at most 15 bytes */
	uint64_t starttime; /* clock ticks after boot */
} pd_proc_stat;

int pd_proc_stat_parse(const char *text, size_t len, pd_proc_stat *ret);

/* The effective uid (second number of the "Uid:" line) of /proc/PID/status:
 * the one ps(1) shows as USER. */
int pd_proc_status_uid(const char *text, size_t len, int64_t *ret_uid);
/* The "CapEff:" mask of /proc/PID/status. */
int pd_proc_status_capeff(const char *text, size_t len, uint64_t *ret_caps);

/* /proc/PID/cmdline: NUL-separated arguments -> one malloc'ed string with
 * the arguments joined by single spaces (an empty argument gives two
 * spaces, as read).  Trailing NULs are dropped; input beyond max bytes is
 * ignored.  Bytes are kept raw (terminal escaping is the renderer's job).
 * Empty input gives "" (kernel threads, zombies).  The caller frees
 * *ret_text. */
int pd_proc_cmdline_join(const char *raw, size_t len, size_t max,
                         char **ret_text);

/* Copies len bytes into a malloc'ed NUL-terminated string, turning any
 * embedded NUL into a space so the C string keeps every byte. */
int pd_proc_text_dup(const char *raw, size_t len, char **ret_text);

/* The cgroup v2 path ("0::/system.slice/x.service") of /proc/PID/cgroup,
 * or on a v1-only machine the name=systemd hierarchy's path; malloc'ed.
 * PD_ENOENT when neither is present. */
int pd_proc_cgroup_path(const char *text, size_t len, char **ret_path);

/* The systemd service a cgroup path belongs to: its innermost component
 * ending in ".service" (so ".../user@1000.service/app.slice/foo.service"
 * gives "foo.service" and "/system.slice/nginx.service/worker" gives
 * "nginx.service").  Scopes and slices are not services: a session scope
 * must never be offered to `systemctl stop`.  PD_ENOENT when there is
 * none.  *ret_unit is malloc'ed. */
int pd_cgroup_service(const char *path, size_t len, char **ret_unit);

/* The mount point of the cgroup v2 hierarchy in /proc/self/mountinfo
 * text: the first "cgroup2" mount whose root is "/", else the first
 * cgroup2 mount at all (a cgroup namespace shows its own root).  Octal
 * escapes (\040 for a space) are decoded.  PD_ENOENT when there is none
 * (a v1-only machine).  *ret_path is malloc'ed. */
int pd_mountinfo_cgroup2(const char *text, size_t len, char **ret_path);

/* The "btime" (boot time, epoch seconds) of /proc/stat. */
int pd_proc_stat_btime(const char *text, size_t len, int64_t *ret_btime);

/* ip_local_port_range: "32768\t60999\n" -> one range, proto NONE, family
 * ANY.  low > high is PD_ERANGE. */
int pd_sysctl_port_range(const char *text, size_t len, pd_range *ret);

/* ip_local_reserved_ports: "8080,9000-9010\n" (or "" / "\n": none) -> a
 * malloc'ed array of ranges (NULL and 0 when empty) the caller frees. */
int pd_sysctl_port_list(const char *text, size_t len, pd_range **ret_ranges,
                        size_t *ret_n);

/* A single decimal number sysctl such as ip_unprivileged_port_start. */
int pd_sysctl_int(const char *text, size_t len, int min, int max,
                  int *ret_value);

/* The user name of uid in /etc/passwd text (first match wins, as in
 * getpwuid).  NIS "+"/"-" lines and malformed lines are skipped.  We read
 * the file ourselves rather than call getpwuid(): static binaries cannot
 * load NSS modules.  PD_ENOENT when absent; *ret_name is malloc'ed. */
int pd_passwd_lookup(const char *text, size_t len, int64_t uid,
                     char **ret_name);

#endif
