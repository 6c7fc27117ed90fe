/*
 * Remedies: from a diagnosis to a plan of data steps.  Pure.
 *
 * Order, best first: what removes the holder narrowly (its container, its
 * unit, the process), then rule changes for privileged ports (a capability
 * on one binary before lowering the limit for everyone), then the Windows
 * range repairs (reset the dynamic range, then restart WinNAT with the port
 * reserved: applied together, in that order), then prevention (reserve
 * the port), then advice (another address, wait, find the owner), and
 * last another port.
 *
 * Refusals are decided here, so they are the same for fix and kill and can
 * be tested from a constructed snapshot: PID 1, kernel threads, portdoctor
 * itself and its parent, and the system's critical services are never
 * ended; the actuator checks PID 1 and kernel threads again at the moment
 * it acts.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "i18n.h"
#include "remedy.h"

#define WIN_DYN_START 49152
#define WIN_DYN_NUM 16384
#define SIG_TERM 15

static const char *const remedy_names[] = {
#define PD_REMEDY_NAME_(id, name) name,
	PD_REMEDY_MAP(PD_REMEDY_NAME_)
#undef PD_REMEDY_NAME_
};

const char *pd_remedy_name(pd_remedy_id id)
{
	return (unsigned)id < PD__R_COUNT ? remedy_names[id] : NULL;
}

int pd_remedy_parse(const char *name, pd_remedy_id *ret)
{
	size_t i;

	for (i = 0; name && i < PD__R_COUNT; i++)
		if (strcmp(name, remedy_names[i]) == 0) {
			*ret = (pd_remedy_id)i;
			return 0;
		}
	return PD_EINVAL;
}

const char *pd_step_kind_name(pd_step_kind k)
{
	static const char *const n[] = {"run", "write_file", "sysctl",
	                                "reserve", "kill", "manual"};

	return (unsigned)k <= PD_STEP_MANUAL ? n[k] : NULL;
}

/* ------------------------------------------------------------ signals */

static const struct {
	int num;
	const char *name;
} signals[] = {
	{1, "HUP"}, {2, "INT"}, {3, "QUIT"}, {9, "KILL"},
	{10, "USR1"}, {12, "USR2"}, {15, "TERM"},
};

const char *pd_signal_name(int sig)
{
	size_t i;

	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (signals[i].num == sig)
			return signals[i].name;
	return NULL;
}

static char ascii_upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c;
}

