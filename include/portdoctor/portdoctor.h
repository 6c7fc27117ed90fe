/*
 * portdoctor public API.
 *
 * Data flows one way: a probe (per OS, src/probe) fills a pd_snapshot, which
 * is plain data and can be written to and read from JSON; diagnose turns a
 * snapshot plus targets into findings with evidence; remedies turn findings
 * into plans of commands; render prints them.  Everything declared here
 * except the probe is pure: no OS calls, no I/O, no globals.
 *
 * Conventions: functions return 0 or a negative PD_E* code and leave their
 * ret_* out-parameters untouched on failure.  pd_x_free() frees an object and
 * accepts NULL; pd_x_done() releases what an object holds but not the object.
 */
#ifndef PORTDOCTOR_H
#define PORTDOCTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PD_VERSION "0.1.0"
/* Version of the JSON documents (snapshot and command output). */
#define PD_SCHEMA_VERSION 1

/* ---------------------------------------------------------------- errors */

#define PD_ERRNO_MAP(X)                                                        \
	X(NOMEM, "out of memory")                                                  \
	X(INVAL, "invalid argument")                                               \
	X(RANGE, "number out of range")                                            \
	X(PARSE, "malformed input")                                                \
	X(TOOBIG, "input exceeds the size limit")                                  \
	X(IO, "input/output error")                                                \
	X(NOENT, "no such file or object")                                         \
	X(ACCES, "permission denied")                                              \
	X(ADDRINUSE, "address already in use")                                     \
	X(ADDRNOTAVAIL, "cannot assign requested address")                         \
	X(AFNOSUPPORT, "address family not supported")                             \
	X(UNSUPPORTED, "not supported on this system")                             \
	X(VERSION, "unsupported schema version")                                   \
	X(TIMEDOUT, "timed out")                                                   \
	X(OTHER, "system error")

typedef enum pd_err {
	PD_OK = 0,
#define PD_ERR_ENUM_(name, msg) PD_E##name,
	PD__EFIRST = -100,
	PD_ERRNO_MAP(PD_ERR_ENUM_)
#undef PD_ERR_ENUM_
	PD__ELAST
} pd_err;

/* "EADDRINUSE"-style stable name and English message of a PD_E* code. */
const char *pd_err_name(int err);
const char *pd_strerror(int err);

/* ------------------------------------------------------- basic data types */

typedef enum pd_proto {
	PD_PROTO_NONE = 0, /* unknown / not said */
	PD_PROTO_TCP = 1,
	PD_PROTO_UDP = 2
} pd_proto;

typedef enum pd_family {
	PD_FAMILY_ANY = 0, /* both, or not said */
	PD_FAMILY_V4 = 4,
	PD_FAMILY_V6 = 6
} pd_family;

/* An IP address.  v4 uses bytes[0..3]. */
typedef struct pd_addr {
	pd_family family; /* PD_FAMILY_V4 or PD_FAMILY_V6 */
	uint8_t bytes[16];
	uint32_t scope_id;
} pd_addr;

#define PD_ADDR_STRLEN 64
/* Parse "127.0.0.1", "::1", "[::1]", "fe80::1%3".  Locale-free. */
int pd_addr_parse(const char *text, size_t len, pd_addr *ret_addr);
/* Canonical text form (RFC 5952 for v6, no brackets).  buf >= PD_ADDR_STRLEN */
const char *pd_addr_format(const pd_addr *a, char *buf, size_t size);
bool pd_addr_is_any(const pd_addr *a);      /* 0.0.0.0 or :: */
bool pd_addr_is_loopback(const pd_addr *a); /* 127/8 or ::1 */
bool pd_addr_equal(const pd_addr *a, const pd_addr *b);
/* ::ffff:a.b.c.d -> a.b.c.d; returns false when a is not v4-mapped. */
bool pd_addr_unmap_v4(const pd_addr *a, pd_addr *ret_v4);
pd_addr pd_addr_any(pd_family family);
pd_addr pd_addr_loopback(pd_family family);

const char *pd_proto_name(pd_proto p); /* "tcp", "udp", or NULL */
int pd_proto_parse(const char *text, size_t len, pd_proto *ret_proto);

