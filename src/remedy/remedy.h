/*
 * src/remedy/: findings -> plans of concrete commands (remedy.c), per OS
 * (linux.c, win.c), for holders (holders.c) and as advice (advice.c).  Pure.
 * May include: src/core.  Included by: src/probe (applying a plan),
 * src/render (showing it), src/cli.
 *
 * Remedies: what to do about an unavailable port, as plain data.
 *
 * A plan is built from a snapshot and the diagnosis of one port (pure, in
 * remedy.c).  It lists remedies best first; each remedy has a stable id,
 * what it does, its side effects, whether it needs root/administrator or a
 * reboot, and steps that are data, not code: a program and its argument
 * vector, a file to write, a sysctl to set, ports to reserve, a process to
 * signal, or a note for a person.  Rendering is in render/fix.c; carrying
 * a step out is the actuator's job (src/probe/linux/apply.c, probe/win/apply.c),
 * the only code that changes the system.
 *
 * To be folded into include/portdoctor/portdoctor.h.
 */
#ifndef PD_REMEDY_H
#define PD_REMEDY_H

#include "portdoctor/portdoctor.h"

/* Remedy ids: stable (JSON, --remedy). */
#define PD_REMEDY_MAP(X)                                                       \
	X(STOP_CONTAINER, "stop_container")                                        \
	X(RESOLVED_STUB_OFF, "resolved_stub_off")                                  \
	X(STOP_UNIT, "stop_unit")                                                  \
	X(STOP_PROCESS, "stop_process")                                            \
	X(REMOVE_PORTPROXY, "remove_portproxy")                                    \
	X(STOP_HTTP_SYS_USER, "stop_http_sys_user")                                \
	X(SETCAP_BIND_SERVICE, "setcap_bind_service")                              \
	X(LOWER_UNPRIVILEGED_PORT_START, "lower_unprivileged_port_start")          \
	X(RESET_DYNAMIC_RANGE, "reset_dynamic_range")                              \
	X(RESTART_WINNAT, "restart_winnat")                                        \
	X(RESERVE_PORT, "reserve_port")                                            \
	X(UNRESERVE_PORT, "unreserve_port")                                        \
	X(ADD_EXCLUDED_RANGE, "add_excluded_range")                                \
	X(DELETE_EXCLUDED_RANGE, "delete_excluded_range")                          \
	X(USE_LOCAL_ADDRESS, "use_local_address")                                  \
	X(WAIT_TIME_WAIT, "wait_time_wait")                                        \
	X(FIND_OWNER, "find_owner")                                                \
	X(SHUTDOWN_WSL_MIRRORED, "shutdown_wsl_mirrored")                          \
	X(USE_OTHER_PORT, "use_other_port")

typedef enum pd_remedy_id {
#define PD_REMEDY_ENUM_(id, name) PD_R_##id,
	PD_REMEDY_MAP(PD_REMEDY_ENUM_)
#undef PD_REMEDY_ENUM_
	PD__R_COUNT
} pd_remedy_id;

const char *pd_remedy_name(pd_remedy_id id);
int pd_remedy_parse(const char *name, pd_remedy_id *ret);

typedef enum pd_step_kind {
	PD_STEP_RUN = 0,        /* argv[0] with argv, no shell */
	PD_STEP_WRITE_FILE = 1, /* content to path, atomically */
	PD_STEP_SYSCTL = 2,     /* value to net.* name, at run time */
	PD_STEP_RESERVE = 3,    /* ranges into (or out of)
	                           ip_local_reserved_ports, merged with what is
	                           there; the result persisted to path */
	PD_STEP_KILL = 4,       /* signal pid, if it still started at
	                           start_time; wait for it to end */
	PD_STEP_MANUAL = 5      /* something for a person: text */
} pd_step_kind;

const char *pd_step_kind_name(pd_step_kind k);