int pd_signal_parse(const char *text, int *ret_sig)
{
	char up[16];
	size_t i, n;
	int v = 0;

	if (!text || !*text)
		return PD_EINVAL;
	if (text[0] >= '0' && text[0] <= '9') {
		for (i = 0; text[i]; i++) {
			if (text[i] < '0' || text[i] > '9' || i > 2)
				return PD_EINVAL;
			v = v * 10 + (text[i] - '0');
		}
		if (v < 1 || v > 64)
			return PD_ERANGE;
		*ret_sig = v;
		return 0;
	}
	n = strlen(text);
	if (n >= sizeof(up))
		return PD_EINVAL;
	for (i = 0; i <= n; i++)
		up[i] = ascii_upper(text[i]);
	for (i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		if (strcmp(up, signals[i].name) == 0 ||
		    (strncmp(up, "SIG", 3) == 0 &&
		     strcmp(up + 3, signals[i].name) == 0)) {
			*ret_sig = signals[i].num;
			return 0;
		}
	return PD_EINVAL;
}

/* ------------------------------------------------------- port lists */

int pd_portlist_edit(const pd_range *cur, size_t n_cur, const pd_range *chg,
                     size_t n_chg, bool remove, char **ret_text)
{
	unsigned char *bits = calloc(65536 / 8, 1);
	pd_buf b;
	size_t i;
	unsigned p, start;
	bool first = true;

	if (!bits)
		return PD_ENOMEM;
	for (i = 0; i < n_cur; i++)
		for (p = cur[i].start; p <= cur[i].end && p; p++)
			bits[p / 8] |= (unsigned char)(1u << (p % 8));
	for (i = 0; i < n_chg; i++)
		for (p = chg[i].start; p <= chg[i].end && p; p++) {
			if (remove)
				bits[p / 8] &= (unsigned char)~(1u << (p % 8));
			else
				bits[p / 8] |= (unsigned char)(1u << (p % 8));
		}
	pd_buf_init(&b, 0);
	pd_buf_puts(&b, "");
	for (p = 1; p < 65536; p++) {
		if (!(bits[p / 8] & (1u << (p % 8))))
			continue;
		start = p;
		while (p + 1 < 65536 && (bits[(p + 1) / 8] & (1u << ((p + 1) % 8))))
			p++;
		pd_buf_printf(&b, start == p ? "%s%u" : "%s%u-%u", first ? "" : ",",
		              start, p);
		first = false;
	}
	free(bits);
	*ret_text = pd_buf_steal(&b);
	i = (size_t)b.err;
	pd_buf_done(&b);
	if (!*ret_text)
		return i ? (int)i : PD_ENOMEM;
	return 0;
}

int pd_reserved_file_content(const char *list, char **ret_text)
{
	pd_buf b;
	int err;

	pd_buf_init(&b, 0);
	pd_buf_printf(&b,
	              "# Written by portdoctor reserve: ports never handed out "
	              "as ephemeral ports.\n"
	              "# It holds what was reserved at run time when written, so "
	              "it keeps other reservations.\n"
	              "net.ipv4.ip_local_reserved_ports = %s\n", list);
	*ret_text = pd_buf_steal(&b);
	err = b.err;
	pd_buf_done(&b);
	return *ret_text ? 0 : (err ? err : PD_ENOMEM);
}

/* ---------------------------------------------------------- builder */

typedef struct bld {
	const pd_snapshot *s;
	const pd_result *res;
	const pd_plan_opts *o;
	pd_plan *plan;
	bool windows;
	int err; /* sticky PD_ENOMEM */
	char tgt[160]; /* "tcp 8080" */
} bld;

static char *fmt(bld *b, const char *f, ...) PD_PRINTF(2, 3);

static char *fmt(bld *b, const char *f, ...)
{
	pd_buf buf;
	va_list ap;
	char *s;

	if (b->err)
		return NULL;
	pd_buf_init(&buf, 0);
	va_start(ap, f);
	pd_buf_vprintf(&buf, f, ap);
	va_end(ap);
	s = pd_buf_steal(&buf);
	pd_buf_done(&buf);
	if (!s)
		b->err = PD_ENOMEM;
	return s;
}

static char *sdup(bld *b, const char *s)
{
	char *d;

	if (b->err || !s)
		return NULL;
	d = pd__strdup(s);
	if (!d)
		b->err = PD_ENOMEM;
	return d;
}

/* The path of a persistent file below the root. */
static char *rooted(bld *b, const char *path)
{
	const char *root = b->o && b->o->root ? b->o->root : "/";
	size_t n = strlen(root);

	while (n > 0 && root[n - 1] == '/')
		n--;
	return fmt(b, "%.*s%s", (int)n, root, path);
}

static pd_remedy *add_remedy(bld *b, pd_remedy_id id, bool root, bool reboot,
                             bool changes, char *title, char *what,
                             char *side)
{
	pd_plan *p = b->plan;
	pd_remedy *arr, *r;

	if (!b->err) {
		arr = pd__reallocarray(p->remedies, p->n_remedies + 1, sizeof(*arr));
		if (arr) {
			p->remedies = arr;
			r = &arr[p->n_remedies++];
			memset(r, 0, sizeof(*r));
			r->id = id;
			r->needs_root = root;
			r->needs_reboot = reboot;
			r->changes_system = changes;
			r->title = title;
			r->what = what;
			r->side_effects = side;
			if (title && what)
				return r;
			p->n_remedies--;
		}
		b->err = PD_ENOMEM;
	}
	free(title);
	free(what);
	free(side);
	return NULL;
}

static pd_step *add_step(bld *b, pd_remedy *r, pd_step_kind kind, char *text)
{
	pd_step *arr, *st;

	if (!r || b->err || !text) {
		free(text);
		b->err = PD_ENOMEM;
		return NULL;
	}
	arr = pd__reallocarray(r->steps, r->n_steps + 1, sizeof(*arr));
	if (!arr) {
		free(text);
		b->err = PD_ENOMEM;
		return NULL;
	}
	r->steps = arr;
	st = &arr[r->n_steps++];
	memset(st, 0, sizeof(*st));
	st->kind = kind;
	st->text = text;
	st->start_time = -1;
	return st;
}

/* A RUN step; the argument list ends with NULL. */
static void add_run(bld *b, pd_remedy *r, char *text, ...)
{
	pd_step *st = add_step(b, r, PD_STEP_RUN, text);
	va_list ap;
	const char *a;
	size_t n = 0;

	if (!st)
		return;
	va_start(ap, text);
	while (va_arg(ap, const char *))
		n++;
	va_end(ap);
	st->argv = calloc(n + 1, sizeof(*st->argv));
	if (!st->argv) {
		b->err = PD_ENOMEM;
		return;
	}
	va_start(ap, text);
	while ((a = va_arg(ap, const char *)) != NULL) {
		st->argv[st->argc] = sdup(b, a);
		if (!st->argv[st->argc])
			break;
		st->argc++;
	}
	va_end(ap);
}

static void add_manual(bld *b, pd_remedy *r, char *text)
{
	add_step(b, r, PD_STEP_MANUAL, text);
}

/* ---------------------------------------------------------- holders */

static const char *const critical_names[] = {
	"systemd", "init", "sshd", "dbus-daemon", "dbus-broker", "containerd",
	"dockerd", "kthreadd", "NetworkManager", "polkitd", "udevd",
	"System", "smss.exe", "csrss.exe", "wininit.exe", "services.exe",
	"lsass.exe", "svchost.exe", "winlogon.exe",
};

static const char *const critical_units[] = {
	"ssh.service", "sshd.service", "dbus.service", "dbus-broker.service",
	"docker.service", "containerd.service", "NetworkManager.service",
};

static bool is_critical_name(const char *name)
{
	size_t i;

	if (!name)
		return false;
	if (strncmp(name, "systemd-", 8) == 0)
		return true;
	for (i = 0; i < sizeof(critical_names) / sizeof(critical_names[0]); i++)
		if (strcmp(name, critical_names[i]) == 0)
			return true;
	return false;
}

static bool is_critical_unit(const char *unit)
{
	size_t i;

	if (!unit)
		return false;
	if (strncmp(unit, "systemd-", 8) == 0)
		return true;
	for (i = 0; i < sizeof(critical_units) / sizeof(critical_units[0]); i++)
		if (strcmp(unit, critical_units[i]) == 0)
			return true;
	return false;
}

static bool is_proxy_name(const char *n)
{
	static const char *const proxies[] = {
		"docker-proxy", "rootlessport", "conmon", "slirp4netns",
		"com.docker.backend.exe", "vpnkit.exe", "wslrelay.exe",
		"com.docker.backend", "vpnkit",
	};
	size_t i;

	for (i = 0; n && i < sizeof(proxies) / sizeof(proxies[0]); i++)
		if (strcmp(n, proxies[i]) == 0)
			return true;
	return false;
}

/* Why p must never be ended by portdoctor, or NULL. */
static char *refusal_for(bld *b, const pd_process *p)
{
	const char *n = p->name ? p->name : "?";

	if (p->pid <= 1)
		return fmt(b, _("PID %d (%s) holds it: portdoctor never ends the "
		                "system's init or a container's main process; stop "
		                "what runs it instead"), p->pid, n);
	if (b->windows && p->pid == 4)
		return fmt(b, _("PID 4 (System) holds it: that is the kernel "
		                "(http.sys); stop the service that registered the "
		                "URL instead"));
	if (!b->windows && (p->pid == 2 || p->ppid == 2))
		return fmt(b, _("%s (pid %d) is a kernel thread"), n, p->pid);
	if (b->o && (p->pid == b->o->self_pid || p->pid == b->o->parent_pid))
		return fmt(b, _("%s (pid %d) is portdoctor itself or the program "
		                "that started it"), n, p->pid);
	if (is_critical_name(p->name))
		return fmt(b, _("%s (pid %d) is one of the system's critical "
		                "services; stop it yourself if you mean it"), n,
		           p->pid);
	return NULL;
}

/* The processes holding res's port, in finding order, each once. */
static size_t holders(const bld *b, const pd_process **out, size_t max,
                      int *ret_proxy_port)
{
	size_t i, k, m, n = 0;

	for (i = 0; i < b->res->n_findings; i++) {
		const pd_finding *f = &b->res->findings[i];

		if (f->code != PD_F_IN_USE && f->code != PD_F_PORTPROXY &&
		    f->code != PD_F_HTTP_SYS)
			continue;
		for (k = 0; k < f->n_sockets; k++) {
			const pd_socket *sk = &b->s->sockets[f->sockets[k]];

			for (m = 0; m < sk->n_pids; m++) {
				const pd_process *p = pd_snapshot_find_process(b->s,
				                                              sk->pids[m]);
				size_t j;
				bool seen = false;

				if (!p)
					continue;
				for (j = 0; j < n; j++)
					seen = seen || out[j] == p;
				if (!seen && n < max)
					out[n++] = p;
				if (is_proxy_name(p->name))
					*ret_proxy_port = b->res->port;
			}
		}
	}
	return n;
}

/* The container that publishes the port: named by a finding, or found in
 * the engine's list. */
static const pd_container *container_for(const bld *b)
{
	size_t i, k;

	for (i = 0; i < b->res->n_findings; i++)
		if (b->res->findings[i].container)
			return b->res->findings[i].container;
	for (i = 0; i < b->s->n_containers; i++) {
		const pd_container *c = &b->s->containers[i];

		if (c->state && strcmp(c->state, "running") != 0)
			continue;
		for (k = 0; k < c->n_ports; k++)
			if (c->ports[k].host_port == b->res->port &&
			    (c->ports[k].proto == b->res->target.proto ||
			     c->ports[k].proto == PD_PROTO_NONE))
				return c;
	}
	return NULL;
}

static void plan_container(bld *b, const pd_container *c)
{
	const char *engine = c->engine && strcmp(c->engine, "podman") == 0 ?
	                     "podman" : "docker";
	const char *name = c->name && *c->name ? c->name : c->id;
	pd_remedy *r;

	r = add_remedy(b, PD_R_STOP_CONTAINER, false, false, true,
	               fmt(b, _("Stop the container %s"), name),
	               fmt(b, _("stops container %s (image %s) through %s, which "
	                        "releases every port it publishes, %s among "
	                        "them"), name, c->image ? c->image : "?", engine,
	                   b->tgt),
	               fmt(b, _("the container's service is down until `%s "
	                        "start %s`; a restart policy or compose may "
	                        "start it again"), engine, name));
	if (r)
		add_run(b, r, fmt(b, _("stop container %s"), name), engine, "stop",
		        name, (const char *)NULL);
}

static void plan_proxy_unknown(bld *b)
{
	pd_remedy *r;

	r = add_remedy(b, PD_R_STOP_CONTAINER, false, false, false,
	               fmt(b, _("Stop the container that publishes port %u"),
	                   b->res->port),
	               fmt(b, _("a container engine's proxy holds the port; "
	                        "stopping the container releases it")),
	               fmt(b, _("the container's service is down until it is "
	                        "started again")));
	if (r) {
		r->refusal = fmt(b, _("the container is not known (no engine "
		                      "answered): portdoctor stops containers "
		                      "through their engine, never by killing the "
		                      "proxy"));
		add_manual(b, r, fmt(b, _("find it: docker ps --filter publish=%u "
		                          "(or podman ps), then docker stop NAME"),
		                     b->res->port));
	}
}

static bool user_unit(const pd_process *p)
{
	return p->cgroup && strstr(p->cgroup, "/user@") != NULL;
}

static void plan_resolved(bld *b)
{
	pd_remedy *r;
	pd_step *st;

	r = add_remedy(b, PD_R_RESOLVED_STUB_OFF, true, false, true,
	               fmt(b, _("Turn off systemd-resolved's stub listener")),
	               fmt(b, _("a drop-in sets DNSStubListener=no, and "
	                        "systemd-resolved restarts without its "
	                        "127.0.0.53:53 listener; it keeps resolving "
	                        "names")),
	               fmt(b, _("programs that use 127.0.0.53 as their DNS "
	                        "server (the usual /etc/resolv.conf) lose DNS "
	                        "until resolv.conf points at "
	                        "/run/systemd/resolve/resolv.conf")));
	if (!r)
		return;
	st = add_step(b, r, PD_STEP_WRITE_FILE,
	              fmt(b, _("write the drop-in")));
	if (st) {
		st->path = rooted(b, PD_RESOLVED_DROPIN_FILE);
		st->content = sdup(b, "# Written by portdoctor fix: frees port 53.\n"
		                     "[Resolve]\nDNSStubListener=no\n");
	}
	add_run(b, r, fmt(b, _("restart systemd-resolved")), "systemctl",
	        "restart", "systemd-resolved.service", (const char *)NULL);
	add_manual(b, r, fmt(b, _("if /etc/resolv.conf points at 127.0.0.53: "
	                          "ln -sf /run/systemd/resolve/resolv.conf "
	                          "/etc/resolv.conf")));
}

static void plan_unit(bld *b, const pd_process *p)
{
	const char *unit = p->service;
	bool user = user_unit(p);
	pd_remedy *r;

	if (b->windows) {
		if (strchr(unit, ',') || strchr(unit, ' '))
			return; /* several services share the process */
		r = add_remedy(b, PD_R_STOP_UNIT, true, false, true,
		               fmt(b, _("Stop the service %s"), unit),
		               fmt(b, _("stops the Windows service %s, which holds "
		                        "%s"), unit, b->tgt),
		               fmt(b, _("what the service does stops; it starts "
		                        "again at boot if it is automatic")));
		if (r)
			add_run(b, r, fmt(b, _("stop the service")), "net", "stop",
			        unit, (const char *)NULL);
		return;
	}
	r = add_remedy(b, PD_R_STOP_UNIT, !user, false, true,
	               fmt(b, _("Stop the systemd unit %s"), unit),
	               fmt(b, _("stops %s as a unit, so systemd does not "
	                        "restart it and every process of it ends"), unit),
	               fmt(b, _("the service is down; it starts again at boot "
	                        "unless disabled (systemctl %sdisable %s)"),
	                   user ? "--user " : "", unit));
	if (!r)
		return;
	if (is_critical_unit(unit))
		r->refusal = fmt(b, _("%s is one of the system's critical services "
		                      "(remote logins, the bus, containers): stop "
		                      "it yourself if you mean it"), unit);
	if (user)
		add_run(b, r, fmt(b, _("stop the unit")), "systemctl", "--user",
		        "stop", unit, (const char *)NULL);
	else
		add_run(b, r, fmt(b, _("stop the unit")), "systemctl", "stop", unit,
		        (const char *)NULL);
}

static bool same_user(const bld *b, const pd_process *p)
{
	return p->uid >= 0 && b->s->uid >= 0 && p->uid == b->s->uid;
}

static void plan_processes(bld *b, const pd_process **ps, size_t n)
{
	int sig = b->o && b->o->signal ? b->o->signal : SIG_TERM;
	const char *sname = pd_signal_name(sig);
	bool root = false, unit = false;
	pd_remedy *r;
	pd_buf names;
	char *list;
	size_t i;

	pd_buf_init(&names, 4096);
	for (i = 0; i < n; i++) {
		pd_buf_printf(&names, "%s%s (pid %d)", i ? ", " : "",
		              ps[i]->name ? ps[i]->name : "?", ps[i]->pid);
		root = root || !same_user(b, ps[i]);
		unit = unit || (ps[i]->service && !b->windows);
	}
	list = pd_buf_steal(&names);
	pd_buf_done(&names);
	if (!list) {
		b->err = PD_ENOMEM;
		return;
	}
	r = add_remedy(b, PD_R_STOP_PROCESS, root, false, true,
	               fmt(b, _("End %s"), list),
	               b->windows ?
	               fmt(b, _("ends the process holding %s (checked to be the "
	                        "same process first)"), b->tgt) :
	               fmt(b, _("sends SIG%s to the process holding %s through a "
	                        "pidfd, after checking it is still the same "
	                        "process, and waits for the port to be free"),
	                   sname ? sname : "?", b->tgt),
	               fmt(b, _("unsaved work in it is lost%s"),
	                   unit ? _("; systemd may start it again (Restart=)") :
	                   ""));
	free(list);
	if (!r)
		return;
	for (i = 0; i < n && !r->refusal; i++)
		r->refusal = refusal_for(b, ps[i]);
	for (i = 0; i < n; i++) {
		pd_step *st = add_step(b, r, PD_STEP_KILL,
		                       fmt(b, _("end %s (pid %d)"),
		                           ps[i]->name ? ps[i]->name : "?",
		                           ps[i]->pid));

		if (!st)
			return;
		st->pid = ps[i]->pid;
		st->start_time = ps[i]->start_time;
		st->proc_name = sdup(b, ps[i]->name);
		st->signal = sig;
	}
}

static bool has(const pd_result *res, pd_finding_code c,
                const pd_finding **ret)
{
	size_t i;

	for (i = 0; i < res->n_findings; i++)
		if (res->findings[i].code == c &&
		    (c != PD_F_PRIVILEGED_PORT ||
		     res->findings[i].severity == PD_SEV_ERROR)) {
			if (ret)
				*ret = &res->findings[i];
			return true;
		}
	return false;
}

/* Holder remedies: container, resolved, unit, process.  With kill_only,
 * units are not stopped as units (kill ends processes). */
static void plan_holders(bld *b, bool kill_only)
{
	const pd_process *ps[16];
	const pd_container *c;
	int proxy_port = 0;
	size_t n = holders(b, ps, 16, &proxy_port), i, k = 0;
	bool units = false;

	c = container_for(b);
	if (c) {
		plan_container(b, c);
		return; /* never kill the proxy of a known container */
	}
	if (proxy_port) {
		plan_proxy_unknown(b);
		return;
	}
	for (i = 0; i < n; i++) {
		if (!b->windows && b->res->port == 53 && ps[i]->service &&
		    strcmp(ps[i]->service, "systemd-resolved.service") == 0) {
			if (!kill_only)
				plan_resolved(b);
			else
				plan_processes(b, ps, n);
			return;
		}
	}
	for (i = 0; i < n && !kill_only; i++) {
		if (!ps[i]->service || units)
			continue;
		if (!b->windows && !strstr(ps[i]->service, ".service"))
			continue;
		plan_unit(b, ps[i]);
		units = true;
	}
	for (i = 0; i < n; i++)
		if (!(b->windows && ps[i]->pid == 4))
			ps[k++] = ps[i];
	if (k)
		plan_processes(b, ps, k);
}

/* ------------------------------------------------------- privileges */

static void plan_privileged(bld *b)
{
	uint16_t port = b->res->port;
	pd_remedy *r, *setcap = NULL, *lower;
	pd_step *st;
	const char *bin = b->o ? b->o->binary : NULL;

	if (bin) {
		setcap = add_remedy(b, PD_R_SETCAP_BIND_SERVICE, true, false, true,
		                    fmt(b, _("Let %s bind ports below %d"), bin,
		                        b->s->unprivileged_port_start),
		                    fmt(b, _("grants cap_net_bind_service to the "
		                             "program file %s, so it may bind any "
		                             "port below 1024 whoever runs it"), bin),
		                    fmt(b, _("every user who can run it gets that "
		                             "right; an update or rebuild of the "
		                             "file drops the capability; scripts "
		                             "need it on their interpreter, which is "
		                             "unwise")));
		if (setcap)
			add_run(b, setcap, fmt(b, _("grant the capability")), "setcap",
			        "cap_net_bind_service=+ep", bin, (const char *)NULL);
	}
	lower = add_remedy(b, PD_R_LOWER_UNPRIVILEGED_PORT_START, true, false,
	                   true,
	                   fmt(b, _("Let every user bind ports from %u up"), port),
	                   fmt(b, _("lowers net.ipv4.ip_unprivileged_port_start "
	                            "from %d to %u now and at boot (%s)"),
	                       b->s->unprivileged_port_start, port,
	                       PD_SYSCTL_UNPRIV_FILE),
	                   fmt(b, _("any local user or rootless container may "
	                            "then bind ports %u-%d, for this network "
	                            "namespace"), port,
	                       b->s->unprivileged_port_start - 1));
	if (lower) {
		char v[8];

		snprintf(v, sizeof(v), "%u", port);
		st = add_step(b, lower, PD_STEP_SYSCTL,
		              fmt(b, _("set it at run time")));
		if (st) {
			st->name = sdup(b, "net.ipv4.ip_unprivileged_port_start");
			st->value = sdup(b, v);
		}
		st = add_step(b, lower, PD_STEP_WRITE_FILE,
		              fmt(b, _("keep it after a reboot")));
		if (st) {
			st->path = rooted(b, PD_SYSCTL_UNPRIV_FILE);
			st->content = fmt(b, "# Written by portdoctor fix: lets every "
			                     "user bind ports from %u up.\n"
			                     "net.ipv4.ip_unprivileged_port_start = %u\n",
			                  port, port);
		}
	}
	if (!setcap) {
		r = add_remedy(b, PD_R_SETCAP_BIND_SERVICE, true, false, true,
		               fmt(b, _("Let one program bind ports below %d"),
		                   b->s->unprivileged_port_start),
		               fmt(b, _("grants cap_net_bind_service to the server's "
		                        "program file, so only it may bind low "
		                        "ports")),
		               fmt(b, _("every user who can run it gets that right; "
		                        "an update of the file drops it")));
		if (r) {
			r->refusal = fmt(b, _("say which program: --binary PATH"));
			add_manual(b, r, fmt(b, _("setcap cap_net_bind_service=+ep "
			                          "/path/to/server")));
		}
	}
}

/* ---------------------------------------------------------- Windows */

static bool win_dynamic_low(const bld *b, pd_proto proto)
{
	size_t i;

	for (i = 0; i < b->s->n_dynamic; i++) {
		const pd_range *r = &b->s->dynamic[i];

		if ((r->proto == proto || r->proto == PD_PROTO_NONE) &&
		    r->start < WIN_DYN_START)
			return true;
	}
	return false;
}

static void plan_reset_dynamic(bld *b)
{
	static const char *const fams[2] = {"ipv4", "ipv6"};
	bool udp = b->res->target.proto == PD_PROTO_UDP;
	pd_remedy *r;
	size_t i;
	char start[16], num[16];

	snprintf(start, sizeof(start), "start=%u", WIN_DYN_START);
	snprintf(num, sizeof(num), "num=%u", WIN_DYN_NUM);
	r = add_remedy(b, PD_R_RESET_DYNAMIC_RANGE, true, true, true,
	               fmt(b, _("Reset the dynamic port range to 49152-65535")),
	               fmt(b, _("sets the TCP%s dynamic range of IPv4 and IPv6 "
	                        "back to the default start 49152, 16384 ports, "
	                        "so WinNAT/Hyper-V stop reserving common ports "
	                        "such as %u"), udp ? _(" and UDP") : "",
	                   b->res->port),
	               fmt(b, _("takes full effect after a reboot; a program "
	                        "that set the low range (some installers) may "
	                        "expect it")));
	if (!r)
		return;
	for (i = 0; i < 2; i++)
		add_run(b, r, fmt(b, _("%s tcp dynamic range"), fams[i]), "netsh",
		        "int", fams[i], "set", "dynamicport", "tcp", start, num,
		        (const char *)NULL);
	for (i = 0; udp && i < 2; i++)
		add_run(b, r, fmt(b, _("%s udp dynamic range"), fams[i]), "netsh",
		        "int", fams[i], "set", "dynamicport", "udp", start, num,
		        (const char *)NULL);
	add_manual(b, r, fmt(b, _("reboot when convenient: the new range holds "
	                          "fully only after a restart")));
}

static void add_exclusion_runs(bld *b, pd_remedy *r, pd_proto proto,
                               pd_family fam, uint16_t start, unsigned count,
                               bool remove)
{
	char sp[24], np[24], pr[24];
	int i;

	snprintf(sp, sizeof(sp), "startport=%u", start);
	snprintf(np, sizeof(np), "numberofports=%u", count);
	snprintf(pr, sizeof(pr), "protocol=%s", pd_proto_name(proto));
	for (i = 0; i < 2; i++) {
		const char *f = i == 0 ? "ipv4" : "ipv6";

		if ((i == 0 && fam == PD_FAMILY_V6) || (i == 1 && fam == PD_FAMILY_V4))
			continue;
		if (remove)
			add_run(b, r, fmt(b, _("release %s %u-%u"), f, start,
			                  start + count - 1),
			        "netsh", "int", f, "delete", "excludedportrange", pr, sp,
			        np, (const char *)NULL);
		else
			add_run(b, r, fmt(b, _("reserve %s %u-%u"), f, start,
			                  start + count - 1),
			        "netsh", "int", f, "add", "excludedportrange", pr, sp, np,
			        "store=persistent", (const char *)NULL);
	}
}

static void plan_restart_winnat(bld *b, const pd_range *ex)
{
	bool reserve = !(b->o && b->o->no_reserve);
	pd_family fam = b->res->target.host == PD_HOST_ADDR ?
	                b->res->target.addr.family : PD_FAMILY_ANY;
	pd_remedy *r;

	r = add_remedy(b, PD_R_RESTART_WINNAT, true, false, true,
	               reserve ? fmt(b, _("Restart WinNAT and reserve port %u"),
	                             b->res->port) :
	               fmt(b, _("Restart WinNAT")),
	               fmt(b, _("stops the winnat service, which drops its "
	                        "run-time reservation %u-%u%s, then starts it "
	                        "again"), ex ? ex->start : b->res->port,
	                   ex ? ex->end : b->res->port,
	                   reserve ? _("; meanwhile the port becomes an "
	                               "administered exclusion, so WinNAT cannot "
	                               "take it again (an explicit bind still "
	                               "works)") : ""),
	               fmt(b, _("Docker Desktop, WSL2 and Hyper-V networking drop "
	                        "while winnat is stopped; running containers may "
	                        "need a restart")));
	if (!r)
		return;
	add_run(b, r, fmt(b, _("stop WinNAT")), "net", "stop", "winnat",
	        (const char *)NULL);
	if (reserve)
		add_exclusion_runs(b, r, b->res->target.proto, fam, b->res->port, 1,
		                   false);
	add_run(b, r, fmt(b, _("start WinNAT")), "net", "start", "winnat",
	        (const char *)NULL);
	add_manual(b, r, fmt(b, _("then restart what needed the port: your "
	                          "container or program, Docker Desktop, or WSL "
	                          "(wsl --shutdown)")));
}

static void plan_portproxy(bld *b, const pd_finding *f)
{
	char addr[PD_ADDR_STRLEN], lp[24], la[PD_ADDR_STRLEN + 16];
	const pd_socket *sk = f->n_sockets ? &b->s->sockets[f->sockets[0]] : NULL;
	bool v6 = sk && sk->local.family == PD_FAMILY_V6;
	pd_remedy *r;

	r = add_remedy(b, PD_R_REMOVE_PORTPROXY, true, false, true,
	               fmt(b, _("Remove the portproxy rule on port %u"),
	                   b->res->port),
	               fmt(b, _("deletes the `netsh interface portproxy` rule "
	                        "that listens on %s"), b->tgt),
	               fmt(b, _("whatever was forwarded through it (often WSL "
	                        "or a VM) is no longer reachable on this port")));
	if (!r)
		return;
	snprintf(lp, sizeof(lp), "listenport=%u", b->res->port);
	if (sk) {
		pd_addr_format(&sk->local, addr, sizeof(addr));
		snprintf(la, sizeof(la), "listenaddress=%s", addr);
		add_run(b, r, fmt(b, _("delete the rule")), "netsh", "interface",
		        "portproxy", "delete", v6 ? "v6tov4" : "v4tov4", lp, la,
		        (const char *)NULL);
	} else {
		add_run(b, r, fmt(b, _("delete the rule")), "netsh", "interface",
		        "portproxy", "delete", "v4tov4", lp, (const char *)NULL);
	}
}

/* ------------------------------------------------------------ advice */

static void plan_reserve_linux(bld *b)
{
	pd_range one;
	pd_remedy *r;
	pd_step *st;

	memset(&one, 0, sizeof(one));
	one.start = one.end = b->res->port;
	r = add_remedy(b, PD_R_RESERVE_PORT, true, false, true,
	               fmt(b, _("Keep port %u from ephemeral use"), b->res->port),
	               fmt(b, _("adds %u to net.ipv4.ip_local_reserved_ports, "
	                        "merged with what is there, now and at boot, so "
	                        "outgoing connections never take it"),
	                   b->res->port),
	               fmt(b, _("none for explicit binds; it does not free the "
	                        "port if something holds it now")));
	st = add_step(b, r, PD_STEP_RESERVE, fmt(b, _("reserve %u"),
	                                         b->res->port));
	if (!st)
		return;
	st->path = rooted(b, PD_SYSCTL_RESERVED_FILE);
	st->ranges = malloc(sizeof(one));
	if (!st->ranges) {
		b->err = PD_ENOMEM;
		return;
	}
	st->ranges[0] = one;
	st->n_ranges = 1;
	if (pd_portlist_edit(b->s->reserved, b->s->n_reserved, &one, 1, false,
	                     &st->preview) < 0)
		b->err = PD_ENOMEM;
}

static void plan_advice(bld *b)
{
	const pd_finding *f;
	pd_remedy *r;

	if (has(b->res, PD_F_ADDRESS_NOT_LOCAL, &f)) {
		r = add_remedy(b, PD_R_USE_LOCAL_ADDRESS, false, false, false,
		               fmt(b, _("Use an address this machine has")),
		               fmt(b, _("publish on 0.0.0.0 or on one of the "
		                        "machine's addresses (portdoctor check lists "
		                        "them); a typo or a stale DHCP address is the "
		                        "usual cause")), NULL);
		add_manual(b, r, fmt(b, _("change the address in your command or "
		                          "compose file")));
	}
	if (has(b->res, PD_F_TIME_WAIT, NULL) &&
	    !has(b->res, PD_F_IN_USE, NULL)) {
		r = add_remedy(b, PD_R_WAIT_TIME_WAIT, false, false, false,
		               fmt(b, _("Wait for TIME_WAIT to end, or set "
		                        "SO_REUSEADDR")),
		               fmt(b, _("closed connections keep the port for up to "
		                        "a minute; servers that set SO_REUSEADDR "
		                        "bind anyway")), NULL);
		add_manual(b, r, fmt(b, _("retry in a minute")));
	}
	if (has(b->res, PD_F_OWNER_UNKNOWN, NULL) ||
	    (has(b->res, PD_F_IN_USE, &f) && f->n_sockets == 0)) {
		r = add_remedy(b, PD_R_FIND_OWNER, false, false, false,
		               fmt(b, _("Find out what holds it")),
		               fmt(b, _("the holder could not be named from this "
		                        "run")), NULL);
		add_manual(b, r, b->windows ?
		           fmt(b, _("run portdoctor from an elevated prompt")) :
		           fmt(b, _("run portdoctor as root: sudo portdoctor fix "
		                    "%u"), b->res->port));
	}
	if (has(b->res, PD_F_HTTP_SYS, NULL)) {
		r = add_remedy(b, PD_R_STOP_HTTP_SYS_USER, true, false, false,
		               fmt(b, _("Stop the service that registered the URL")),
		               fmt(b, _("http.sys listens for a service (IIS, WinRM, "
		                        "WSDAPI, SSRS...); stopping that service "
		                        "releases the port")),
		               fmt(b, _("that service stops")));
		add_manual(b, r, fmt(b, _("netsh http show servicestate "
		                          "view=requestq names it; then net stop "
		                          "SERVICE")));
	}
}

static void plan_other_port(bld *b)
{
	pd_remedy *r;
	uint16_t p = b->o ? b->o->other_port : 0;

	r = add_remedy(b, PD_R_USE_OTHER_PORT, false, false, false,
	               p ? fmt(b, _("Use port %u instead"), p) :
	               fmt(b, _("Use another port")),
	               p ? fmt(b, _("%u is free now on every address and lies "
	                            "outside the ephemeral and reserved ranges, "
	                            "so nothing takes it later"), p) :
	               fmt(b, _("a port outside the ephemeral and reserved ranges "
	                        "stays free")),
	               fmt(b, _("clients and configuration must use the new "
	                        "port")));
	add_manual(b, r, p ? fmt(b, _("use %u (more: portdoctor free --near %u)"),
	                         p, b->res->port) :
	           fmt(b, _("portdoctor free --near %u"), b->res->port));
}

/* Sets with_next on a remedy that must be followed by the next one. */
static void chain_windows(pd_plan *p)
{
	int a = pd_plan_find(p, PD_R_RESET_DYNAMIC_RANGE);
	int w = pd_plan_find(p, PD_R_RESTART_WINNAT);

	if (a >= 0 && w == a + 1)
		p->remedies[a].with_next = true;
}

static int start(bld *b, const pd_snapshot *s, const pd_result *res,
                 const pd_plan_opts *o, pd_plan **ret)
{
	if (!s || !res || !ret)
		return PD_EINVAL;
	memset(b, 0, sizeof(*b));
	b->s = s;
	b->res = res;
	b->o = o;
	b->windows = s->os && strcmp(s->os, "windows") == 0;
	pd_target_format(&res->target, res->port, b->tgt, sizeof(b->tgt));
	b->plan = calloc(1, sizeof(*b->plan));
	if (!b->plan)
		return PD_ENOMEM;
	b->plan->target = res->target;
	b->plan->port = res->port;
	b->plan->available = res->available;
	return 0;
}

static int finish(bld *b, pd_plan **ret)
{
	if (b->err) {
		pd_plan_free(b->plan);
		return b->err;
	}
	*ret = b->plan;
	return 0;
}

int pd_plan_build(const pd_snapshot *s, const pd_result *res,
                  const pd_plan_opts *o, pd_plan **ret)
{
	const pd_finding *f = NULL;
	bld b;
	int r = start(&b, s, res, o, ret);

	if (r < 0)
		return r;
	if (res->available)
		return finish(&b, ret);
	plan_holders(&b, false);
	if (has(res, PD_F_PORTPROXY, &f))
		plan_portproxy(&b, f);
	if (!b.windows && has(res, PD_F_PRIVILEGED_PORT, NULL))
		plan_privileged(&b);
	if (b.windows) {
		const pd_finding *ex = NULL;
		bool excluded = has(res, PD_F_EXCLUDED_RANGE, &ex);

		if ((excluded || has(res, PD_F_DYNAMIC_RANGE_MISCONFIGURED, NULL)) &&
		    win_dynamic_low(&b, res->target.proto))
			plan_reset_dynamic(&b);
		if (excluded)
			plan_restart_winnat(&b, ex->range);
		chain_windows(b.plan);
	} else if (has(res, PD_F_IN_DYNAMIC_RANGE, NULL) &&
	           !has(res, PD_F_RESERVED_PORT, NULL)) {
		plan_reserve_linux(&b);
	}
	plan_advice(&b);
	plan_other_port(&b);
	return finish(&b, ret);
}

int pd_plan_kill(const pd_snapshot *s, const pd_result *res,
                 const pd_plan_opts *o, pd_plan **ret)
{
	bld b;
	int r = start(&b, s, res, o, ret);

	if (r < 0)
		return r;
	plan_holders(&b, true);
	return finish(&b, ret);
}

static bool range_has_all(const pd_range *arr, size_t n, const pd_range *want,
                          pd_proto proto, bool administered_only)
{
	unsigned p;
	size_t i;

	for (p = want->start; p <= want->end; p++) {
		bool in = false;

		for (i = 0; i < n && !in; i++)
			in = p >= arr[i].start && p <= arr[i].end &&
			     (arr[i].proto == PD_PROTO_NONE || proto == PD_PROTO_NONE ||
			      arr[i].proto == proto) &&
			     (!administered_only || arr[i].administered);
		if (!in)
			return false;
	}
	return true;
}

static bool range_has_any(const pd_range *arr, size_t n, const pd_range *want,
                          pd_proto proto, bool administered_only)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (want->start <= arr[i].end && want->end >= arr[i].start &&
		    (arr[i].proto == PD_PROTO_NONE || proto == PD_PROTO_NONE ||
		     arr[i].proto == proto) &&
		    (!administered_only || arr[i].administered))
			return true;
	return false;
}