/* Socket states.  The names are stable (JSON). */
#define PD_SOCK_STATE_MAP(X)                                                   \
	X(UNKNOWN, "unknown")                                                      \
	X(LISTEN, "listen")                                                        \
	X(UNCONN, "unconn")     /* bound UDP socket */                             \
	X(BOUND, "bound")       /* bound, not listening, not connected */          \
	X(ESTABLISHED, "established")                                              \
	X(SYN_SENT, "syn_sent")                                                    \
	X(SYN_RECV, "syn_recv")                                                    \
	X(FIN_WAIT1, "fin_wait1")                                                  \
	X(FIN_WAIT2, "fin_wait2")                                                  \
	X(TIME_WAIT, "time_wait")                                                  \
	X(CLOSE, "close")                                                          \
	X(CLOSE_WAIT, "close_wait")                                                \
	X(LAST_ACK, "last_ack")                                                    \
	X(CLOSING, "closing")

typedef enum pd_sock_state {
#define PD_STATE_ENUM_(name, s) PD_STATE_##name,
	PD_SOCK_STATE_MAP(PD_STATE_ENUM_)
#undef PD_STATE_ENUM_
	PD__STATE_COUNT
} pd_sock_state;

const char *pd_sock_state_name(pd_sock_state s);
int pd_sock_state_parse(const char *name, pd_sock_state *ret_state);

/* ------------------------------------------------------------- snapshot */

/* How far the owner of a socket is known. */
typedef enum pd_owner_status {
	PD_OWNER_NOT_SEARCHED = 0, /* nobody looked (e.g. not needed) */
	PD_OWNER_FOUND = 1,        /* pids[] holds it */
	PD_OWNER_UNKNOWN = 2,      /* searched, not found */
	PD_OWNER_DENIED = 3        /* a process we could not inspect may hold it */
} pd_owner_status;

typedef struct pd_socket {
	pd_proto proto;
	pd_addr local;
	uint16_t local_port;
	pd_addr remote;
	uint16_t remote_port;
	pd_sock_state state;
	int v6only;      /* 1, 0, or -1 unknown (v6 sockets only) */
	int64_t uid;     /* -1 unknown */
	uint64_t inode;  /* 0 unknown */
	uint64_t cgroup_id; /* 0 unknown */
	char *ifname; /* bound device (SO_BINDTODEVICE), or NULL */
	pd_owner_status owner_status;
	int *pids; /* owners, into pd_snapshot.procs by pid */
	size_t n_pids;
} pd_socket;

typedef struct pd_process {
	int pid;
	int ppid; /* -1 unknown */
	char *name;
	char *exe;
	char *cmdline; /* arguments joined with spaces, as read */
	char *user;
	int64_t uid;        /* -1 unknown */
	int64_t start_time; /* seconds since the epoch, -1 unknown */
	char *cwd;
	char *cgroup;
	char *service; /* systemd unit or Windows service(s), or NULL */
} pd_process;

/* A port range [start, end] for one protocol and family. */
typedef struct pd_range {
	pd_proto proto;   /* PD_PROTO_NONE = both */
	pd_family family; /* PD_FAMILY_ANY = both or not said */
	uint16_t start;
	uint16_t end;
	bool administered; /* Windows excluded ranges: marked '*' */
} pd_range;

typedef struct pd_iface_addr {
	char *name;
	pd_addr addr;
	int prefix_len; /* -1 unknown */
	bool up;
} pd_iface_addr;

/* The recorded result of a real bind() made by the probe. */
typedef struct pd_bind_result {
	pd_proto proto;
	pd_addr addr;
	uint16_t port;
	bool v6only;    /* IPV6_V6ONLY was set on the test socket */
	bool reuseaddr; /* SO_REUSEADDR was set */
	int err;        /* 0 bound (and listened), or PD_E* */
	int os_code;    /* errno / WSA code, 0 when none */
	char *os_name;  /* "EADDRINUSE", "WSAEACCES", ..., or NULL */
} pd_bind_result;

/* A port a container publishes (or would publish when started). */
typedef struct pd_container_port {
	pd_proto proto;
	pd_addr host_addr; /* family 0 = every address ("" in the engine) */
	uint16_t host_port;
	uint16_t container_port;
} pd_container_port;

