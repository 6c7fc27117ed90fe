/*
 * Remedies that end what holds the port: its container (through the
 * engine, never by killing the proxy), systemd-resolved's stub listener,
 * its systemd unit or Windows service, and last the processes themselves.
 * Pure.
 *
 * The refusals live here, next to the only remedies that end things, so
 * fix and kill refuse alike (see remedy.c).  Signals use Linux numbering
 * on every OS: a plan is data, and the Windows actuator ends a process
 * without one.
 */
#include <stdlib.h>
#include <string.h>

#include "core/ascii.h"
#include "core/buf.h"
#include "core/i18n.h"
#include "core/sanitize.h"
#include "remedy_internal.h"

#define SIG_TERM 15
/* How much of a process, unit or container name a plan shows: the names
 * come from the machine (anyone can name a process), so they are escaped
 * and cut (pd__shown) before they enter a title or a step. */
#define NAME_SHOWN 64

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

/* ---------------------------------------------------------- holders */

/* Lowercase: names match ignoring ASCII case, since Windows image names
 * are case-insensitive and a renamed copy ("SSHD") must not slip through.
 * sshd-session is OpenSSH 9.8's per-connection process: it holds the
 * ports of -R and X11 forwards, and ending it ends a login (OpenSSH 10
 * splits sshd-auth off the same way). */
static const char *const critical_names[] = {
	"systemd", "init", "sshd", "sshd-session", "sshd-auth", "dbus-daemon",
	"dbus-broker", "containerd", "dockerd", "kthreadd", "networkmanager",
	"polkitd", "udevd", "system", "smss.exe", "csrss.exe", "wininit.exe",
	"services.exe", "lsass.exe", "svchost.exe", "winlogon.exe",
};

static const char *const critical_units[] = {
	"ssh.service", "sshd.service", "dbus.service", "dbus-broker.service",
	"docker.service", "containerd.service", "networkmanager.service",
};

/* Whether s is one of the lowercase words of list (or starts with
 * "systemd-"), ignoring ASCII case. */
static bool in_list_icase(const char *s, const char *const *list, size_t n)
{
	size_t i, len;

	if (!s)
		return false;
	len = strlen(s);
	if (len > 8 && pd__ascii_ieq(s, 8, "systemd-"))
		return true;
	for (i = 0; i < n; i++)
		if (pd__ascii_ieq(s, len, list[i]))
			return true;
	return false;
}

static bool is_critical_name(const char *name)
{
	return in_list_icase(name, critical_names,
	                     sizeof(critical_names) / sizeof(critical_names[0]));
}

