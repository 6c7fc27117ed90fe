/*
 * src/cli/: the command line: options, usage, one file per command family,
 * the only code that prints or exits.  May include: every folder's public
 * header, src/probe.  Included by: nothing.
 *
 * The command-line front end: the only code that prints or exits.
 */
#ifndef PD_CLI_H
#define PD_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "core/buf.h"
#include "portdoctor/portdoctor.h"
#include "probe/probe.h"

/* Exit statuses (docs/portdoctor.1.md). */
enum {
	EXIT_OK = 0,          /* every target available, nothing wrong */
	EXIT_UNAVAILABLE = 1, /* some target unavailable / something wrong */
	EXIT_USAGE = 2,       /* usage or input error */
	EXIT_PROBE = 3        /* the machine could not be inspected */
};

typedef struct cli_opts {
	const char *command;
	bool json;
	bool verbose;
	bool tcp;
	bool udp;
	bool help;
	bool version;
	int color; /* -1 auto, 0 never, 1 always */
	const char *snapshot_path;
	const char *output_path;
	const char *input_path; /* -f FILE (explain) */
	bool offline;           /* explain: do not check this machine */
	bool no_engine;         /* --no-engine: do not ask Docker/Podman */
	/* --from-netsh FILE (repeatable; "-" = standard input) */
	const char **netsh_paths;
	size_t n_netsh_paths;
	/* compose: -f FILE (each one, also in input_path), --profile NAME,
	 * --env-file FILE, --project-directory DIR, -p NAME */
	const char **compose_files;
	size_t n_compose_files;
	const char **profiles;
	size_t n_profiles;
	const char *env_file;
	const char *project_dir;
	const char *project_name;
	/* fix, reserve, kill, free, watch (fix.c, watch.c) */
	bool apply;        /* --apply: change the system */
	bool yes;          /* --yes: no confirmation prompt */
	bool remove;       /* reserve --remove */
	bool no_reserve;   /* fix on Windows: restart winnat without reserving */
	bool until_free;   /* watch --until-free */
	bool until_taken;  /* watch --until-taken */
	bool hooks;        /* docker-plugin install --hooks */
	bool picture;      /* --picture: ranges, doctor draw the port space */
	const char *remedy_id;  /* --remedy ID */
	const char *root_dir;   /* --root DIR (else $PORTDOCTOR_ROOT, "/") */
	const char *signal_name; /* kill --signal SIG */
	const char *binary;     /* fix --binary PATH (setcap) */
	const char *count_text; /* free --count N */
	const char *near_text;  /* free --near P */
	const char *range_text; /* free --range LO-HI */
	const char *interval_text; /* watch --interval SECONDS */
	const char *windows_exe;   /* --windows-exe PATH (inside WSL) */
	const char *lang;       /* --lang zh_CN|en (src/cli/lang.c) */
	char **args; /* operands after the command */
	size_t n_args;
} cli_opts;

typedef struct cli_command {
	const char *name;
	int (*run)(const cli_opts *o);
} cli_command;

/* NULL when name is no command. */
const cli_command *cli_find_command(const char *name);
int cli_parse(int argc, char **argv, cli_opts *o, char *err, size_t errsize);
/* Sets the locale and the language of messages (src/cli/lang.c): --lang
 * (read from argv here, before anything is printed), else the
 * environment; -1 with err for an unknown --lang. */
int cli_lang_init(int argc, char **argv, char *err, size_t errsize);
/* Machine output (--json, snapshot): English messages, UTF-8 bytes. */
void cli_lang_machine_output(void);
/* Standard output and error convert UTF-8 to the charset cs from now on
 * (src/cli/charset.c); -1 when cs cannot hold Chinese or the C library
 * cannot wrap a stream (nothing changed then). */
int cli_charset_convert(const char *cs);
/* Back to writing UTF-8 unconverted. */
void cli_charset_restore(void);
void cli_usage(const char *command, bool to_stderr);

/* Output: writes a whole document to stdout, or says why it could not
 * (-1).  1 when the reader went away (EPIPE, SIGPIPE ignored): not an
 * error, but nothing more will be read. */