/* A container known to a Docker-API engine (Docker, Podman). */
typedef struct pd_container {
	char *id;
	char *name;
	char *image;
	char *state;   /* "running", "created", "exited", "paused", ... */
	char *project; /* com.docker.compose.project, or NULL */
	char *service; /* com.docker.compose.service, or NULL */
	char *engine;  /* "docker", "podman", or NULL */
	char *pod;     /* Podman: the name of its pod, or NULL */
	/* The engine's API address ("unix:///run/user/1000/podman/podman.sock")
	 * when the engine's own CLI, run by this user as it is, would reach
	 * another engine: Podman found through DOCKER_HOST or a docker
	 * context (podman reads neither), or rootless Docker's socket (the
	 * docker CLI's default is the rootful one).  Commands name it (podman
	 * --url, docker -H).  NULL otherwise. */
	char *endpoint;
	pd_container_port *ports;
	size_t n_ports;
} pd_container;

/* A URL registered with http.sys, as `netsh http show servicestate` lists
 * it: that is the live state (not the urlacl reservations), so while it is
 * listed http.sys (PID 4) listens on its port. */
#define PD_HTTP_MAX_PIDS 16
typedef struct pd_http_registration {
	char *url;     /* as written, e.g. "HTTP://+:80/WSMAN/" */
	uint16_t port; /* explicit, or 80 / 443 by scheme */
	int pids[PD_HTTP_MAX_PIDS]; /* processes attached to its request queue */
	size_t n_pids;
} pd_http_registration;

/* A `netsh interface portproxy` rule: the IP Helper service (iphlpsvc)
 * listens on listen_address:listen_port and relays to connect_*.
 * Addresses are kept as written (they may be host names). */
typedef struct pd_portproxy_rule {
	pd_family listen_family; /* "v4tov6": V4 then V6; ANY = not said */
	pd_family connect_family;
	char *listen_address;
	uint16_t listen_port;
	char *connect_address;
	uint16_t connect_port;
} pd_portproxy_rule;

/* A note the probe leaves about what it could not see. */
typedef struct pd_probe_note {
	char *code; /* stable: "not_root", "netlink_failed", ... */
	char *message;
} pd_probe_note;

typedef struct pd_snapshot {
	int schema;
	char *os;       /* "linux", "windows", "macos" */
	char *os_detail; /* kernel release / build */
	char *hostname;
	int64_t taken_at; /* seconds since the epoch */
	bool privileged;  /* root/administrator (elevated) */
	bool can_bind_privileged; /* CAP_NET_BIND_SERVICE or equivalent */
	int64_t uid;      /* -1 unknown */
	bool sockets_complete; /* all sockets were listed, not only some ports */
	bool owners_partial;   /* some owners could not be searched */

	/* Linux: net.ipv4.ip_unprivileged_port_start; -1 unknown/not Linux */
	int unprivileged_port_start;

	pd_socket *sockets;
	size_t n_sockets;
	pd_process *procs;
	size_t n_procs;
	/* procs' indexes sorted by pid (pd_snapshot_index_processes), or NULL;
	 * dropped when a process is added. */
	size_t *proc_index;
	pd_range *dynamic; /* ephemeral / dynamic ranges */
	size_t n_dynamic;
	pd_range *reserved; /* Linux ip_local_reserved_ports */
	size_t n_reserved;
	bool reserved_unknown; /* it could not be read: never "none" */
	pd_range *excluded; /* Windows excluded port ranges */
	size_t n_excluded;
	pd_iface_addr *addrs;
	size_t n_addrs;
	pd_bind_result *binds;
	size_t n_binds;
	pd_probe_note *notes;
	size_t n_notes;
	pd_container *containers;
	size_t n_containers;
	pd_http_registration *http_registrations; /* Windows: http.sys URLs */
	size_t n_http_registrations;
	pd_portproxy_rule *portproxy_rules; /* Windows: netsh portproxy */
	size_t n_portproxy_rules;
	/* The container engine: -1 not asked, 0 absent or not answering,
	 * 1 answered (containers[] is its list). */
	int engine_status;
	/* Which machine this snapshot is of, when portdoctor inside WSL joins
	 * the two: "wsl" or "windows_host" (a static string, not owned);
	 * NULL for the machine portdoctor runs on.  Not in snapshot files. */
	const char *machine;

	/* Windows context; -1 unknown. */
	int winnat_running;
	int hyperv_present;
	int wsl_present;
	int docker_desktop_present;
	/* networkingMode=mirrored in %UserProfile%\.wslconfig: WSL shares
	 * Windows' port space and reserves ports no list shows. */
	int wsl_mirrored;
} pd_snapshot;