static bool is_critical_unit(const char *unit)
{
	return in_list_icase(unit, critical_units,
	                     sizeof(critical_units) / sizeof(critical_units[0]));
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
static char *refusal_for(pd_bld *b, const pd_process *p)
{
	char nb[PD_SHOWN_SIZE];
	const char *n = pd__shown(p->name, NAME_SHOWN, nb, sizeof(nb));

	if (p->pid <= 1)
		return pd__fmt(b, _("PID %d (%s) holds it: portdoctor never ends the "
		                    "system's init or a container's main process; stop "
		                    "what runs it instead"), p->pid, n);
	if (b->windows && p->pid == 4)
		return pd__fmt(b, _("PID 4 (System) holds it: that is the kernel "
		                    "(http.sys for a registered URL, SMB on 445, "
		                    "NetBIOS on 139); stop the service behind it "
		                    "instead"));
	if (!b->windows && (p->pid == 2 || p->ppid == 2))
		return pd__fmt(b, _("%s (pid %d) is a kernel thread"), n, p->pid);
	if (b->o && (p->pid == b->o->self_pid || p->pid == b->o->parent_pid))
		return pd__fmt(b, _("%s (pid %d) is portdoctor itself or the program "
		                    "that started it"), n, p->pid);
	if (is_critical_name(p->name))
		return pd__fmt(b, _("%s (pid %d) is one of the system's critical "
		                    "services; stop it yourself if you mean it"), n,
		               p->pid);
	return NULL;
}

/* The processes holding res's port, in finding order, each once. */
static size_t holders(const pd_bld *b, const pd_process **out, size_t max,
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
static const pd_container *container_for(const pd_bld *b)
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

/* A pod's ports belong to its infra container, which every member shares:
 * stopping the pod releases them and leaves no member without its network
 * (stopping the infra container alone leaves the pod "Degraded"). */
static void plan_pod(pd_bld *b, const pd_container *c)
{
	pd_remedy *r;

	r = pd__add_remedy(b, PD_R_STOP_CONTAINER, false, false, true,
	                   pd__fmt(b, _("Stop the pod %s"), c->pod),
	                   pd__fmt(b, _("stops pod %s through podman, with every "
	                                "container in it, which releases every "
	                                "port it publishes, %s among them"),
	                           c->pod, b->tgt),
	                   pd__fmt(b, _("the pod's containers are down until "
	                                "`podman pod start %s`"), c->pod));
	if (r && c->endpoint)
		pd__add_run(b, r, pd__fmt(b, _("stop pod %s"), c->pod), "podman",
		            "--url", c->endpoint, "pod", "stop", c->pod,
		            (const char *)NULL);
	else if (r)
		pd__add_run(b, r, pd__fmt(b, _("stop pod %s"), c->pod), "podman",
		            "pod", "stop", c->pod, (const char *)NULL);
}

static void plan_container(pd_bld *b, const pd_container *c)
{
	const char *engine = c->engine && strcmp(c->engine, "podman") == 0 ?
	                     "podman" : "docker";
	const char *name = c->name && *c->name ? c->name : c->id;
	char nb[PD_SHOWN_SIZE], ib[PD_SHOWN_SIZE];
	const char *shown = pd__shown(name, NAME_SHOWN * 2, nb, sizeof(nb));
	pd_remedy *r;

	if (c->pod && strcmp(engine, "podman") == 0) {
		plan_pod(b, c);
		return;
	}
	r = pd__add_remedy(b, PD_R_STOP_CONTAINER, false, false, true,
	                   pd__fmt(b, _("Stop the container %s"), shown),
	                   pd__fmt(b, _("stops container %s (image %s) through %s, "
	                                "which releases every port it publishes, "
	                                "%s among them"), shown,
	                           pd__shown(c->image, NAME_SHOWN * 2, ib,
	                                     sizeof(ib)), engine, b->tgt),
	                   pd__fmt(b, _("the container's service is down until `%s "
	                                "start %s`; a restart policy or compose "
	                                "may start it again"), engine, shown));
	/* The engine that listed it, where the CLI would reach another. */
	if (r && c->endpoint)
		pd__add_run(b, r, pd__fmt(b, _("stop container %s"), shown), engine,
		            strcmp(engine, "podman") == 0 ? "--url" : "-H",
		            c->endpoint, "stop", name, (const char *)NULL);
	else if (r)
		pd__add_run(b, r, pd__fmt(b, _("stop container %s"), shown), engine,
		            "stop", name, (const char *)NULL);
}

static void plan_proxy_unknown(pd_bld *b)
{
	pd_remedy *r;

	r = pd__add_remedy(b, PD_R_STOP_CONTAINER, false, false, false,
	                   pd__fmt(b, _("Stop the container that publishes "
	                                "port %u"), b->res->port),
	                   pd__fmt(b, _("a container engine's proxy holds the "
	                                "port; stopping the container releases "
	                                "it")),
	                   pd__fmt(b, _("the container's service is down until it "
	                                "is started again")));
	if (r) {
		r->refusal = pd__fmt(b, _("the container is not known (no engine "
		                          "answered): portdoctor stops containers "
		                          "through their engine, never by killing the "
		                          "proxy"));
		pd__add_manual(b, r, pd__fmt(b, _("find it: docker ps --filter "
		                                  "publish=%u (or podman ps), then "
		                                  "docker stop NAME"),
		                             b->res->port));
	}
}

static bool user_unit(const pd_process *p)
{
	return p->cgroup && strstr(p->cgroup, "/user@") != NULL;
}

static void plan_resolved(pd_bld *b)
{
	pd_remedy *r;
	pd_step *st;

	r = pd__add_remedy(b, PD_R_RESOLVED_STUB_OFF, true, false, true,
	                   pd__fmt(b, _("Turn off systemd-resolved's stub "
	                                "listener")),
	                   pd__fmt(b, _("a drop-in sets DNSStubListener=no, and "
	                                "systemd-resolved restarts without its "
	                                "127.0.0.53:53 listener; it keeps "
	                                "resolving names")),
	                   pd__fmt(b, _("programs that use 127.0.0.53 as their DNS "
	                                "server (the usual /etc/resolv.conf) lose "
	                                "DNS until resolv.conf points at "
	                                "/run/systemd/resolve/resolv.conf")));
	if (!r)
		return;
	st = pd__add_step(b, r, PD_STEP_WRITE_FILE,
	                  pd__fmt(b, _("write the drop-in")));
	if (st) {
		st->path = pd__rooted(b, PD_RESOLVED_DROPIN_FILE);
		st->content = pd__sdup(b, "# Written by portdoctor fix: frees "
		                          "port 53.\n"
		                          "[Resolve]\nDNSStubListener=no\n");
	}
	pd__add_run(b, r, pd__fmt(b, _("restart systemd-resolved")), "systemctl",
	            "restart", "systemd-resolved.service", (const char *)NULL);
	pd__add_manual(b, r, pd__fmt(b, _("if /etc/resolv.conf points at "
	                                  "127.0.0.53: "
	                                  "ln -sf /run/systemd/resolve/resolv.conf "
	                                  "/etc/resolv.conf")));
}

static void plan_unit(pd_bld *b, const pd_process *p)
{
	const char *unit = p->service;
	char ub[PD_SHOWN_SIZE];
	const char *shown = pd__shown(unit, NAME_SHOWN * 2, ub, sizeof(ub));
	bool user = user_unit(p);
	pd_remedy *r;

	if (b->windows) {
		if (strchr(unit, ',') || strchr(unit, ' '))
			return; /* several services share the process */
		r = pd__add_remedy(b, PD_R_STOP_UNIT, true, false, true,
		                   pd__fmt(b, _("Stop the service %s"), shown),
		                   pd__fmt(b, _("stops the Windows service %s, which "
		                                "holds %s"), shown, b->tgt),
		                   pd__fmt(b, _("what the service does stops; it "
		                                "starts again at boot if it is "
		                                "automatic")));
		if (r)
			pd__add_run(b, r, pd__fmt(b, _("stop the service")), "net", "stop",
			            unit, (const char *)NULL);
		return;
	}
	r = pd__add_remedy(b, PD_R_STOP_UNIT, !user, false, true,
	                   pd__fmt(b, _("Stop the systemd unit %s"), shown),
	                   pd__fmt(b, _("stops %s as a unit, so systemd does not "
	                                "restart it and every process of it "
	                                "ends"), shown),
	                   pd__fmt(b, _("the service is down; it starts again at "
	                                "boot unless disabled (systemctl %sdisable "
	                                "%s)"),
	                           user ? "--user " : "", shown));
	if (!r)
		return;
	if (is_critical_unit(unit))
		r->refusal = pd__fmt(b, _("%s is one of the system's critical services "
		                          "(remote logins, the bus, containers): stop "
		                          "it yourself if you mean it"), shown);
	if (user)
		pd__add_run(b, r, pd__fmt(b, _("stop the unit")), "systemctl",
		            "--user", "stop", unit, (const char *)NULL);
	else
		pd__add_run(b, r, pd__fmt(b, _("stop the unit")), "systemctl",
		            "stop", unit, (const char *)NULL);
}

static bool same_user(const pd_bld *b, const pd_process *p)
{
	return p->uid >= 0 && b->s->uid >= 0 && p->uid == b->s->uid;
}

static void plan_processes(pd_bld *b, const pd_process **ps, size_t n)
{
	int sig = b->o && b->o->signal ? b->o->signal : SIG_TERM;
	const char *sname = pd_signal_name(sig);
	bool root = false, unit = false;
	pd_remedy *r;
	pd_buf names;
	char *list, nb[PD_SHOWN_SIZE];
	size_t i;

	pd_buf_init(&names, 0);
	for (i = 0; i < n; i++) {
		pd_buf_printf(&names, "%s%s (pid %d)", i ? ", " : "",
		              pd__shown(ps[i]->name, NAME_SHOWN, nb, sizeof(nb)),
		              ps[i]->pid);
		root = root || !same_user(b, ps[i]);
		unit = unit || (ps[i]->service && !b->windows);
	}
	list = pd_buf_steal(&names);
	pd_buf_done(&names);
	if (!list) {
		b->err = PD_ENOMEM;
		return;
	}
	r = pd__add_remedy(b, PD_R_STOP_PROCESS, root, false, true,
	                   pd__fmt(b, _("End %s"), list),
	                   b->windows ?
	                   pd__fmt(b, _("ends the process holding %s (checked to "
	                                "be the same process first)"), b->tgt) :
	                   pd__fmt(b, _("sends SIG%s to the process holding %s "
	                                "through a pidfd, after checking it is "
	                                "still the same process, and waits for the "
	                                "port to be free"),
	                           sname ? sname : "?", b->tgt),
	                   pd__fmt(b, _("unsaved work in it is lost%s"),
	                           unit ? _("; systemd may start it again "
	                                    "(Restart=)") : ""));
	free(list);
	if (!r)
		return;
	for (i = 0; i < n && !r->refusal; i++)
		r->refusal = refusal_for(b, ps[i]);
	for (i = 0; i < n; i++) {
		pd_step *st = pd__add_step(b, r, PD_STEP_KILL,
		                           pd__fmt(b, _("end %s (pid %d)"),
		                                   pd__shown(ps[i]->name, NAME_SHOWN,
		                                             nb, sizeof(nb)),
		                                   ps[i]->pid));

		if (!st)
			return;
		st->pid = ps[i]->pid;
		st->start_time = ps[i]->start_time;
		st->proc_name = pd__sdup(b, ps[i]->name);
		st->signal = sig;
	}
}

/* Holder remedies: container, resolved, unit, process.  With kill_only,
 * units are not stopped as units (kill ends processes). */
void pd__plan_holders(pd_bld *b, bool kill_only)
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
