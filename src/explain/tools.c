/*
 * Programs behind an error message, for the error-message parser (design
 * in parse.c).
 *
 * A table of hint phrases maps wordings to the program that prints them
 * ("Error response from daemon" is Docker, "[emerg]" nginx) and to the
 * protocol they imply.  Hints are found once for the whole text; a failure
 * then takes the strongest hint in its own lines, else in the lines around
 * it, with a rank that prefers the outermost wrapper (compose over Docker
 * Desktop over dockerd).  Docker endpoint and compose service names also
 * name a program (compose's "proj-svc-1", kind's "kind-control-plane").
 */
#include <stdint.h>
#include <string.h>

#include "errmsg_internal.h"

#define TOOL_BEFORE 15 /* lines searched for a program hint */
#define TOOL_AFTER 4

static void copy_name(char *dst, size_t size, const char *s, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* ------------------------------------------------------- tool hints */

static const char *const tool_names[] = {
	"compose", "k3d", "kind", "minikube", "podman", "docker-desktop", "docker",
	"kubeadm", "nginx", "apache", "redis", "postgres", "mysql", "dnsmasq",
	"ssh", "java", "dotnet", "python", "node", "ruby", "php", "go",
};
enum { T_COMPOSE, T_K3D, T_KIND, T_MINIKUBE, T_PODMAN, T_DESKTOP, T_DOCKER,
       T_KUBEADM, T_NGINX, T_APACHE, T_REDIS, T_POSTGRES, T_MYSQL, T_DNSMASQ,
       T_SSH, T_JAVA, T_DOTNET, T_PYTHON, T_NODE, T_RUBY, T_PHP, T_GO };

/* Rank: the program that failed is the outermost one that wraps the error.
 * Compose wraps Docker Desktop, which wraps dockerd, which prints Go's
 * net.OpError text. */
static const uint8_t tool_rank[] = {
	90, 85, 85, 85, 75, 70, 60, 55, 50, 50, 50, 50, 50, 50, 50, 45, 45, 45,
	45, 45, 45, 30,
};

typedef struct hintpat {
	const char *pat;
	int8_t tool;  /* -1: only a protocol */
	uint8_t proto; /* implied protocol, or 0 */
} hintpat;

static const hintpat hintpats[] = {
	{"Cannot start service", T_COMPOSE, 0},
	{"docker-compose", T_COMPOSE, 0},
	{"docker compose", T_COMPOSE, 0},
	{"bringing up the project", T_COMPOSE, 0},
	{"k3d", T_K3D, 0},
	{"kind-control-plane", T_KIND, 0},
	{"kind create cluster", T_KIND, 0},
	{"minikube", T_MINIKUBE, 0},
	{"rootlessport", T_PODMAN, 0},
	{"podman", T_PODMAN, 0},
	{"slirp4netns", T_PODMAN, 0},
	{"pasta failed", T_PODMAN, 0},
	{"cannot listen on the TCP port", T_PODMAN, 0},
	{"Ports are not available", T_DESKTOP, 0},
	{"HTTP code 500", T_DESKTOP, 0},
	{"docker-start-container", T_DESKTOP, 0},
	{"/forwards/expose", T_DESKTOP, 0},
	{"com.docker.backend", T_DESKTOP, 0},
	{"vpnkit", T_DESKTOP, 0},
	{"Docker Desktop", T_DESKTOP, 0},
	{"\\Docker\\Docker\\", T_DESKTOP, 0},
	{"unexpected error (Failure", T_DESKTOP, 0},
	{"Error response from daemon", T_DOCKER, 0},
	{"driver failed programming external connectivity", T_DOCKER, 0},
	{"userland proxy", T_DOCKER, 0},
	{"port is already allocated", T_DOCKER, 0},
	{"docker-proxy", T_DOCKER, 0},
	{"dockerd", T_DOCKER, 0},
	{"docker:", T_DOCKER, 0},
	{"[ERROR Port-", T_KUBEADM, PD_PROTO_TCP},
	{"kubeadm", T_KUBEADM, 0},
	{"nginx", T_NGINX, 0},
	{"[emerg]", T_NGINX, 0},
	{"AH00072", T_APACHE, PD_PROTO_TCP},
	{"make_sock", T_APACHE, PD_PROTO_TCP},
	{"httpd", T_APACHE, 0},
	{"apache2", T_APACHE, 0},
	{"server TCP listening socket", T_REDIS, PD_PROTO_TCP},
	{"redis", T_REDIS, 0},
	{"postmaster", T_POSTGRES, PD_PROTO_TCP},
	{"mysqld", T_MYSQL, 0},
	{"dnsmasq", T_DNSMASQ, 0},
	{"channel_setup_fwd_listener", T_SSH, PD_PROTO_TCP},
	{"local forwarding", T_SSH, PD_PROTO_TCP},
	{"java.net.", T_JAVA, 0},
	{"java.lang.", T_JAVA, 0},
	{"JVM_Bind", T_JAVA, 0},
	{"org.apache.catalina", T_JAVA, PD_PROTO_TCP},
	{"tomcat", T_JAVA, PD_PROTO_TCP},
	{"ServerSocket", T_JAVA, PD_PROTO_TCP},
	{"PlainSocketImpl", T_JAVA, PD_PROTO_TCP},
	{"Web server failed to start", T_JAVA, PD_PROTO_TCP},
	{"io.netty", T_JAVA, 0},
	{"System.Net.Sockets", T_DOTNET, 0},
	{"System.IO.IOException", T_DOTNET, 0},
	{"AspNetCore", T_DOTNET, PD_PROTO_TCP},
	{"Kestrel", T_DOTNET, PD_PROTO_TCP},
	{"Traceback (most recent call last)", T_PYTHON, 0},
	{"[Errno ", T_PYTHON, 0},
	{"[WinError ", T_PYTHON, 0},
	{"OSError", T_PYTHON, 0},
	{"socket.error", T_PYTHON, 0},
	{"PermissionError", T_PYTHON, 0},
	{".py\", line", T_PYTHON, 0},
	{"create_server", T_PYTHON, PD_PROTO_TCP},
	{"Serving Flask app", T_PYTHON, PD_PROTO_TCP},
	{"werkzeug", T_PYTHON, PD_PROTO_TCP},
	{"uvicorn", T_PYTHON, PD_PROTO_TCP},
	{"gunicorn", T_PYTHON, PD_PROTO_TCP},
	{"runserver", T_PYTHON, PD_PROTO_TCP},
	{"listen EADDRINUSE", T_NODE, 0},
	{"listen EACCES", T_NODE, 0},
	{"listen EADDRNOTAVAIL", T_NODE, 0},
	{"listen EPERM", T_NODE, 0},
	{"bind EADDRINUSE", T_NODE, 0},
	{"setupListenHandle", T_NODE, PD_PROTO_TCP},
	{"node:net", T_NODE, 0},
	{"node:internal", T_NODE, 0},
	{"net.js:", T_NODE, 0},
	{"Errno::E", T_RUBY, 0},
	{"puma", T_RUBY, PD_PROTO_TCP},
	{"bind(2) for", T_RUBY, 0},
	{"Failed to listen on", T_PHP, PD_PROTO_TCP},
	{"listen tcp", T_GO, 0},
	{"listen udp", T_GO, 0},
	{"goroutine", T_GO, 0},
	{".go:", T_GO, 0},
	{"DHCP", -1, PD_PROTO_UDP},
};

const char *pd__tool_name(int t)
{
	return tool_names[t];
}

void pd__scan_hints(ctx *c)
{
	const char *s = c->s;
	for (size_t i = 0; i < c->n && c->nhi < MAX_HINTS; i++) {
		int ch = lc((unsigned char)s[i]);
		for (size_t k = 0; k < sizeof(hintpats) / sizeof(hintpats[0]); k++) {
			const char *p = hintpats[k].pat;
			if (lc((unsigned char)p[0]) != ch || !pd__pmatch(s + i, c->n - i, p))
				continue;
			if (is_word((unsigned char)p[0]) && i > 0 && is_alnum((unsigned char)s[i - 1]))
				continue;
			if (c->nhi < MAX_HINTS) {
				c->hi[c->nhi].line = pd__line_of(c, i);
				c->hi[c->nhi].pat = (uint16_t)k;
				c->nhi++;
			}
		}
		if (s[i] == '[' && pd__pmatch(s + i, c->n - i, "[WinError"))
			c->windows = true;
		if (s[i] == ':' && i + 1 < c->n && s[i + 1] == '\\' && i > 0 &&
		    is_alpha((unsigned char)s[i - 1]) && (i < 2 || !is_alpha((unsigned char)s[i - 2])))
			c->windows = true;
		if (s[i] == '/' && (pd__pmatch(s + i, c->n - i, "/Users/") ||
		                    pd__pmatch(s + i, c->n - i, "/Library/")))
			c->macos = true;
		if ((s[i] == 'm' || s[i] == 'D') && (pd__pmatch(s + i, c->n - i, "macOS") ||
		                                     pd__pmatch(s + i, c->n - i, "Darwin")))
			c->macos = true;
	}
	for (size_t k = 0; k < c->nan; k++)
		if (c->an[k].winsock)
			c->windows = true;
}

static size_t name_len(const char *s, size_t i, size_t n)
{
	size_t j = i;
	while (j < n && (is_alnum((unsigned char)s[j]) || s[j] == '_' || s[j] == '-' ||
	                 s[j] == '.') && j - i < NAME_MAX_ - 1)
		j++;
	return j - i;
}

/* Compose v1 "proj_svc_1", v2 "proj-svc-1"; k3d "k3d-x-server-0"; kind
 * "kind-control-plane"; minikube's node container. */
static int tool_from_name(const char *nm)
{
	size_t n = strlen(nm), parts = 1, k;
	char sep = 0;
	if (strncmp(nm, "k3d-", 4) == 0)
		return T_K3D;
	if (strncmp(nm, "kind-", 5) == 0 && (strstr(nm, "control-plane") || strstr(nm, "worker")))
		return T_KIND;
	if (strcmp(nm, "minikube") == 0)
		return T_MINIKUBE;
	for (k = n; k > 0 && is_digit((unsigned char)nm[k - 1]); k--)
		;
	if (k == n || k < 2 || (nm[k - 1] != '-' && nm[k - 1] != '_'))
		return -1;
	sep = nm[k - 1];
	for (size_t i = 0; i < k; i++)
		parts += nm[i] == sep;
	return parts >= 3 ? T_COMPOSE : -1;
}

void pd__scan_names(const ctx *c, size_t a, size_t b, fail *f)
{
	const char *s = c->s;
	size_t o, l;
	if (pd__pfind(s, a, b, "endpoint ", &o)) {
		o += 9;
		l = name_len(s, o, b);
		if (l && o + l + 1 < b && s[o + l] == ' ' && s[o + l + 1] == '(') {
			copy_name(f->container, sizeof(f->container), s + o, l);
			f->name_tool = tool_from_name(f->container);
		}
	}
	if (pd__pfind(s, a, b, "Cannot start service ", &o)) {
		o += 21;
		l = name_len(s, o, b);
		if (l && o + l < b && s[o + l] == ':')
			copy_name(f->service, sizeof(f->service), s + o, l);
	}
	if (!f->container[0] && f->service[0] && pd__pfind(s, a, b, "ERROR: for ", &o)) {
		o += 11;
		l = name_len(s, o, b);
		if (l && (strlen(f->service) != l || memcmp(f->service, s + o, l) != 0))
			copy_name(f->container, sizeof(f->container), s + o, l);
	}
}

/* Program and implied protocol: the strongest hint in the failure's own
 * lines, else in the lines around it. */
static bool docker_family(int t)
{
	return t == T_DOCKER || t == T_DESKTOP || t == T_PODMAN;
}

void pd__assign_tool(ctx *c, fail *f)
{
	int own = f->name_tool, near = -1, pown = 0, pnear = 0;
	uint32_t lo = f->line_first > TOOL_BEFORE ? f->line_first - TOOL_BEFORE : 0;
	uint32_t hi = f->line_last + TOOL_AFTER;

	for (size_t k = 0; k < c->nhi; k++) {
		const hint *h = &c->hi[k];
		const hintpat *hp = &hintpats[h->pat];
		bool in_own = h->line >= f->line_first && h->line <= f->line_last;
		int *t = in_own ? &own : &near;
		if (!in_own && (h->line < lo || h->line > hi))
			continue;
		if (hp->tool >= 0 && (*t < 0 || tool_rank[hp->tool] > tool_rank[*t]))
			*t = hp->tool;
	}
	f->tool = own >= 0 ? own : near;
	/* "docker compose up" / kind / k3d around a daemon error: the wrapper
	 * is the program that failed. */
	if (own >= 0 && near >= 0 && docker_family(own) && !docker_family(near) &&
	    near <= T_MINIKUBE)
		f->tool = near;
	/* A protocol hint counts in the failure's own lines, or around it when
	 * it belongs to the same program (Flask's banner, Tomcat's frames). */
	for (size_t k = 0; k < c->nhi; k++) {
		const hint *h = &c->hi[k];
		const hintpat *hp = &hintpats[h->pat];
		bool in_own = h->line >= f->line_first && h->line <= f->line_last;
		if (!hp->proto || (!in_own && (h->line < lo || h->line > hi)))
			continue;
		if (in_own && !pown)
			pown = hp->proto;
		else if (!in_own && !pnear && hp->tool >= 0 && hp->tool == f->tool)
			pnear = hp->proto;
	}
	if (!f->proto && (pown || pnear)) {
		f->proto = (pd_proto)(pown ? pown : pnear);
		f->proto_implied = true;
	}
}
