/*
 * src/explain/: pasted error messages -> errors (class, endpoint, tool, OS
 * error), the OS error table (oserror.c), and what an error means
 * (explain.c).  Pure.  May include: src/core.  Included by: src/render,
 * src/cli.
 *
 * Error-message parsing: pasted text -> the port-binding failures in it, and
 * the table of OS socket errors (errno, Winsock) behind them.
 *
 * Pure: no OS headers, no I/O, no globals.  The lead folds these
 * declarations into include/portdoctor/portdoctor.h later.
 */
#ifndef PD_ERRMSG_H
#define PD_ERRMSG_H

#include <stdbool.h>
#include <stddef.h>

#include "portdoctor/portdoctor.h"

/* ------------------------------------------------------- error classes */

/* Why a bind failed, as far as the text says.  Names are stable (JSON). */
#define PD_ERRCLASS_MAP(X)                                                     \
	X(UNKNOWN, "unknown")                                                      \
	X(IN_USE, "in_use")                                                        \
	X(ACCESS_DENIED, "access_denied")                                          \
	X(ADDRESS_NOT_AVAILABLE, "address_not_available")                          \
	X(PRIVILEGED, "privileged")                                                \
	X(ALREADY_ALLOCATED, "already_allocated")

typedef enum pd_errclass {
#define PD_ERRCLASS_ENUM_(id, name) PD_ERRCLASS_##id,
	PD_ERRCLASS_MAP(PD_ERRCLASS_ENUM_)
#undef PD_ERRCLASS_ENUM_
	PD__ERRCLASS_COUNT
} pd_errclass;

/* Stable name; "unknown" for out-of-range values. */
const char *pd_errclass_name(pd_errclass c);
/* Name -> class.  0, or PD_EINVAL (ret untouched). */
int pd_errclass_parse(const char *name, pd_errclass *ret);

/* ----------------------------------------------------- OS socket errors */

/* Numbering schemes an OS error code can come in. */
typedef enum pd_osfam {
	PD_OSFAM_LINUX = 0,   /* Linux errno */
	PD_OSFAM_BSD = 1,     /* macOS / BSD errno */
	PD_OSFAM_WINSOCK = 2, /* WSA* codes, 10000..11999 */
	PD_OSFAM_LIBUV_WIN = 3 /* libuv on Windows: UV_EADDRINUSE = -4091 ... */
} pd_osfam;

/* Symbolic socket errors that matter for binding, with their numbers in
 * each scheme (0 = no such code there) and the class they mean. */
#define PD_OSERR_MAP(X)                                                        \
	X(ACCES, "EACCES", "WSAEACCES", 13, 13, 10013, -4092,                       \
	  PD_ERRCLASS_ACCESS_DENIED, "Permission denied",                          \
	  "An attempt was made to access a socket in a way forbidden by its "      \
	  "access permissions.")                                                   \
	X(PERM, "EPERM", NULL, 1, 1, 0, -4048, PD_ERRCLASS_ACCESS_DENIED,            \
	  "Operation not permitted", NULL)                                         \
	X(ADDRINUSE, "EADDRINUSE", "WSAEADDRINUSE", 98, 48, 10048, -4091,           \
	  PD_ERRCLASS_IN_USE, "Address already in use",                            \
	  "Only one usage of each socket address (protocol/network "               \
	  "address/port) is normally permitted.")                                  \
	X(ADDRNOTAVAIL, "EADDRNOTAVAIL", "WSAEADDRNOTAVAIL", 99, 49, 10049, -4090,  \
	  PD_ERRCLASS_ADDRESS_NOT_AVAILABLE, "Cannot assign requested address",    \
	  "The requested address is not valid in its context.")                   \
	X(AFNOSUPPORT, "EAFNOSUPPORT", "WSAEAFNOSUPPORT", 97, 47, 10047, -4089,     \
	  PD_ERRCLASS_UNKNOWN, "Address family not supported by protocol",         \
	  "An address incompatible with the requested protocol was used.")         \
	X(INVAL, "EINVAL", "WSAEINVAL", 22, 22, 10022, -4071, PD_ERRCLASS_UNKNOWN,  \
	  "Invalid argument", "An invalid argument was supplied.")                 \
	X(NOBUFS, "ENOBUFS", "WSAENOBUFS", 105, 55, 10055, -4060,                   \
	  PD_ERRCLASS_UNKNOWN, "No buffer space available",                        \
	  "An operation on a socket could not be performed because the system "    \
	  "lacked sufficient buffer space or because a queue was full.")           \
	X(NETDOWN, "ENETDOWN", "WSAENETDOWN", 100, 50, 10050, 0,                    \
	  PD_ERRCLASS_UNKNOWN, "Network is down",                                  \
	  "A socket operation encountered a dead network.")

typedef enum pd_oserr_id {
#define PD_OSERR_ENUM_(id, n, wn, lx, bsd, ws, uv, cls, t, wt) PD_OSERR_##id,
	PD_OSERR_MAP(PD_OSERR_ENUM_)
#undef PD_OSERR_ENUM_
	PD__OSERR_COUNT
} pd_oserr_id;

