/*
 * src/netsh/: netsh output (dynamic and excluded port ranges in parse.c,
 * http.sys in http.c, portproxy in portproxy.c) -> snapshot data
 * (snapshot.c).  Pure; text in any of the code pages Windows prints.  May
 * include: include/portdoctor, src/core.  Included by: src/probe/win, src/cli
 * (--from-netsh).
 *
 * Parser for the text that Windows netsh prints, as captured by the Windows
 * probe or pasted by a user.  Pure: no OS calls, no I/O, no globals.
 *
 * Understood outputs:
 *   netsh int ipv4|ipv6 show excludedportrange protocol=tcp|udp
 *   netsh int ipv4|ipv6 show dynamicport tcp|udp
 *   netsh interface portproxy show all|v4tov4|v4tov6|v6tov4|v6tov6
 *   netsh http show servicestate [view=requestq]
 *
 * One text may hold several outputs, with or without the command lines (and
 * cmd/PowerShell prompts) that produced them.  Rows are recognised by their
 * shape, never by the translated header words, because netsh writes in the
 * user's language and OEM code page (CP850, GBK, CP932, CP949, ...).
 * UTF-16LE text (PowerShell 5 '>' redirection) is converted first.
 *
 * These declarations are meant to move into include/portdoctor/portdoctor.h.
 */
#ifndef PD_NETSH_H
#define PD_NETSH_H

#include "portdoctor/portdoctor.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longer inputs fail with PD_ETOOBIG: real outputs are a few KiB. */
#define PD_NETSH_MAX_INPUT (4u * 1024u * 1024u)

/* Which netsh output a section of the text is. */
typedef enum pd_netsh_kind {
	PD_NETSH_UNKNOWN = 0,  /* not said; decided by the rows' shape */
	PD_NETSH_EXCLUDED = 1, /* show excludedportrange */
	PD_NETSH_DYNAMIC = 2,  /* show dynamicport */
	PD_NETSH_PORTPROXY = 3, /* interface portproxy show ... */
	PD_NETSH_HTTP = 4,      /* http show servicestate */
	PD_NETSH_OTHER = 5      /* another command: its output is skipped */
} pd_netsh_kind;

/* What the caller knows when the text does not say it: the probe runs each
 * command itself and passes what it asked for.  A zeroed hint (or NULL)
 * means nothing is known.  What the text says wins over the hint. */
typedef struct pd_netsh_hint {
	pd_netsh_kind kind;
	pd_proto proto;
	pd_family family;
} pd_netsh_hint;

/* One output found in the text (started by a command line or a header).
 * An empty list is a section with n_rows == 0: the list was seen empty. */
typedef struct pd_netsh_section {
	pd_netsh_kind kind;
	pd_proto proto;   /* PD_PROTO_NONE: not said */
	pd_family family; /* PD_FAMILY_ANY: not said */
	size_t line;      /* 1-based line where it starts */
	size_t n_rows;    /* rows that belong to it, bad ones included */
} pd_netsh_section;

#define PD_NETSH_ADDR_MAX 64
/* One `portproxy` rule.  Addresses are kept as written (they may be host
 * names); the family comes from the "Listen on ipv4:" header or the vXtovY
 * command word, else from the address' shape, else PD_FAMILY_ANY. */
typedef struct pd_netsh_portproxy {
	pd_family listen_family;
	char listen_addr[PD_NETSH_ADDR_MAX];
	uint16_t listen_port;
	pd_family connect_family;
	char connect_addr[PD_NETSH_ADDR_MAX];
	uint16_t connect_port;
} pd_netsh_portproxy;

#define PD_NETSH_URL_MAX 256
#define PD_NETSH_MAX_PIDS 16
/* One URL registered with http.sys, and the processes attached to its
 * request queue ("Process IDs:" or "Processes:", listed before the
 * queue's URLs).  A
 * URL listed twice (server session view, then request queue) is kept once.
 * URLs longer than PD_NETSH_URL_MAX - 1 are cut; pids past
 * PD_NETSH_MAX_PIDS are dropped. */
typedef struct pd_netsh_url {
	char url[PD_NETSH_URL_MAX]; /* as written, e.g. "HTTP://+:80/WSMAN/" */
	uint16_t port;              /* explicit, or 80 / 443 by scheme */
	bool https;
	int pids[PD_NETSH_MAX_PIDS];
	size_t n_pids;
} pd_netsh_url;

#define PD_NETSH_IMAGE_MAX 260
#define PD_NETSH_SERVICES_MAX 128
/* A process attached to a request queue, as Windows 10/11 list it under
 * "Processes:": "ID: 2688, image: C:\Windows\System32\svchost.exe", then
 * "Services: NcHostAgent" when it hosts services.  The older layout
 * ("Process IDs:" then bare numbers) names no image and gives none of
 * these.  Each pid once, in text order. */
typedef struct pd_netsh_proc {
	int pid;
	char image[PD_NETSH_IMAGE_MAX];       /* "" when shown as "<?>" */
	char services[PD_NETSH_SERVICES_MAX]; /* "" when none listed */
} pd_netsh_proc;

typedef struct pd_netsh_result {
	pd_range *excluded; /* in text order; administered = '*' */
	size_t n_excluded;
	pd_range *dynamic; /* end = start + count - 1 */
	size_t n_dynamic;
	pd_netsh_section *sections;
	size_t n_sections;
	pd_netsh_portproxy *proxies;
	size_t n_proxies;
	pd_netsh_url *urls;
	size_t n_urls;
	pd_netsh_proc *procs; /* request queue owners with their image */
	size_t n_procs;
	/* Rows of the right shape whose numbers failed the range checks
	 * (port > 65535, start > end, count 0, start + count > 65536, a start
	 * without its count, ...).  They are skipped, not fatal. */
	size_t n_bad_rows;
	size_t first_bad_line; /* 1-based, 0 when none */
} pd_netsh_result;

/*
 * Parse netsh output: text[0..len) need not be NUL-terminated and is never
 * read past len.  hint may be NULL.  On success *ret_result is filled and the
 * caller releases it with pd_netsh_result_done().  Fails with PD_EINVAL
 * (NULL arguments), PD_ETOOBIG (len > PD_NETSH_MAX_INPUT), PD_ENOMEM, or
 * PD_EPARSE when no netsh output at all was recognised; *ret_result is then
 * untouched.
 */
int pd_netsh_parse(const char *text, size_t len, const pd_netsh_hint *hint,
                   pd_netsh_result *ret_result);

/* Frees what r holds and zeroes it; r itself is the caller's.  NULL is ok. */
void pd_netsh_result_done(pd_netsh_result *r);

/*
 * Append the excluded and dynamic ranges of r to s->excluded and s->dynamic
 * (pd_snapshot_add_range), its URLs to s->http_registrations, its
 * portproxy rules to s->portproxy_rules and its request queue owners to
 * s->procs when the snapshot has no process of that pid yet (snapshot.c).
 * On
 * failure (PD_ENOMEM) the snapshot is restored, so nothing of r is
 * half-added.
 */
int pd_netsh_result_to_snapshot(const pd_netsh_result *r, pd_snapshot *s);

#ifdef __cplusplus
}
#endif
#endif