pd_snapshot *pd_snapshot_new(void);
void pd_snapshot_free(pd_snapshot *s);
/* Growing arrays; each returns a zeroed element owned by the snapshot. */
int pd_snapshot_add_socket(pd_snapshot *s, pd_socket **ret);
int pd_snapshot_add_process(pd_snapshot *s, pd_process **ret);
int pd_snapshot_add_range(pd_range **arr, size_t *n, const pd_range *r);
int pd_snapshot_add_addr(pd_snapshot *s, const char *ifname, const pd_addr *a,
                         int prefix_len, bool up);
int pd_snapshot_add_bind(pd_snapshot *s, const pd_bind_result *b);
int pd_snapshot_add_note(pd_snapshot *s, const char *code, const char *message);
int pd_socket_add_pid(pd_socket *sk, int pid);
/* Adds n pids (those not there yet, first occurrence kept, in order) in
 * O(m log m) for m pids in all, where pd_socket_add_pid is linear per pid.
 * Does not change owner_status. */
int pd_socket_add_pids(pd_socket *sk, const int *pids, size_t n);
int pd_snapshot_add_container(pd_snapshot *s, pd_container **ret);
int pd_container_add_port(pd_container *c, const pd_container_port *p);
/* Releases what c holds (not c itself) and zeroes it. */
void pd_container_done(pd_container *c);
/* Copy r (its strings too) into the snapshot; n_pids is capped at
 * PD_HTTP_MAX_PIDS.  PD_EINVAL without a url / listen address. */
int pd_snapshot_add_http(pd_snapshot *s, const pd_http_registration *r);
int pd_snapshot_add_portproxy(pd_snapshot *s, const pd_portproxy_rule *r);
/* "v4tov4", "v4tov6", "v6tov4", "v6tov6", or NULL when a family is not
 * known. */
const char *pd_portproxy_kind(const pd_portproxy_rule *r);
/* Binary search once pd_snapshot_index_processes() ran (a socket can list
 * 100,000 pids), else a linear one. */
const pd_process *pd_snapshot_find_process(const pd_snapshot *s, int pid);
int pd_snapshot_index_processes(pd_snapshot *s);
const pd_bind_result *pd_snapshot_find_bind(const pd_snapshot *s, pd_proto p,
                                            const pd_addr *a, uint16_t port);
/* true when a is one of the machine's addresses (wildcards count). */
bool pd_snapshot_has_addr(const pd_snapshot *s, const pd_addr *a);

/* Containers (src/core/containers.c).  Active: running, paused or
 * restarting, which hold their published ports. */
bool pd_container_is_active(const pd_container *c);
/* The container that publishes proto/addr/port on the host (addr NULL or
 * family 0: any address; proto NONE: either), preferring an exact address
 * and an active container; running_only: active ones only.  NULL when
 * none.  Points into s. */
const pd_container *pd_container_publishing(const pd_snapshot *s, pd_proto p,
                                            const pd_addr *a, uint16_t port,
                                            bool running_only);
/* The command that frees or removes what c publishes, quoted for a POSIX
 * shell: verb "stop" gives "docker stop NAME" or, for a Compose service,
 * "docker compose -p PROJECT stop SERVICE" ("podman" for Podman); verb
 * "rm" gives "docker rm NAME" / "docker compose -p P rm -f S"; a Podman
 * container in a pod gives "podman pod stop POD" / "podman pod rm -f POD"
 * (the pod's ports are shared by its members); with c->endpoint the
 * engine is named ("podman --url E stop NAME", "docker -H E stop NAME").
 * Returns PD_ERANGE when buf is too small (the text is cut), PD_EINVAL. */
int pd_container_command(const pd_container *c, const char *verb, char *buf,
                         size_t size);

/* Ceiling on a snapshot document. */
#define PD_SNAPSHOT_MAX_BYTES (64u * 1024u * 1024u)

/* JSON (jansson).  _to_json returns a malloc'ed NUL-terminated string.  On
 * failure of _from_json, err (if not NULL) gets a one-line reason. */
int pd_snapshot_to_json(const pd_snapshot *s, char **ret_text);
int pd_snapshot_from_json(const char *text, size_t len, char *err,
                          size_t errsize, pd_snapshot **ret);

/* --------------------------------------------------------------- targets */