static void plan_reserve_win(bld *b, const pd_range *rs, size_t n,
                             bool remove, pd_proto proto)
{
	pd_remedy *r;
	size_t i;

	if (remove) {
		r = add_remedy(b, PD_R_DELETE_EXCLUDED_RANGE, true, false, true,
		               fmt(b, _("Release the administered exclusions")),
		               fmt(b, _("deletes the administered excluded port "
		                        "ranges, so the ports can be handed out "
		                        "again")),
		               fmt(b, _("WinNAT/Hyper-V may take them again")));
		for (i = 0; r && i < n; i++)
			add_exclusion_runs(b, r, proto, PD_FAMILY_ANY, rs[i].start,
			                   (unsigned)rs[i].end - rs[i].start + 1u, true);
		return;
	}
	r = add_remedy(b, PD_R_ADD_EXCLUDED_RANGE, true, false, true,
	               fmt(b, _("Reserve the ports as administered exclusions")),
	               fmt(b, _("stops winnat (which frees its run-time blocks), "
	                        "adds persistent administered excluded ranges, "
	                        "and starts winnat again; explicit binds still "
	                        "work, nothing else takes the ports")),
	               fmt(b, _("Docker Desktop, WSL2 and Hyper-V networking drop "
	                        "while winnat is stopped")));
	if (!r)
		return;
	add_run(b, r, fmt(b, _("stop WinNAT")), "net", "stop", "winnat",
	        (const char *)NULL);
	for (i = 0; i < n; i++)
		add_exclusion_runs(b, r, proto, PD_FAMILY_ANY, rs[i].start,
		                   (unsigned)rs[i].end - rs[i].start + 1u, false);
	add_run(b, r, fmt(b, _("start WinNAT")), "net", "start", "winnat",
	        (const char *)NULL);
}