typedef struct pd_step {
	pd_step_kind kind;
	char *text; /* one line: what this step does */
	/* RUN */
	char **argv; /* NULL-terminated */
	size_t argc;
	/* WRITE_FILE, RESERVE: the file (root already prepended) */
	char *path;
	char *content; /* WRITE_FILE */
	/* SYSCTL */
	char *name;  /* "net.ipv4.ip_unprivileged_port_start" */
	char *value; /* "80" */
	/* RESERVE */
	pd_range *ranges;
	size_t n_ranges;
	bool remove;
	char *preview; /* the list it would give now (for display) */
	char *lock_path; /* flock'ed while the list is read, merged, written */
	/* KILL */
	int pid;
	int64_t start_time; /* -1 unknown: then only the name is checked */
	char *proc_name;    /* the name it must still have, or NULL */
	int signal;         /* Linux numbering: 15 TERM, 9 KILL, ... */
	/* A step that puts back what an earlier step of its remedy changed
	 * (`net start winnat` after `net stop winnat`).  It runs even when a
	 * step between them failed, but only when the step it undoes (1-based
	 * index, 0: none) ran and changed something. */
	bool always;
	size_t undoes;
} pd_step;

typedef struct pd_remedy {
	pd_remedy_id id;
	char *title;
	char *what;         /* what it does */
	char *side_effects; /* or NULL */
	bool needs_root;    /* root / an elevated administrator */
	bool needs_reboot;
	bool changes_system; /* false: advice only, nothing to apply */
	bool with_next;      /* applying it goes on with the next remedy */
	char *refusal;       /* why portdoctor will not apply it, or NULL */
	pd_step *steps;
	size_t n_steps;
} pd_remedy;

/* The remedies for one port of one target. */
typedef struct pd_plan {
	pd_target target;
	uint16_t port;
	bool available;
	pd_remedy *remedies;
	size_t n_remedies;
} pd_plan;

typedef struct pd_plan_opts {
	/* Persistent files go under this directory ("/" when NULL). */
	const char *root;
	/* A free port outside every range, for use_other_port (0: none). */
	uint16_t other_port;
	/* The program to grant cap_net_bind_service (setcap), or NULL. */
	const char *binary;
	/* On Windows, restart_winnat also adds the port as an administered
	 * exclusion (so WinNAT cannot take it again). */
	bool no_reserve;
	/* The signal for stop_process (0: SIGTERM). */
	int signal;
	/* Processes never to end: portdoctor itself and its parent. */
	int self_pid;
	int parent_pid;
} pd_plan_opts;

/* Builds the plan for res (from pd_diagnose on s).  An available port
 * gives an empty plan.  The plan borrows nothing: free it with
 * pd_plan_free.  Fails only with PD_ENOMEM or PD_EINVAL. */
int pd_plan_build(const pd_snapshot *s, const pd_result *res,
                  const pd_plan_opts *o, pd_plan **ret);

/* kill: the remedies that end what holds res's port (stop_container,
 * stop_process; refusals for PID 1, kernel threads, portdoctor itself and
 * the system's critical services). */
int pd_plan_kill(const pd_snapshot *s, const pd_result *res,
                 const pd_plan_opts *o, pd_plan **ret);

/* reserve: protect (or with remove, release) ports.  Linux:
 * ip_local_reserved_ports at run time and in ROOT/etc/sysctl.d; Windows:
 * administered excluded ranges for proto (winnat stopped meanwhile).
 * Ports already in that state are dropped; nothing left gives an empty
 * plan (n_remedies 0). */
int pd_plan_reserve(const pd_snapshot *s, const pd_range *ranges, size_t n,
                    bool remove, pd_proto proto, const pd_plan_opts *o,
                    pd_plan **ret);

void pd_plan_free(pd_plan *p);

/* Index of the remedy with this id in p, or -1. */
int pd_plan_find(const pd_plan *p, pd_remedy_id id);

/* ip_local_reserved_ports editing: cur plus (or minus) chg, sorted and
 * merged into "8080,9000-9010" (malloc'ed; "" for none). */
int pd_portlist_edit(const pd_range *cur, size_t n_cur, const pd_range *chg,
                     size_t n_chg, bool remove, char **ret_text);

