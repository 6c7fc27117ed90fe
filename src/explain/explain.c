/*
 * explain: from a parsed error message (parse_errmsg.c) to plain words and
 * to the target to check on this machine, and the text and JSON output
 * that merges the two.  Pure.
 *
 * What the words say is decided by the error class, then refined by the
 * tool and by where the error came from: a Winsock code or wording means
 * the failure happened on Windows, where "forbidden by its access
 * permissions" is first of all an excluded port range, and where a check
 * made on this (Linux) machine would look at the wrong computer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errmsg.h"
#include "explain.h"
#include "i18n.h"
#include "json_util.h"
#include "render.h"

bool pd_errmsg_from_windows(const pd_errmsg *e)
{
	if (e->os_name && strncmp(e->os_name, "WSA", 3) == 0)
		return true;
	return e->os_code >= 10000 && e->os_code < 12000;
}

int pd_errmsg_target(const pd_errmsg *e, pd_target *ret)
{
	pd_target t;

	if (e->port < 1 || e->port > 65535)
		return PD_EINVAL;
	memset(&t, 0, sizeof(t));
	t.proto = e->proto == PD_PROTO_UDP ? PD_PROTO_UDP : PD_PROTO_TCP;
	t.port_lo = t.port_hi = (uint16_t)e->port;
	if (!e->address || e->all_addresses) {
		t.host = PD_HOST_ALL;
	} else if (strcmp(e->address, "localhost") == 0) {
		t.host = PD_HOST_LOCALHOST;
	} else if (pd_addr_parse(e->address, strlen(e->address), &t.addr) == 0) {
		t.host = PD_HOST_ADDR;
	} else {
		/* A host name we cannot resolve offline: check every address. */
		t.host = PD_HOST_ALL;
	}
	*ret = t;
	return 0;
}

static const char *tool_label(const char *tool)
{
	static const struct {
		const char *id, *label;
	} names[] = {
		{"docker-desktop", "Docker Desktop"},
		{"docker", "Docker (dockerd)"},
		{"podman", "Podman"},
		{"compose", "Docker Compose"},
		{"kind", "kind"},
		{"k3d", "k3d"},
		{"minikube", "minikube"},
		{"nginx", "nginx"},
		{"apache", "Apache httpd"},
		{"node", "Node.js"},
		{"go", "a Go program"},
		{"java", "a Java program"},
		{"dotnet", ".NET (Kestrel)"},
		{"python", "a Python program"},
		{"ruby", "a Ruby program"},
		{"php", "PHP"},
		{"redis", "Redis"},
		{"postgres", "PostgreSQL"},
		{"mysql", "MySQL"},
		{"dnsmasq", "dnsmasq"},
		{"ssh", "ssh"},
		{"kubeadm", "kubeadm"},
	};
	size_t i;

	if (!tool)
		return _("a program");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(tool, names[i].id) == 0)
			return names[i].label;
	return tool;
}

/* "tcp 192.168.0.157:6555", "udp port 53", "tcp every address:8080" */
static void put_endpoint_words(pd_buf *b, const pd_errmsg *e)
{
	const char *p = e->proto ? pd_proto_name(e->proto) : NULL;

	if (p)
		pd_buf_printf(b, "%s ", p);
	if (e->port < 0) {
		pd_buf_puts(b, _("an unnamed port"));
		return;
	}
	if (e->address && strchr(e->address, ':'))
		pd_buf_printf(b, "[%s]:%d", e->address, e->port);
	else if (e->address)
		pd_buf_printf(b, "%s:%d", e->address, e->port);
	else
		pd_buf_printf(b, _("port %d on every address"), e->port);
}

