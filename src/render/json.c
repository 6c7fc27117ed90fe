/*
 * JSON output of every command (docs/json.md).  Each document is an object
 * with "schema": "portdoctor.<command>.v1"; finding codes and field names
 * are stable.  Strings from outside are made valid UTF-8 (pd__jstr) and
 * jansson escapes control characters, so hostile names stay inert.
 */
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "docker/docker.h"
#include "core/json_util.h"
#include "portdoctor/portdoctor.h"
#include "render.h"
#include "win_holders.h"


static json_t *owner_json(const pd_snapshot *s, int pid, int *err)
{
	const pd_process *p = pd_snapshot_find_process(s, pid);
	json_t *o = json_object();

	if (!o) {
		*err = PD_ENOMEM;
		return NULL;
	}
	pd__jset(o, "pid", json_integer(pid), err);
	pd__jset(o, "name", pd__jstr(p ? p->name : NULL), err);
	pd__jset(o, "exe", pd__jstr(p ? p->exe : NULL), err);
	pd__jset(o, "cmdline", pd__jstr(p ? p->cmdline : NULL), err);
	pd__jset(o, "user", pd__jstr(p ? p->user : NULL), err);
	pd__jset(o, "uid", p && p->uid >= 0 ? json_integer(p->uid) : json_null(),
	         err);
	pd__jset(o, "ppid", p && p->ppid >= 0 ? json_integer(p->ppid) : json_null(),
	         err);
	pd__jset(o, "start_time", p && p->start_time >= 0 ?
	         json_integer(p->start_time) : json_null(), err);
	pd__jset(o, "cwd", pd__jstr(p ? p->cwd : NULL), err);
	pd__jset(o, "cgroup", pd__jstr(p ? p->cgroup : NULL), err);
	pd__jset(o, "service", pd__jstr(p ? p->service : NULL), err);
	return o;
}

static const char *owner_status_name(pd_owner_status st)
{
	return pd__owner_status_names[st & 3];
}

static json_t *socket_json(const pd_snapshot *s, const pd_socket *sk, int *err)
{
	json_t *o = json_object();

	if (!o) {
		*err = PD_ENOMEM;
		return NULL;
	}
	pd__jset(o, "proto", pd__jstr(pd_proto_name(sk->proto)), err);
	pd__jset(o, "address", pd__jaddr(&sk->local), err);
	pd__jset(o, "port", json_integer(sk->local_port), err);
	pd__jset(o, "state", json_string(pd_sock_state_name(sk->state)), err);
	pd__jset(o, "v6only", pd__jtristate(sk->v6only), err);
	if (sk->remote_port) {
		pd__jset(o, "remote_address", pd__jaddr(&sk->remote), err);
		pd__jset(o, "remote_port", json_integer(sk->remote_port), err);
	}
	pd__jset(o, "uid", sk->uid >= 0 ? json_integer(sk->uid) : json_null(), err);
	pd__jset(o, "owner_status", json_string(owner_status_name(sk->owner_status)),
	         err);
	(void)s;
	return o;
}

static json_t *endpoint_json(const pd_endpoint *ep, int *err)
{
	json_t *o = json_object();

	if (!o) {
		*err = PD_ENOMEM;
		return NULL;
	}
	pd__jset(o, "proto", pd__jstr(pd_proto_name(ep->proto)), err);
	pd__jset(o, "address", pd__jaddr(&ep->addr), err);
	pd__jset(o, "port", json_integer(ep->port), err);
	return o;
}

/* The owners of f's sockets, each pid once, in the order first met.  A
 * socket can list 100,000 pids (a prefork server): duplicates are dropped
 * by sorting (pd__uniq_ints), not by comparing each pid with every one
 * before it. */