/* One endpoint a bind test is made on. */
typedef struct pd_endpoint {
	pd_proto proto;
	pd_addr addr;
	uint16_t port;
	bool v6only; /* bind with IPV6_V6ONLY (the v6 half of a wildcard) */
} pd_endpoint;

typedef enum pd_host_kind {
	PD_HOST_ALL = 0,   /* bare port: every address, v4 and v6 */
	PD_HOST_ADDR = 1,  /* one literal address */
	PD_HOST_LOCALHOST = 2 /* 127.0.0.1 and ::1 */
} pd_host_kind;

typedef struct pd_target {
	pd_proto proto;
	pd_host_kind host;
	pd_addr addr; /* PD_HOST_ADDR */
	uint16_t port_lo;
	uint16_t port_hi; /* == port_lo for one port */
} pd_target;

#define PD_TARGET_MAX_PORTS 65536
/* Parse "8080", "8080/udp", "3000-3010", "127.0.0.1:8080", "[::1]:8080",
 * "0.0.0.0:53/udp", "localhost:3000", ":8080". */
int pd_target_parse(const char *text, pd_target *ret);
/* Whether socket sk takes the address and port ep wants (same protocol;
 * a dual-stack "::" socket covers every IPv4 address). */
bool pd_socket_overlaps(const pd_endpoint *ep, const pd_socket *sk);
/* The endpoints one port of a target binds: fills up to 2 into out[]. */
size_t pd_target_endpoints(const pd_target *t, uint16_t port,
                           pd_endpoint out[2]);
/* "tcp 8080", "udp 127.0.0.1:53", "tcp [::1]:8080", "tcp localhost:3000" */
int pd_target_format(const pd_target *t, uint16_t port, char *buf,
                     size_t size);

/* -------------------------------------------------------------- findings */

typedef enum pd_severity {
	PD_SEV_INFO = 0,
	PD_SEV_WARNING = 1,
	PD_SEV_ERROR = 2
} pd_severity;

const char *pd_severity_name(pd_severity s);

/* Finding codes: stable names (JSON), default severity, one-line title. */
#define PD_FINDING_MAP(X)                                                      \
	X(IN_USE, "in_use", PD_SEV_ERROR)                                          \
	X(PRIVILEGED_PORT, "privileged_port", PD_SEV_ERROR)                        \
	X(ADDRESS_NOT_LOCAL, "address_not_local", PD_SEV_ERROR)                    \
	X(BIND_DENIED, "bind_denied", PD_SEV_ERROR)                                \
	X(EXCLUDED_RANGE, "excluded_range", PD_SEV_ERROR)                          \
	X(HTTP_SYS, "http_sys", PD_SEV_ERROR)                                      \
	X(PORTPROXY, "portproxy", PD_SEV_ERROR)                                    \
	X(IN_DYNAMIC_RANGE, "in_dynamic_range", PD_SEV_WARNING)                    \
	X(DYNAMIC_RANGE_MISCONFIGURED, "dynamic_range_misconfigured",              \
	  PD_SEV_WARNING)                                                          \
	X(TIME_WAIT, "time_wait", PD_SEV_WARNING)                                  \
	X(WSL_MIRRORED, "wsl_mirrored", PD_SEV_ERROR)                              \
	X(CONTAINER_CONFLICT, "container_conflict", PD_SEV_WARNING)                \
	X(EVIDENCE_MISMATCH, "evidence_mismatch", PD_SEV_WARNING)                  \
	X(COMPOSE_CLASH, "compose_clash", PD_SEV_ERROR)                            \
	X(RESERVED_PORT, "reserved_port", PD_SEV_INFO)                             \
	X(ADMINISTERED_EXCLUSION, "administered_exclusion", PD_SEV_INFO)           \
	X(IPV6_UNAVAILABLE, "ipv6_unavailable", PD_SEV_INFO)                       \
	X(OWNER_UNKNOWN, "owner_unknown", PD_SEV_INFO)                             \
	X(NOT_TESTED, "not_tested", PD_SEV_INFO)

typedef enum pd_finding_code {
#define PD_FINDING_ENUM_(id, name, sev) PD_F_##id,
	PD_FINDING_MAP(PD_FINDING_ENUM_)
#undef PD_FINDING_ENUM_
	PD__F_COUNT
} pd_finding_code;

const char *pd_finding_name(pd_finding_code c);
pd_severity pd_finding_default_severity(pd_finding_code c);
int pd_finding_parse(const char *name, pd_finding_code *ret);

