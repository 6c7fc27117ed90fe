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
 * Refusals are decided here (in holders.c), so they are the same
 * for fix and kill and can be tested from a constructed snapshot: PID 1,
 * kernel threads, portdoctor itself and its parent, and the system's
 * critical services are never ended; the actuator checks PID 1 and kernel
 * threads again at the moment it acts.
 *
 * This file holds the ids, the builder that the planners share
 * (remedy_internal.h), the three entry points that decide which planners
 * run and in what order, and pd_plan_free.  The planners are in
 * holders.c, linux.c, win.c and advice.c.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/i18n.h"
#include "remedy_internal.h"

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

/* ---------------------------------------------------------- builder */

char *pd__fmt(pd_bld *b, const char *f, ...)
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

char *pd__sdup(pd_bld *b, const char *s)
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
char *pd__rooted(pd_bld *b, const char *path)
{
	const char *root = b->o && b->o->root ? b->o->root : "/";
	size_t n = strlen(root);

	while (n > 0 && root[n - 1] == '/')
		n--;
	return pd__fmt(b, "%.*s%s", (int)n, root, path);
}

pd_remedy *pd__add_remedy(pd_bld *b, pd_remedy_id id, bool root, bool reboot,
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

pd_step *pd__add_step(pd_bld *b, pd_remedy *r, pd_step_kind kind, char *text)
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
void pd__add_run(pd_bld *b, pd_remedy *r, char *text, ...)
{
	pd_step *st = pd__add_step(b, r, PD_STEP_RUN, text);
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
		st->argv[st->argc] = pd__sdup(b, a);
		if (!st->argv[st->argc])
			break;
		st->argc++;
	}
	va_end(ap);
}

void pd__add_manual(pd_bld *b, pd_remedy *r, char *text)
{
	pd__add_step(b, r, PD_STEP_MANUAL, text);
}

bool pd__has_finding(const pd_result *res, pd_finding_code c,
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

/* Sets with_next on a remedy that must be followed by the next one. */
static void chain_windows(pd_plan *p)
{
	int a = pd_plan_find(p, PD_R_RESET_DYNAMIC_RANGE);
	int w = pd_plan_find(p, PD_R_RESTART_WINNAT);

	if (a >= 0 && w == a + 1)
		p->remedies[a].with_next = true;
}

static int start(pd_bld *b, const pd_snapshot *s, const pd_result *res,
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

static int finish(pd_bld *b, pd_plan **ret)
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
	pd_bld b;
	int r = start(&b, s, res, o, ret);

	if (r < 0)
		return r;
	if (res->available)
		return finish(&b, ret);
	pd__plan_holders(&b, false);
	if (pd__has_finding(res, PD_F_PORTPROXY, &f))
		pd__plan_portproxy(&b, f);
	if (!b.windows && pd__has_finding(res, PD_F_PRIVILEGED_PORT, NULL))
		pd__plan_privileged(&b);
	if (b.windows) {
		const pd_finding *ex = NULL;
		bool excluded = pd__has_finding(res, PD_F_EXCLUDED_RANGE, &ex);

		if ((excluded ||
		     pd__has_finding(res, PD_F_DYNAMIC_RANGE_MISCONFIGURED, NULL)) &&
		    pd__win_dynamic_low(&b, res->target.proto))
			pd__plan_reset_dynamic(&b);
		if (excluded)
			pd__plan_restart_winnat(&b, ex->range);
		chain_windows(b.plan);
	} else if (pd__has_finding(res, PD_F_IN_DYNAMIC_RANGE, NULL) &&
	           !pd__has_finding(res, PD_F_RESERVED_PORT, NULL)) {
		pd__plan_reserve_linux(&b);
	}
	pd__plan_advice(&b);
	pd__plan_other_port(&b);
	return finish(&b, ret);
}

int pd_plan_kill(const pd_snapshot *s, const pd_result *res,
                 const pd_plan_opts *o, pd_plan **ret)
{
	pd_bld b;
	int r = start(&b, s, res, o, ret);

	if (r < 0)
		return r;
	pd__plan_holders(&b, true);
	/* A holder that cannot be named is said so, not "nothing to end". */
	if (!b.err && !b.plan->n_remedies && !res->available)
		pd__plan_find_owner(&b);
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

int pd_plan_reserve(const pd_snapshot *s, const pd_range *ranges, size_t n,
                    bool remove, pd_proto proto, const pd_plan_opts *o,
                    pd_plan **ret)
{
	pd_result fake;
	pd_range *todo;
	size_t i, k = 0;
	pd_bld b;
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
		else if (s->reserved_unknown)
			done = false; /* unknown: never judged "already done" */
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
		pd__plan_reserve_win(&b, todo, k, remove, fake.target.proto);
	} else if (k) {
		pd__plan_reserve_ports(&b, &todo, k, remove);
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
	free(st->lock_path);
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