static void put_owners(json_t *owners, const pd_snapshot *s,
                       const pd_finding *f, int *err)
{
	size_t i, n = 0;
	int *pids;
	long m;

	for (i = 0; i < f->n_sockets; i++)
		n += s->sockets[f->sockets[i]].n_pids;
	if (!n)
		return;
	pids = pd__reallocarray(NULL, n, sizeof(*pids));
	if (!pids) {
		*err = PD_ENOMEM;
		return;
	}
	n = 0;
	for (i = 0; i < f->n_sockets; i++) {
		const pd_socket *sk = &s->sockets[f->sockets[i]];

		if (sk->n_pids)
			memcpy(pids + n, sk->pids, sk->n_pids * sizeof(*pids));
		n += sk->n_pids;
	}
	m = pd__uniq_ints(pids, n);
	if (m < 0)
		*err = (int)m;
	for (i = 0; m > 0 && i < (size_t)m; i++)
		json_array_append_new(owners, owner_json(s, pids[i], err));
	free(pids);
}

static json_t *finding_json(const pd_snapshot *s, const pd_finding *f,
                            int *err)
{
	json_t *o = json_object(), *socks = json_array(), *owners = json_array();
	size_t i;

	if (!o || !socks || !owners) {
		json_decref(o);
		json_decref(socks);
		json_decref(owners);
		*err = PD_ENOMEM;
		return NULL;
	}
	pd__jset(o, "code", json_string(pd_finding_name(f->code)), err);
	pd__jset(o, "severity", json_string(pd_severity_name(f->severity)), err);
	/* Only inside WSL, where two machines answer. */
	if (s->machine)
		pd__jset(o, "machine", json_string(s->machine), err);
	pd__jset(o, "message", pd__jstr(f->message), err);
	pd__jset(o, "endpoint", endpoint_json(&f->endpoint, err), err);
	for (i = 0; i < f->n_sockets; i++)
		json_array_append_new(socks, socket_json(s, &s->sockets[f->sockets[i]],
		                                         err));
	put_owners(owners, s, f, err);
	pd__jset(o, "sockets", socks, err);
	if (f->code == PD_F_IN_USE || f->code == PD_F_HTTP_SYS ||
	    f->code == PD_F_PORTPROXY)
		pd__jset(o, "owners", owners, err);
	else
		json_decref(owners);
	pd__jset(o, "range", f->range ? pd__jrange(f->range, true) : json_null(),
	         err);
	if (f->bind_err) {
		json_t *be = json_object();

		if (be) {
			pd__jset(be, "code", json_string(pd_err_name(f->bind_err)), err);
			pd__jset(be, "os_code", f->os_code ? json_integer(f->os_code) :
			         json_null(), err);
			pd__jset(be, "os_name", pd__jstr(f->os_name), err);
		}
		pd__jset(o, "bind_error", be, err);
	}
	if (f->code == PD_F_ADDRESS_NOT_LOCAL) {
		json_t *a = json_array();

		for (i = 0; a && i < s->n_addrs; i++)
			json_array_append_new(a, pd__jaddr(&s->addrs[i].addr));
		pd__jset(o, "local_addresses", a, err);
	}
	if (f->container)
		pd__jset(o, "container", pd__container_brief_json(f->container, err),
		         err);
	pd__win_holders_json(o, s, f, err);
	return o;
}

static json_t *target_json(const pd_target *t, uint16_t port, int *err)
{
	json_t *o = json_object();

	if (!o) {
		*err = PD_ENOMEM;
		return NULL;
	}
	pd__jset(o, "proto", pd__jstr(pd_proto_name(t->proto)), err);
	pd__jset(o, "address", t->host == PD_HOST_ALL ? json_null() :
	         t->host == PD_HOST_LOCALHOST ? json_string("localhost") :
	         pd__jaddr(&t->addr), err);
	pd__jset(o, "port", json_integer(port), err);
	return o;
}

json_t *pd__result_json(const pd_snapshot *s, const pd_result *r, int *err)
{
	json_t *o = json_object(), *fs = json_array();
	size_t i;

	if (!o || !fs) {
		json_decref(o);
		json_decref(fs);
		*err = PD_ENOMEM;
		return NULL;
	}
	pd__jset(o, "target", target_json(&r->target, r->port, err), err);
	pd__jset(o, "available", json_boolean(r->available), err);
	pd__jset(o, "tested", json_boolean(r->tested), err);
	for (i = 0; i < r->n_findings; i++)
		json_array_append_new(fs, finding_json(s, &r->findings[i], err));
	pd__jset(o, "findings", fs, err);
	return o;
}