int pd_plan_reserve(const pd_snapshot *s, const pd_range *ranges, size_t n,
                    bool remove, pd_proto proto, const pd_plan_opts *o,
                    pd_plan **ret)
{
	pd_result fake;
	pd_range *todo;
	size_t i, k = 0;
	pd_remedy *r;
	pd_step *st;
	bld b;
	int rc;

	memset(&fake, 0, sizeof(fake));
	fake.target.proto = proto ? proto : PD_PROTO_TCP;
	fake.port = n ? ranges[0].start : 0;
	fake.target.port_lo = fake.target.port_hi = fake.port;
	rc = start(&b, s, &fake, o, ret);
	if (rc < 0)
		return rc;
	todo = n ? calloc(n, sizeof(*todo)) : NULL;
	if (n && !todo) {
		pd_plan_free(b.plan);
		return PD_ENOMEM;
	}
	for (i = 0; i < n; i++) {
		bool done;

		if (b.windows)
			done = remove ?
			       !range_has_any(s->excluded, s->n_excluded, &ranges[i],
			                      fake.target.proto, true) :
			       range_has_all(s->excluded, s->n_excluded, &ranges[i],
			                     fake.target.proto, true);
		else
			done = remove ?
			       !range_has_any(s->reserved, s->n_reserved, &ranges[i],
			                      PD_PROTO_NONE, false) :
			       range_has_all(s->reserved, s->n_reserved, &ranges[i],
			                     PD_PROTO_NONE, false);
		if (!done)
			todo[k++] = ranges[i];
	}
	if (k && b.windows) {
		plan_reserve_win(&b, todo, k, remove, fake.target.proto);
	} else if (k) {
		r = add_remedy(&b, remove ? PD_R_UNRESERVE_PORT : PD_R_RESERVE_PORT,
		               true, false, true,
		               remove ? fmt(&b, _("Release reserved ports")) :
		               fmt(&b, _("Reserve ports")),
		               remove ?
		               fmt(&b, _("removes the ports from "
		                         "net.ipv4.ip_local_reserved_ports, keeping "
		                         "the rest of the list, now and at boot")) :
		               fmt(&b, _("adds the ports to "
		                         "net.ipv4.ip_local_reserved_ports, merged "
		                         "with what is there, now and at boot, so "
		                         "they are never handed out as ephemeral "
		                         "ports")),
		               remove ? fmt(&b, _("outgoing connections may take "
		                                  "them again")) :
		               fmt(&b, _("fewer ephemeral ports; explicit binds "
		                         "still work")));
		st = add_step(&b, r, PD_STEP_RESERVE,
		              remove ? fmt(&b, _("release them")) :
		              fmt(&b, _("reserve them")));
		if (st) {
			st->path = rooted(&b, PD_SYSCTL_RESERVED_FILE);
			st->remove = remove;
			st->ranges = todo;
			st->n_ranges = k;
			todo = NULL;
			if (pd_portlist_edit(s->reserved, s->n_reserved, st->ranges, k,
			                     remove, &st->preview) < 0)
				b.err = PD_ENOMEM;
		}
	}
	free(todo);
	return finish(&b, ret);
}

