/*
 * Text pieces about containers, shared by check, doctor and list output.
 * Names come from the engine or a snapshot: they go through pd__put_safe.
 */
#include <string.h>

#include "core/buf.h"
#include "docker/docker.h"
#include "core/i18n.h"
#include "render.h"

/* "web (nginx:1.25, running; compose shop/web)", "web (img, running;
 * podman; pod shop)" */
void pd__put_container(pd_buf *b, const pd_container *c)
{
	pd__put_safe(b, c->name ? c->name : c->id, 128);
	pd_buf_puts(b, " (");
	pd__put_safe(b, c->image, 128);
	pd_buf_puts(b, ", ");
	pd__put_safe(b, c->state, 32);
	if (c->project && c->service) {
		pd_buf_puts(b, _("; compose "));
		pd__put_safe(b, c->project, 64);
		pd_buf_putc(b, '/');
		pd__put_safe(b, c->service, 64);
	}
	if (c->engine && strcmp(c->engine, "docker") != 0) {
		pd_buf_puts(b, "; ");
		pd__put_safe(b, c->engine, 16);
	}
	if (c->pod) {
		pd_buf_puts(b, _("; pod "));
		pd__put_safe(b, c->pod, 128);
	}
	pd_buf_putc(b, ')');
}

void pd__put_container_evidence(pd_buf *b, const pd_container *c)
{
	pd_buf_puts(b, _("          container "));
	pd__put_container(b, c);
	pd_buf_putc(b, '\n');
}

void pd__put_container_fix(pd_buf *b, const pd_container *c, bool active)
{
	char cmd[512];

	if (pd_container_command(c, active ? "stop" : "rm", cmd, sizeof(cmd)) < 0)
		return;
	pd_buf_puts(b, active ? _("          fix: stop the container: ") :
	            _("          fix: remove it, or change the port it "
	              "publishes: "));
	pd__put_safe(b, cmd, 0);
	pd_buf_puts(b, active ? _(", or publish another port\n") : "\n");
}