typedef struct pd_oserror {
	pd_oserr_id id;
	const char *name;      /* errno name: "EADDRINUSE" */
	const char *wsa_name;  /* "WSAEADDRINUSE", or NULL */
	int code[4];           /* indexed by pd_osfam; 0 = none */
	pd_errclass error_class;
	const char *text;      /* English strerror() (glibc wording) */
	const char *wsa_text;  /* English FormatMessage() text, or NULL */
} pd_oserror;

/* One known wording of an OS error (any language, any OS). */
typedef struct pd_oserror_text {
	pd_oserr_id id;
	const char *lang;  /* "en", "zh-CN", "de", ... */
	bool winsock;      /* FormatMessage wording: implies a Windows host */
	bool prefix;       /* only the start of a longer sentence */
	const char *text;  /* ASCII case-insensitive; ' ' matches any blanks */
} pd_oserror_text;

/* The entry for an id (never NULL for a valid id). */
const pd_oserror *pd_oserror_get(pd_oserr_id id);
/* Entry whose code in scheme fam is code, or NULL. */
const pd_oserror *pd_oserror_by_code(pd_osfam fam, int code);
/* "EADDRINUSE", "WSAEADDRINUSE" (exact case), len bytes.  NULL if unknown;
 * *ret_winsock (may be NULL) tells which of the two names matched. */
const pd_oserror *pd_oserror_by_name(const char *name, size_t len,
                                     bool *ret_winsock);
/* The wording table (read-only, static storage). */
const pd_oserror_text *pd_oserror_texts(size_t *ret_n);
/* Length of the match of wording t at text[0..len), or 0. */
size_t pd_oserror_text_match(const pd_oserror_text *t, const char *text,
                             size_t len);
/* Is text[0..len) a cut-off start of wording t (not all of it)? */
bool pd_oserror_text_is_prefix(const pd_oserror_text *t, const char *text,
                               size_t len);
/* Leftmost known wording in text[0..len).  Returns the wording or NULL and
 * sets *ret_off / *ret_len (either may be NULL) to the match. */
const pd_oserror_text *pd_oserror_find_text(const char *text, size_t len,
                                            size_t *ret_off, size_t *ret_len);
/* Name to show for an entry in a scheme: wsa_name for PD_OSFAM_WINSOCK. */
const char *pd_oserror_name_in(const pd_oserror *e, pd_osfam fam);

/* ------------------------------------------------------ message parser */

/* Limits: longer input is PD_ETOOBIG; failures past MAX_RESULTS are
 * counted (pd_errmsg_parse_total) but not returned. */
#define PD_ERRMSG_MAX_INPUT (1024u * 1024u)
#define PD_ERRMSG_MAX_RESULTS 64
#define PD_ERRMSG_MAX_TEXT 1024 /* bytes kept of a failure's own text */

/* One port-binding failure found in the text.  Every field is what the
 * text says; a field the text does not give is NULL / -1 / PD_PROTO_NONE. */
typedef struct pd_errmsg {
	char *text;      /* the failure's own line(s), normalized, trimmed */
	char *tool;      /* "docker-desktop", "docker", "podman", "compose",
	                    "kind", "k3d", "minikube", "nginx", "apache",
	                    "node", "go", "java", "dotnet", "python", "ruby",
	                    "php", "redis", "postgres", "mysql", "dnsmasq",
	                    "ssh", "kubeadm", or NULL */
	char *service;   /* compose service, or NULL */
	char *container; /* container / Docker endpoint name, or NULL */
	char *address;   /* host as written, canonical: "0.0.0.0", "::",
	                    "127.0.0.1", "localhost"; NULL when not given */
	bool all_addresses; /* the text names no host but means every address:
	                       Go ":8080", Redis "*:6379", Python ('', 80),
	                       Tomcat "<null>:8080".  address is then NULL. */
	int port;        /* 1..65535, -1 not given */
	pd_proto proto;  /* PD_PROTO_NONE when not given */
	bool proto_implied; /* proto comes from the form, not a tcp/udp word:
	                       listen(), an http:// URL, Tomcat, asyncio
	                       create_server, Node dgram bind, DHCP, ... */
	pd_family family;   /* from tcp4/tcp6/udp4/udp6; ANY otherwise */
	pd_errclass error_class;
	int os_code;     /* errno or WSA code as printed, -1 unknown */
	char *os_name;   /* "EADDRINUSE", "WSAEACCES", or NULL */
	char *os_text;   /* the OS wording as found, or NULL */
} pd_errmsg;

/*
 * Find every port-binding failure in text[0..len) (any bytes; NUL is
 * treated as a blank).  On success *ret_list is a malloc'ed array of *ret_n
 * failures in order of appearance, duplicates folded (NULL and 0 when none
 * is found); free it with pd_errmsg_free().  Returns 0, PD_EINVAL (NULL
 * arguments), PD_ETOOBIG (len > PD_ERRMSG_MAX_INPUT) or PD_ENOMEM; on
 * failure the ret_* are untouched.
 */
int pd_errmsg_parse(const char *text, size_t len, pd_errmsg **ret_list,
                    size_t *ret_n);
/* The same; *ret_total (may be NULL) is how many failures the text holds,
 * of which the first PD_ERRMSG_MAX_RESULTS come back. */
int pd_errmsg_parse_total(const char *text, size_t len, pd_errmsg **ret_list,
                          size_t *ret_n, size_t *ret_total);
/* Frees the array and its strings; accepts NULL. */
void pd_errmsg_free(pd_errmsg *list, size_t n);

#endif