int pd_plan_find(const pd_plan *p, pd_remedy_id id)
{
	size_t i;

	for (i = 0; p && i < p->n_remedies; i++)
		if (p->remedies[i].id == id)
			return (int)i;
	return -1;
}

static void step_done(pd_step *st)
{
	size_t i;

	free(st->text);
	for (i = 0; st->argv && i < st->argc; i++)
		free(st->argv[i]);
	free(st->argv);
	free(st->path);
	free(st->content);
	free(st->name);
	free(st->value);
	free(st->ranges);
	free(st->preview);
	free(st->proc_name);
}

void pd_plan_free(pd_plan *p)
{
	size_t i, k;

	if (!p)
		return;
	for (i = 0; i < p->n_remedies; i++) {
		pd_remedy *r = &p->remedies[i];

		for (k = 0; k < r->n_steps; k++)
			step_done(&r->steps[k]);
		free(r->steps);
		free(r->title);
		free(r->what);
		free(r->side_effects);
		free(r->refusal);
	}
	free(p->remedies);
	free(p);
}

/* ------------------------------------------------------------- free */

bool pd_free_candidate(const pd_snapshot *s, pd_proto proto, uint16_t port,
                       char *why, size_t whysize)
{
	size_t i;

	if (port == 0) {
		snprintf(why, whysize, "port 0 means any port");
		return false;
	}
	if (s->unprivileged_port_start > 0 && port < s->unprivileged_port_start) {
		snprintf(why, whysize, _("below ip_unprivileged_port_start (%d)"),
		         s->unprivileged_port_start);
		return false;
	}
	for (i = 0; i < s->n_dynamic; i++) {
		const pd_range *r = &s->dynamic[i];

		if (port >= r->start && port <= r->end &&
		    (r->proto == PD_PROTO_NONE || r->proto == proto)) {
			snprintf(why, whysize, _("in the dynamic (ephemeral) range "
			                         "%u-%u"), r->start, r->end);
			return false;
		}
	}
	for (i = 0; i < s->n_reserved; i++) {
		const pd_range *r = &s->reserved[i];

		if (port >= r->start && port <= r->end) {
			snprintf(why, whysize, _("reserved (ip_local_reserved_ports "
			                         "%u-%u)"), r->start, r->end);
			return false;
		}
	}
	for (i = 0; i < s->n_excluded; i++) {
		const pd_range *r = &s->excluded[i];

		if (port >= r->start && port <= r->end &&
		    (r->proto == PD_PROTO_NONE || r->proto == proto)) {
			snprintf(why, whysize, _("in the excluded range %u-%u%s"),
			         r->start, r->end, r->administered ?
			         _(" (administered)") : "");
			return false;
		}
	}
	for (i = 0; i < s->n_sockets; i++) {
		const pd_socket *sk = &s->sockets[i];
		char a[PD_ADDR_STRLEN];

		if (sk->local_port != port || sk->proto != proto)
			continue;
		pd_addr_format(&sk->local, a, sizeof(a));
		snprintf(why, whysize, sk->local.family == PD_FAMILY_V6 ?
		         _("in use: %s %s [%s]:%u") : _("in use: %s %s %s:%u"),
		         pd_proto_name(sk->proto), pd_sock_state_name(sk->state), a,
		         port);
		return false;
	}
	return true;
}