int cli_write_stdout(const char *text);
void cli_error(const char *fmt, ...) PD_PRINTF(1, 2);
/* Writes text to path atomically (temporary file, then rename). */
int cli_write_file(const char *path, const char *text);
bool cli_color(const cli_opts *o);
/* ranges, doctor: prints the port space on a terminal or with --picture
 * (not with --json); returns an exit status. */
int cli_picture(const cli_opts *o, const pd_snapshot *s,
                const pd_report *r);
/* Text for people, to stdout or stderr, through cli_write(): UTF-8 bytes,
 * or on a Windows console its UTF-16 interface.  -1 on a write error. */
int cli_write(FILE *f, const char *text, size_t n);
int cli_printf(const char *fmt, ...) PD_PRINTF(1, 2);
int cli_fprintf(FILE *f, const char *fmt, ...) PD_PRINTF(2, 3);

/* The Windows console (wincon.c); elsewhere they do nothing.
 * cli_os_args: argv rebuilt in UTF-8 from the UTF-16 command line (0, or
 * -1 when it cannot be read).  cli_console_write: 1 when f is a console
 * and the text went through WriteConsoleW, 0 when f is no console (write
 * the bytes), -1 when writing to the console failed.  cli_console_color_ok:
 * false on a console that cannot take escape codes.  cli_console_alone:
 * the process is alone on its console (started from Explorer).
 * cli_console_key: waits for a key.  cli_run_elevated: runs portdoctor
 * again elevated (UAC) with args, or NULL for this run's exact arguments,
 * and waits: 0 with *ret_exit, 1 when the user declined, -1 on failure.
 * cli_relaunched: this run is such a relaunch (it must not offer one).
 * cli_console_read: when standard input is a console, reads it as UTF-16
 * up to Ctrl-Z (at most max UTF-16 units, given as UTF-8):
 * 1 with a malloc'ed text, 0 when stdin is no console, -1 on failure.
 * cli_elevated: this process runs elevated (its token says so). */
#ifdef _WIN32
int cli_os_args(int *argc, char ***argv);
int cli_console_write(FILE *f, const char *s, size_t n);
bool cli_console_color_ok(void);
bool cli_console_alone(void);
int cli_console_key(void);
int cli_run_elevated(const char *args, int *ret_exit);
bool cli_relaunched(void);
int cli_console_read(size_t max, char **ret, size_t *ret_len);
bool cli_elevated(void);
#else
static inline int cli_os_args(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}
static inline int cli_console_write(FILE *f, const char *s, size_t n)
{
	(void)f;
	(void)s;
	(void)n;
	return 0;
}
static inline bool cli_console_color_ok(void) { return true; }
static inline bool cli_console_alone(void) { return false; }
static inline bool cli_relaunched(void) { return false; }
static inline bool cli_elevated(void) { return false; }
static inline int cli_console_read(size_t max, char **ret, size_t *ret_len)
{
	(void)max;
	(void)ret;
	(void)ret_len;
	return 0;
}
static inline int cli_console_key(void) { return 0; }
static inline int cli_run_elevated(const char *args, int *ret_exit)
{
	(void)args;
	(void)ret_exit;
	return -1;
}
#endif

/* Targets with what the probe must look at for them (commands.c). */
typedef struct plan {
	pd_target *targets;
	size_t n_targets;
	pd_endpoint *binds;
	size_t n_binds;
	pd_range *ports;
	size_t n_ports;
} plan;

/* Parses the operands as targets (at most max_ports ports in all);
 * returns an exit status (0 on success) and has said why. */
int plan_from_args(const cli_opts *o, size_t max_ports, plan *p);
/* Probe options for a plan: its bind tests and ports, owners, and the
 * container engine unless --no-engine. */
void plan_probe_opts(const plan *p, const cli_opts *o, pd_probe_opts *ret);
/* Adds a target with its bind tests and ports; -1 when out of memory. */
int plan_add(plan *p, const pd_target *t);
void plan_done(plan *p);
/* The snapshot to work on: --snapshot FILE, or this machine probed with
 * po.  Returns an exit status (0 on success) and has said why. */
int acquire(const cli_opts *o, const pd_probe_opts *po, pd_snapshot **ret);
/* Prints a rendered document (r < 0: rendering failed), frees it, and
 * returns an exit status. */
int emit(int r, char *text);