json_t *pd__host_json(const pd_snapshot *s, int *err)
{
	json_t *o = json_object(), *notes = json_array();
	size_t i;

	if (!o || !notes) {
		json_decref(o);
		json_decref(notes);
		*err = PD_ENOMEM;
		return NULL;
	}
	pd__jset(o, "os", pd__jstr(s->os), err);
	pd__jset(o, "os_detail", pd__jstr(s->os_detail), err);
	pd__jset(o, "hostname", pd__jstr(s->hostname), err);
	pd__jset(o, "privileged", json_boolean(s->privileged), err);
	pd__jset(o, "owners_partial", json_boolean(s->owners_partial), err);
	if (s->os && strcmp(s->os, "windows") == 0) {
		json_t *w = json_object();

		if (w) {
			pd__jset(w, "winnat_running", pd__jtristate(s->winnat_running),
			         err);
			pd__jset(w, "hyperv_present", pd__jtristate(s->hyperv_present),
			         err);
			pd__jset(w, "wsl_present", pd__jtristate(s->wsl_present), err);
			pd__jset(w, "docker_desktop_present",
			         pd__jtristate(s->docker_desktop_present), err);
			pd__jset(w, "wsl_mirrored", pd__jtristate(s->wsl_mirrored),
			         err);
		}
		pd__jset(o, "windows", w, err);
	}
	for (i = 0; i < s->n_notes; i++) {
		json_t *n = json_object();

		if (n) {
			pd__jset(n, "code", pd__jstr(s->notes[i].code), err);
			pd__jset(n, "message", pd__jstr(s->notes[i].message), err);
		}
		if (!n || json_array_append_new(notes, n) < 0)
			*err = PD_ENOMEM;
	}
	pd__jset(o, "notes", notes, err);
	return o;
}

static int finish(json_t *root, int err, char **ret)
{
	int r = err;

	if (!root)
		return PD_ENOMEM;
	if (!r)
		r = pd__jdump(root, true, ret);
	json_decref(root);
	return r;
}

static json_t *doc(const char *schema, const pd_snapshot *s, int *err)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	pd__jset(o, "schema", json_string(schema), err);
	pd__jset(o, "host", pd__host_json(s, err), err);
	return o;
}

static json_t *results_json(const pd_report *r, int *err)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < r->n_results; i++)
		json_array_append_new(a, pd__result_json(r->snap, &r->results[i], err));
	return a;
}

int pd_render_check_json(const pd_report *r, char **ret)
{
	int err = 0;
	json_t *o = doc("portdoctor.check.v1", r->snap, &err);

	if (o)
		pd__jset(o, "results", results_json(r, &err), &err);
	return finish(o, err, ret);
}

/* One socket of `list`, with its owners and container. */
static json_t *list_entry_json(const pd_snapshot *s, const pd_socket *sk,
                               int *err)
{
	json_t *e = socket_json(s, sk, err), *owners = json_array();
	size_t k;

	for (k = 0; owners && k < sk->n_pids; k++)
		json_array_append_new(owners, owner_json(s, sk->pids[k], err));
	if (e)
		pd__jset(e, "owners", owners, err);
	else
		json_decref(owners);
	if (e && pd__socket_container(s, sk))
		pd__jset(e, "container", pd__container_brief_json(
		         pd__socket_container(s, sk), err), err);
	if (!e)
		*err = PD_ENOMEM;
	return e;
}

/* The texts list_entry_text reuses: each owner's object, dumped once per
 * process rather than once per socket (a server holds many). */
typedef struct list_texts {
	char **owner; /* by index into s->procs, NULL until dumped */
	pd_buf el;    /* the element being put together */
} list_texts;

/* Appends text to b with every newline followed by indent. */
static void put_indented(pd_buf *b, const char *text, size_t len,
                         const char *indent)
{
	const char *p = text, *end = text + len, *nl;

	while ((nl = memchr(p, '\n', (size_t)(end - p)))) {
		pd_buf_append(b, p, (size_t)(nl + 1 - p));
		pd_buf_puts(b, indent);
		p = nl + 1;
	}
	pd_buf_append(b, p, (size_t)(end - p));
}

/* v dumped as pd__jdump does, without its final newline; v is released.
 * NULL when out of memory. */