int pd_explain_meaning(const pd_errmsg *e, char **ret)
{
	pd_buf b;
	bool win = pd_errmsg_from_windows(e);

	pd_buf_init(&b, 16384);
	pd__put_safe(&b, tool_label(e->tool), 64);
	pd_buf_puts(&b, _(" could not bind "));
	put_endpoint_words(&b, e);
	pd_buf_puts(&b, ". ");
	if (e->port < 0)
		pd_buf_puts(&b, _("The message does not say which port. Docker "
		                  "Desktop drops it in its short form: list what the "
		                  "container publishes (`docker compose config`, or "
		                  "`docker inspect -f '{{.HostConfig.PortBindings}}' "
		                  "NAME`), then run `portdoctor check PORT`. On "
		                  "Windows the usual cause is an excluded port range: "
		                  "`netsh int ipv4 show excludedportrange "
		                  "protocol=tcp` lists them. "));
	switch (e->error_class) {
	case PD_ERRCLASS_IN_USE:
		pd_buf_puts(&b, _("Another socket already holds that address and "
		                  "port: a process, a container's proxy, or a "
		                  "service."));
		if (win)
			pd_buf_puts(&b, _(" On Windows, `netstat -ano` may still show "
			                  "nothing when the holder is http.sys (PID 4) "
			                  "or a portproxy rule."));
		break;
	case PD_ERRCLASS_ALREADY_ALLOCATED:
		pd_buf_puts(&b, _("Docker's own port allocator refused before any "
		                  "bind: another container (running or not yet "
		                  "removed) already publishes this host port. "
		                  "`docker ps -a --filter publish=PORT` names it."));
		break;
	case PD_ERRCLASS_ACCESS_DENIED:
		if (win)
			pd_buf_puts(&b, _("On Windows this is, first of all, an excluded "
			                  "port range: Hyper-V/WinNAT reserved a block of "
			                  "ports that contains this one (common when the "
			                  "TCP dynamic port range was reset to start at "
			                  "1024). `netsh int ipv4 show excludedportrange "
			                  "protocol=tcp` shows it. Otherwise a program holds "
			                  "the port exclusively (SO_EXCLUSIVEADDRUSE)."));
		else
			pd_buf_puts(&b, _("The system refused the bind: a port below "
			                  "the unprivileged-port start for a user without "
			                  "CAP_NET_BIND_SERVICE (rootless Docker and "
			                  "Podman), or a security module (SELinux, "
			                  "AppArmor)."));
		break;
	case PD_ERRCLASS_PRIVILEGED:
		pd_buf_puts(&b, _("Ports below net.ipv4.ip_unprivileged_port_start "
		                  "(1024 by default) need root or "
		                  "CAP_NET_BIND_SERVICE; rootless Docker and rootless "
		                  "Podman cannot bind them."));
		break;
	case PD_ERRCLASS_ADDRESS_NOT_AVAILABLE:
		pd_buf_puts(&b, _("The address is not on this machine: a typo, a "
		                  "DHCP address that has changed, or a secondary IP "
		                  "that is not configured. Docker Desktop says \"can't "
		                  "bind on the specified endpoint\" for this. Publish "
		                  "on an address the machine has, or on 0.0.0.0."));
		break;
	default:
		if (e->port >= 0)
			pd_buf_puts(&b, _("The text does not say why; the check of the "
			                  "port on this machine below does."));
		break;
	}
	return pd__buf_finish(&b, ret);
}

/* ----------------------------------------------------------- rendering */

static void put_said(pd_buf *b, const pd_errmsg *e)
{
	pd_buf_puts(b, _("   error: "));
	pd_buf_puts(b, pd_errclass_name(e->error_class));
	if (e->os_name || e->os_code >= 0 || e->os_text) {
		pd_buf_puts(b, " (");
		if (e->os_name)
			pd__put_safe(b, e->os_name, 64);
		if (e->os_code >= 0)
			pd_buf_printf(b, "%s%d", e->os_name ? " " : "", e->os_code);
		if (e->os_text) {
			pd_buf_puts(b, (e->os_name || e->os_code >= 0) ? ": " : "");
			pd__put_safe(b, e->os_text, 200);
		}
		pd_buf_putc(b, ')');
	}
	pd_buf_putc(b, '\n');
	if (e->service || e->container) {
		pd_buf_puts(b, "   ");
		if (e->service) {
			pd_buf_puts(b, _("compose service "));
			pd__put_safe(b, e->service, 128);
			pd_buf_puts(b, e->container ? ", " : "");
		}
		if (e->container) {
			pd_buf_puts(b, _("container/endpoint "));
			pd__put_safe(b, e->container, 128);
		}
		pd_buf_putc(b, '\n');
	}
}

/* "port is already allocated": Docker's allocator names no container;
 * the engine's list does. */
static const pd_container *allocating_container(const pd_snapshot *s,
                                                const pd_result *r)
{
	pd_endpoint ep[2];

	pd_target_endpoints(&r->target, r->port, ep);
	return pd_container_publishing(s, r->target.proto,
	                               r->target.host == PD_HOST_ADDR ?
	                               &ep[0].addr : NULL, r->port, false);
}

static void put_allocating_container(pd_buf *b, const pd_snapshot *s,
                                     const pd_result *r)
{
	const pd_container *c = allocating_container(s, r);
	char cmd[512];

	if (!c) {
		if (s->engine_status == 1)
			pd_buf_puts(b, _("   no container of this engine publishes "
			                 "the port now: it was freed, or the conflict is "
			                 "with another engine\n"));
		return;
	}
	pd_buf_puts(b, _("   allocated to container "));
	pd__put_safe(b, c->name ? c->name : c->id, 128);
	pd_buf_puts(b, " (");
	pd__put_safe(b, c->image ? c->image : "?", 128);
	pd_buf_puts(b, ", ");
	pd__put_safe(b, c->state ? c->state : "?", 32);
	if (c->project && c->service) {
		pd_buf_puts(b, _(", compose "));
		pd__put_safe(b, c->project, 128);
		pd_buf_putc(b, '/');
		pd__put_safe(b, c->service, 128);
	}
	pd_buf_puts(b, ")\n");
	if (pd_container_command(c, pd_container_is_active(c) ? "stop" : "rm",
	                         cmd, sizeof(cmd)) == 0) {
		pd_buf_puts(b, _("   fix: "));
		pd__put_safe(b, cmd, 0);
		pd_buf_puts(b, _(", or publish another host port\n"));
	}
}