/* A snapshot of a Windows machine built from pasted netsh output
 * (--from-netsh); prints its own errors and returns an EXIT_* status. */
int cli_netsh_snapshot(const char *const *paths, size_t n, pd_snapshot **ret);

int cmd_check(const cli_opts *o);
int cmd_list(const cli_opts *o);
int cmd_ranges(const cli_opts *o);
int cmd_snapshot(const cli_opts *o);
int cmd_doctor(const cli_opts *o);
/* doctor, telling also whether a port it checked is unavailable (what
 * `fix` can act on). */
int cmd_doctor_ex(const cli_opts *o, bool *ret_port_unavailable);
int cmd_compose(const cli_opts *o);
int cmd_explain(const cli_opts *o);
int cmd_fix(const cli_opts *o);
int cmd_reserve(const cli_opts *o);
int cmd_kill(const cli_opts *o);
int cmd_free(const cli_opts *o);
int cmd_watch(const cli_opts *o);
int cmd_docker_plugin(const cli_opts *o); /* docker/plugin.c */
int cmd_completion(const cli_opts *o);    /* completion.c */

/* Inside WSL (wsl.c): the Windows host seen through interop. */
typedef struct cli_wsl {
	pd_wsl w;
	bool active;      /* in WSL, probing live: the Windows side is asked */
	pd_snapshot *win; /* the Windows host's snapshot, or NULL */
	const char *via;  /* "portdoctor.exe" or "netsh.exe" */
	char exe[512];    /* the portdoctor.exe that answered */
	char note[768];   /* why the Windows side is missing or partial */
	/* Mirrored networking: ports held by a process inside WSL, which
	 * keeps them from the Windows host too (cli_wsl_held_inside). */
	struct {
		uint16_t port;
		pd_proto proto;
		int pid;
		char name[64];
	} held[8];
	size_t n_held;
} cli_wsl;

/* Looks for WSL and, there, asks the Windows side about the targets
 * (portdoctor.exe snapshot TARGET..., else netsh.exe's port ranges);
 * never fails: what is missing becomes c->note.  targets may be empty
 * (the common development ports).  cli_wsl_done releases it. */
void cli_wsl_begin(const cli_opts *o, char **targets, size_t n, cli_wsl *c);
void cli_wsl_done(cli_wsl *c);
/* The heading of one machine's part of the output, and the lines that
 * say what WSL is and how the Windows side was reached. */
void cli_wsl_heading(const cli_wsl *c, bool windows, pd_buf *b);
/* With mirrored networking, notes the ports of rep (this side's report)
 * that a process inside WSL holds: the Windows host cannot bind them
 * either, and the cause to fix is inside WSL.  True when there is one. */
bool cli_wsl_held_inside(cli_wsl *c, const pd_report *rep);
/* JSON: {"version":..,"distro":..,"networking_mode":..,...}; NULL with
 * *err set when out of memory. */
json_t *cli_wsl_json(const cli_wsl *c, int *err);
/* Writes both machines' outputs (here: this side's, rendered with status
 * r_here; win: the Windows side's, or NULL) as one text under headings,
 * or with --json as one document {"wsl": ..., "machines": {"wsl": ...,
 * "windows_host": ...}}.  Frees both; an exit status, as emit(). */
int cli_wsl_emit(const cli_opts *o, const cli_wsl *c, int r_here,
                 char *here, int r_win, char *win);
/* fix inside WSL: when the Windows host holds the cause, replaces *s and
 * *rep (this side's) with the Windows host's, so that the plan is made of
 * Windows commands and nothing of WSL's own changes; true then.  w is
 * begun here either way (cli_wsl_done releases it). */
bool cli_wsl_fix_side(const cli_opts *o, const plan *p, cli_wsl *w,
                      pd_snapshot **s, pd_report **rep);
/* Says, before the plan, that the cause and the fix are the Windows
 * host's. */
void cli_wsl_fix_heading(const cli_wsl *w);
/* fix --apply for the Windows host: portdoctor.exe fix TARGET... --apply
 * --yes through interop (it asks for elevation on the Windows desktop),
 * then the Windows side looked at again.  An exit status. */
int cli_wsl_apply(const cli_opts *o, cli_wsl *w, const plan *p);

#endif