/* The persistent sysctl files portdoctor writes (below the root). */
#define PD_SYSCTL_RESERVED_FILE "/etc/sysctl.d/90-portdoctor-reserved-ports.conf"
/* Serializes reserve runs that share a root (the kernel list and the file
 * are read, merged and written as one). */
#define PD_RESERVE_LOCK_FILE "/run/lock/portdoctor-reserved-ports.lock"
#define PD_SYSCTL_UNPRIV_FILE                                                  \
	"/etc/sysctl.d/90-portdoctor-unprivileged-port-start.conf"
#define PD_RESOLVED_DROPIN_FILE                                                \
	"/etc/systemd/resolved.conf.d/90-portdoctor-no-stub-listener.conf"

/* Contents of the persistent reserved-ports file for a list. */
int pd_reserved_file_content(const char *list, char **ret_text);

/* Signal names (Linux numbering): "TERM", "SIGKILL", "9" -> number. */
int pd_signal_parse(const char *text, int *ret_sig);
const char *pd_signal_name(int sig); /* "TERM", or NULL */

/* Why a port is not a good free port: writes the reason and returns false,
 * or returns true when nothing in s stands against it (a bind test must
 * still confirm).  Checks sockets on the port (any state), the dynamic,
 * reserved and excluded ranges, and the unprivileged port start. */
bool pd_free_candidate(const pd_snapshot *s, pd_proto proto, uint16_t port,
                       char *why, size_t whysize);

/* --------------------------------------------------------------- render */

/* The outcome of applying a plan (fix --apply, kill, reserve --apply). */
typedef struct pd_outcome {
	bool attempted;
	const char *remedy; /* id of what was applied, or NULL */
	int err;            /* 0, or the PD_E* of the failed step */
	char *log;          /* what the steps printed (NULL: nothing) */
	/* The step that failed: its remedy's id (NULL: none failed), its
	 * number in that remedy (1-based), its command and why. */
	const char *failed_remedy;
	size_t failed_step;
	char failed_command[512];
	char failed_error[512];
	/* The "always" steps that ran after the failure to put things back,
	 * and the command of the first of them that failed too ("" none):
	 * what a person must run now. */
	size_t n_restored;
	char run_now[512];
	bool before_available;
	bool after_known;
	bool after_available;
	const pd_result *after; /* the re-check, or NULL */
} pd_outcome;

/* Text and JSON (schema portdoctor.<kind>.v1, kind "fix", "kill",
 * "reserve") of plans, with their outcomes when out is not NULL (one per
 * plan). */
int pd_render_plans_text(const pd_plan *const *plans, size_t n,
                         const pd_snapshot *s, const pd_render_opts *o,
                         char **ret);
int pd_render_plans_json(const char *kind, const pd_plan *const *plans,
                         size_t n, const pd_outcome *out, char **ret);
/* The quoted command line of a step, as a person would type it (POSIX
 * shell quoting), or its description for non-RUN steps. */
int pd_step_command(const pd_step *st, char **ret);

/* watch: one line for an event (text), or one JSON object line. */
typedef struct pd_watch_event {
	int64_t time;
	const char *target; /* "tcp 8080" */
	uint16_t port;
	const char *event; /* "free", "taken", "released", "reserved",
	                      "unreserved", "excluded", "unexcluded",
	                      "dynamic_range" */
	const char *detail; /* holders, range; may be NULL */
	const int *pids;
	size_t n_pids;
} pd_watch_event;

int pd_render_watch_text(const pd_watch_event *e, char **ret);
int pd_render_watch_json(const pd_watch_event *e, char **ret);

/* free: the ports found, and with verbose the skipped ones. */
typedef struct pd_free_skip {
	uint16_t port;
	char reason[160];
} pd_free_skip;

int pd_render_free_text(const uint16_t *ports, size_t n,
                        const pd_free_skip *skips, size_t n_skips,
                        char **ret);
int pd_render_free_json(pd_proto proto, int near, uint16_t lo, uint16_t hi,
                        const uint16_t *ports, size_t n,
                        const pd_free_skip *skips, size_t n_skips,
                        char **ret);

#endif