static char *dump_json(json_t *v, int err)
{
	char *text = NULL;
	size_t n;

	if (!err && v && pd__jdump(v, true, &text) == 0) {
		n = strlen(text);
		if (n && text[n - 1] == '\n')
			text[n - 1] = '\0';
	}
	json_decref(v);
	return text;
}

/* The owner object of pid, dumped (cached when pid is in s->procs). */
static const char *owner_text(const pd_snapshot *s, int pid, list_texts *lt,
                              char **ret_tmp)
{
	const pd_process *p = pd_snapshot_find_process(s, pid);
	size_t i = p ? (size_t)(p - s->procs) : 0;
	int err = 0;
	char *text;

	*ret_tmp = NULL;
	if (p && lt->owner[i])
		return lt->owner[i];
	text = dump_json(owner_json(s, pid, &err), err);
	if (p)
		lt->owner[i] = text;
	else
		*ret_tmp = text;
	return text;
}

/* Element i of the "sockets" array with the comma and newline that
 * precede it, into b (emptied first), exactly as jansson would write it
 * inside the whole document (indent 2, two levels deep: every line after
 * the first indented by four more spaces; JSON strings hold no raw
 * newline).  The socket's own fields are dumped by jansson; the "owners"
 * array is put after them in jansson's layout from the cached owner
 * texts.  A socket with a container goes through jansson whole. */
static int list_entry_text(const pd_snapshot *s, const pd_socket *sk,
                           size_t i, list_texts *lt, pd_buf *b)
{
	pd_buf *el = &lt->el;
	int err = 0;
	json_t *e;
	char *text, *tmp;
	const char *ot;
	size_t k, n;

	b->len = 0;
	el->len = 0;
	if (pd__socket_container(s, sk)) {
		text = dump_json(list_entry_json(s, sk, &err), err);
		if (!text)
			return PD_ENOMEM;
		pd_buf_puts(el, text);
		free(text);
	} else {
		e = socket_json(s, sk, &err);
		text = dump_json(e, err || !e);
		n = text ? strlen(text) : 0;
		/* "{ ... \n}": the owners go before the closing brace. */
		if (n < 2 || strcmp(text + n - 2, "\n}") != 0) {
			free(text);
			return PD_ENOMEM;
		}
		pd_buf_append(el, text, n - 2);
		free(text);
		pd_buf_puts(el, sk->n_pids ? ",\n  \"owners\": [\n" :
		                             ",\n  \"owners\": []\n}");
		for (k = 0; k < sk->n_pids; k++) {
			ot = owner_text(s, sk->pids[k], lt, &tmp);
			if (!ot)
				return PD_ENOMEM;
			pd_buf_puts(el, k ? ",\n    " : "    ");
			put_indented(el, ot, strlen(ot), "    ");
			free(tmp);
		}
		if (sk->n_pids)
			pd_buf_puts(el, "\n  ]\n}");
	}
	if (pd_buf_error(el))
		return pd_buf_error(el);
	pd_buf_puts(b, i ? ",\n    " : "    ");
	put_indented(b, el->data, el->len, "    ");
	return pd_buf_error(b);
}

/*
 * `list --json`, streamed: the document is written to fn one socket at a
 * time, so memory does not grow with its size (50,000 sockets make 28 MB
 * of JSON, and a jansson tree of them ten times that).  The bytes are
 * exactly those of dumping the whole tree at once (pd__jdump, indent 2):
 * the head (schema, host) is dumped with an empty "sockets" array, which
 * jansson writes as "[]", and the elements are put in its place.
 */