int pd_render_explain_text(const pd_explain *x, const pd_render_opts *o,
                           char **ret)
{
	pd_buf b;
	size_t i;

	pd_buf_init(&b, 0);
	for (i = 0; i < x->n_items; i++) {
		const pd_explain_item *it = &x->items[i];
		const pd_errmsg *e = it->err;

		pd_buf_printf(&b, "%zu. ", i + 1);
		pd__put_colored(&b, o, "\033[1m", "");
		pd__put_safe(&b, it->meaning, 0);
		pd_buf_putc(&b, '\n');
		pd_buf_puts(&b, _("   says: "));
		pd__put_safe(&b, e->text, 600);
		pd_buf_putc(&b, '\n');
		put_said(&b, e);
		if (it->result && e->error_class == PD_ERRCLASS_ALREADY_ALLOCATED)
			put_allocating_container(&b, x->report->snap, it->result);
		if (it->result) {
			pd_buf_puts(&b, _("   on this machine now:\n"));
			pd__render_result_text(&b, x->report->snap, it->result, o, "   ");
		} else if (it->why_no_check) {
			pd_buf_puts(&b, "   ");
			pd__put_safe(&b, it->why_no_check, 0);
			pd_buf_putc(&b, '\n');
		}
	}
	if (x->report)
		pd__put_notes(&b, x->report->snap, o);
	return pd__buf_finish(&b, ret);
}

static json_t *errmsg_json(const pd_explain *x, const pd_explain_item *it,
                           int *err)
{
	const pd_errmsg *e = it->err;
	json_t *o = json_object(), *os = json_object();

	if (!o || !os) {
		json_decref(o);
		json_decref(os);
		*err = PD_ENOMEM;
		return NULL;
	}
	pd__jset(o, "text", pd__jstr(e->text), err);
	pd__jset(o, "tool", pd__jstr(e->tool), err);
	pd__jset(o, "service", pd__jstr(e->service), err);
	pd__jset(o, "container", pd__jstr(e->container), err);
	pd__jset(o, "address", pd__jstr(e->address), err);
	pd__jset(o, "all_addresses", json_boolean(e->all_addresses), err);
	pd__jset(o, "port", e->port < 0 ? json_null() : json_integer(e->port), err);
	pd__jset(o, "proto", pd__jstr(pd_proto_name(e->proto)), err);
	pd__jset(o, "error_class", json_string(pd_errclass_name(e->error_class)),
	         err);
	pd__jset(os, "code", e->os_code < 0 ? json_null() : json_integer(e->os_code),
	         err);
	pd__jset(os, "name", pd__jstr(e->os_name), err);
	pd__jset(os, "text", pd__jstr(e->os_text), err);
	pd__jset(o, "os_error", os, err);
	pd__jset(o, "windows", json_boolean(pd_errmsg_from_windows(e)), err);
	pd__jset(o, "meaning", pd__jstr(it->meaning), err);
	pd__jset(o, "result", it->result ?
	         pd__result_json(x->report->snap, it->result, err) : json_null(),
	         err);
	pd__jset(o, "no_check_reason", pd__jstr(it->why_no_check), err);
	if (it->result && e->error_class == PD_ERRCLASS_ALREADY_ALLOCATED) {
		const pd_container *c = allocating_container(x->report->snap,
		                                             it->result);

		pd__jset(o, "allocated_to", c ? pd__container_json(c, err) :
		         json_null(), err);
	}
	return o;
}

int pd_render_explain_json(const pd_explain *x, char **ret)
{
	json_t *root = json_object(), *a = json_array();
	int err = 0, r;
	size_t i;

	if (!root || !a) {
		json_decref(root);
		json_decref(a);
		return PD_ENOMEM;
	}
	pd__jset(root, "schema", json_string("portdoctor.explain.v1"), &err);
	pd__jset(root, "host", x->report ? pd__host_json(x->report->snap, &err) :
	         json_null(), &err);
	for (i = 0; i < x->n_items; i++)
		if (json_array_append_new(a, errmsg_json(x, &x->items[i], &err)) < 0)
			err = PD_ENOMEM;
	pd__jset(root, "errors", a, &err);
	r = err ? err : pd__jdump(root, true, ret);
	json_decref(root);
	return r;
}
