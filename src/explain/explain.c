/*
 * explain: from a parsed error message (parse.c) to plain words and to the
 * target to check on this machine.  Pure.  The text and JSON output that
 * merges the two is src/render/explain.c.
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

#include "core/buf.h"
#include "errmsg.h"
#include "explain.h"
#include "core/i18n.h"
#include "core/json_util.h"
#include "core/sanitize.h"

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
	/* TRANSLATORS: ends "TOOL could not bind ENDPOINT"; the meaning
	 * follows. */
	pd_buf_puts(&b, _(". "));
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