typedef struct pd_finding {
	pd_finding_code code;
	pd_severity severity;
	char *message;        /* one line, English, already formatted */
	pd_endpoint endpoint; /* the endpoint it is about */
	/* Evidence: indexes into the snapshot's arrays (valid while it lives). */
	size_t *sockets;
	size_t n_sockets;
	const pd_range *range; /* the range involved, or NULL */
	const pd_container *container; /* the container behind it, or NULL */
	int bind_err;          /* PD_E* of the bind test, 0 if none */
	int os_code;
	const char *os_name;
	/* http_sys: the URLs registered on the port; portproxy: the rules
	 * listening on it (indexes into the snapshot's arrays). */
	size_t *http_regs;
	size_t n_http_regs;
	size_t *proxy_rules;
	size_t n_proxy_rules;
} pd_finding;

/* The answer for one port of one target. */
typedef struct pd_result {
	pd_target target;
	uint16_t port;
	bool available;
	bool tested; /* every endpoint had a bind test */
	pd_finding *findings;
	size_t n_findings;
} pd_result;

typedef struct pd_report {
	const pd_snapshot *snap; /* borrowed */
	pd_result *results;
	size_t n_results;
} pd_report;

/* Diagnose targets against a snapshot.  The report borrows snap: free the
 * report first.  Fails only on PD_ENOMEM / PD_EINVAL. */
int pd_diagnose(const pd_snapshot *snap, const pd_target *targets,
                size_t n_targets, pd_report **ret);
void pd_report_free(pd_report *r);

/* ---------------------------------------------------------- range checks */

/* A verdict on the machine's port ranges (portdoctor ranges / doctor). */
typedef struct pd_verdict {
	const char *subject; /* static: "dynamic", "reserved", "excluded",
	                        "unprivileged_port_start" */
	pd_severity severity;
	char *message;
	const pd_range *range; /* into the snapshot, or NULL */
} pd_verdict;

int pd_ranges_check(const pd_snapshot *s, pd_verdict **ret, size_t *ret_n);
void pd_verdicts_free(pd_verdict *v, size_t n);

/* The ports developers use most (doctor's list). */
extern const uint16_t pd_common_ports[];
extern const size_t pd_n_common_ports;

/* ---------------------------------------------------------------- render */

typedef struct pd_render_opts {
	bool color;   /* ANSI colours (a terminal, NO_COLOR unset) */
	bool verbose; /* every owner field, every socket */
	bool tcp;     /* list: protocols; both false = both */
	bool udp;
} pd_render_opts;

/* Each returns a malloc'ed NUL-terminated document in *ret. */
int pd_render_check_text(const pd_report *r, const pd_render_opts *o,
                         char **ret);
int pd_render_check_json(const pd_report *r, char **ret);
int pd_render_list_text(const pd_snapshot *s, const pd_render_opts *o,
                        char **ret);
int pd_render_list_json(const pd_snapshot *s, const pd_render_opts *o,
                        char **ret);
/* Where a streamed document goes: 0, or a negative PD_E* that stops it. */
typedef int (*pd_write_fn)(void *ctx, const char *data, size_t len);
/* The same bytes as pd_render_list_json, handed to fn a socket at a time
 * (memory stays flat however many sockets); fn's error is returned. */
int pd_render_list_json_stream(const pd_snapshot *s, const pd_render_opts *o,
                               pd_write_fn fn, void *ctx);
int pd_render_ranges_text(const pd_snapshot *s, const pd_verdict *v, size_t n,
                          const pd_render_opts *o, char **ret);
int pd_render_ranges_json(const pd_snapshot *s, const pd_verdict *v, size_t n,
                          char **ret);
/* doctor: the ranges' verdicts plus a report on the common ports. */
int pd_render_doctor_text(const pd_report *r, const pd_verdict *v, size_t n,
                          const pd_render_opts *o, char **ret);
int pd_render_doctor_json(const pd_report *r, const pd_verdict *v, size_t n,
                          char **ret);
/* ranges, doctor on a terminal: the port space 0-65535 as one line of
 * cells with a legend; marks under the ports of r's results (NULL: the
 * common development ports).  Plain shapes, colour only with o->color. */
int pd_render_picture_text(const pd_snapshot *s, const pd_report *r,
                           const pd_render_opts *o, char **ret);

#ifdef __cplusplus
}
#endif
#endif