int pd_render_list_json_stream(const pd_snapshot *s, const pd_render_opts *o,
                               pd_write_fn fn, void *ctx)
{
	static const char tail[] = "[]\n}\n";
	int err = 0, r;
	json_t *root = doc("portdoctor.list.v1", s, &err);
	size_t *idx = NULL, n = 0, i;
	char *head = NULL, *mark;
	list_texts lt;
	pd_buf b;

	if (!root)
		return PD_ENOMEM;
	pd__jset(root, "sockets", json_array(), &err);
	r = err ? err : pd__jdump(root, true, &head);
	json_decref(root);
	if (r < 0)
		return r;
	mark = strrchr(head, '[');
	if (!mark || strcmp(mark, tail) != 0) {
		free(head);
		return PD_EINVAL;
	}
	r = pd__list_sockets(s, o, &idx, &n);
	if (r < 0 || n == 0) {
		r = r < 0 ? r : fn(ctx, head, strlen(head));
		free(head);
		return r;
	}
	pd_buf_init(&b, 0);
	pd_buf_init(&lt.el, 0);
	lt.owner = calloc(s->n_procs ? s->n_procs : 1, sizeof(*lt.owner));
	r = lt.owner ? fn(ctx, head, (size_t)(mark - head)) : PD_ENOMEM;
	if (r == 0)
		r = fn(ctx, "[\n", 2);
	for (i = 0; r == 0 && i < n; i++) {
		r = list_entry_text(s, &s->sockets[idx[i]], i, &lt, &b);
		if (r == 0)
			r = fn(ctx, b.data, b.len);
	}
	if (r == 0)
		r = fn(ctx, "\n  ]\n}\n", 7);
	for (i = 0; lt.owner && i < s->n_procs; i++)
		free(lt.owner[i]);
	free(lt.owner);
	pd_buf_done(&lt.el);
	pd_buf_done(&b);
	free(idx);
	free(head);
	return r;
}

static int buf_write(void *ctx, const char *data, size_t len)
{
	return pd_buf_append(ctx, data, len);
}

int pd_render_list_json(const pd_snapshot *s, const pd_render_opts *o,
                        char **ret)
{
	pd_buf b;
	int r;

	pd_buf_init(&b, 0);
	r = pd_render_list_json_stream(s, o, buf_write, &b);
	if (r < 0) {
		pd_buf_done(&b);
		return r;
	}
	return pd__buf_finish(&b, ret);
}

static json_t *verdicts_json(const pd_verdict *v, size_t n, int *err)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < n; i++) {
		json_t *e = json_object();

		if (e) {
			pd__jset(e, "subject", json_string(v[i].subject), err);
			pd__jset(e, "severity", json_string(pd_severity_name(v[i].severity)),
			         err);
			pd__jset(e, "message", pd__jstr(v[i].message), err);
			pd__jset(e, "range", v[i].range ? pd__jrange(v[i].range, true) :
			         json_null(), err);
		}
		if (!e || json_array_append_new(a, e) < 0)
			*err = PD_ENOMEM;
	}
	return a;
}

static void put_ranges(json_t *o, const pd_snapshot *s, int *err)
{
	json_t *a;
	size_t i;

	a = json_array();
	for (i = 0; a && i < s->n_dynamic; i++)
		json_array_append_new(a, pd__jrange(&s->dynamic[i], false));
	pd__jset(o, "dynamic", a, err);
	a = json_array();
	for (i = 0; a && i < s->n_excluded; i++)
		json_array_append_new(a, pd__jrange(&s->excluded[i], true));
	pd__jset(o, "excluded", a, err);
	a = s->reserved_unknown ? json_null() : json_array();
	for (i = 0; a && !s->reserved_unknown && i < s->n_reserved; i++)
		json_array_append_new(a, pd__jrange(&s->reserved[i], false));
	pd__jset(o, "reserved", a, err);
	pd__jset(o, "unprivileged_port_start", s->unprivileged_port_start < 0 ?
	         json_null() : json_integer(s->unprivileged_port_start), err);
}

int pd_render_ranges_json(const pd_snapshot *s, const pd_verdict *v, size_t n,
                          char **ret)
{
	int err = 0;
	json_t *o = doc("portdoctor.ranges.v1", s, &err);

	if (o) {
		put_ranges(o, s, &err);
		pd__jset(o, "verdicts", verdicts_json(v, n, &err), &err);
	}
	return finish(o, err, ret);
}

int pd_render_doctor_json(const pd_report *r, const pd_verdict *v, size_t n,
                          char **ret)
{
	int err = 0;
	json_t *o = doc("portdoctor.doctor.v1", r->snap, &err);

	if (o) {
		put_ranges(o, r->snap, &err);
		pd__jset(o, "verdicts", verdicts_json(v, n, &err), &err);
		pd__jset(o, "ports", results_json(r, &err), &err);
	}
	return finish(o, err, ret);
}
