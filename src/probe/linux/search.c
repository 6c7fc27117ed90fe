/*
 * The targeted search of the owner search (step 2, see owners.c):
 * finding a few socket inodes in a few readlinks, using that fds are
 * handed out lowest first and socket inodes are numbered machine-wide in
 * creation order.
 *
 *  2. Targeted search, for a few sockets (TARGET_MAX_WANTS, e.g.
 *     `check`): for each missing inode t, the surveyed processes,
 *     holders of other wanted sockets first (v4 and v6 twins), then same
 *     uid as the socket, then by how near the sample is to t.  In each, a
 *     search over the fd indices between fd 3 and the sample: the first
 *     probe (lowest socket) rules out processes whose sockets all lie on
 *     one side of t, then interpolation between the known (fd, inode)
 *     points, halving where the inodes drop (each CPU numbers from its
 *     own block, so a process that moved between CPUs has a few rising
 *     runs, not one); non-socket fds are stepped over.  A few readlinks per process instead of all
 *     its fds; on the benchmark (50 processes x 100 listeners) the owner
 *     is usually the first candidate.  The whole step is capped at a
 *     budget of readlinks (1/TARGET_SHARE of all fds).
 *
 * Finding proves, not finding proves nothing: what the search misses is
 * left to the full walk (step 3).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "linux.h"

/* The targeted search (step 2) is for a few sockets (`check`, `kill`);
 * for more, the full walk costs less than a search per socket. */
#define TARGET_MAX_WANTS 16u
/* readlinks the targeted search may spend before giving up to the full
 * walk: this many, or 1/TARGET_SHARE of all fds when more. */
#define TARGET_MIN_BUDGET 64
#define TARGET_SHARE 4
/* The targeted search skips fds 0-2 (stdin, stdout, stderr). */
#define FIRST_SEARCHED_FD 3

#define KEY_DIST_MAX ((UINT64_C(1) << 60) - 1)

/* What one probe of search_proc met. */
enum { PROBE_OK, PROBE_FOUND, PROBE_STOP, PROBE_RESTART };

typedef struct probe_ctx {
	pd__owners *c;
	pd__proc_ent *e;
	uint64_t t;
	long left; /* readlinks this process may still cost */
} probe_ctx;

/* The first socket at fd index p..lim (non-sockets stepped over): its
 * index and inode into *ret_q and *ret_v (0: none up to lim).  PROBE_FOUND
 * when it is t, PROBE_STOP when the process refused us or the budget ran
 * out, PROBE_RESTART when its fds turned out not to be 0..n-1 (they are
 * listed now), a negative PD_E* on error. */
static int probe_sock(probe_ctx *x, long p, long lim, long *ret_q,
                      uint64_t *ret_v)
{
	uint64_t v = 0;
	long q;
	int err, r;

	for (q = p; q <= lim; q++) {
		if (x->left <= 0 || x->c->budget <= 0)
			return PROBE_STOP;
		v = pd__owners_probe_fd(x->c, x->e, q, &err);
		x->left--;
		x->c->budget--;
		if (pd__err_denied(err)) {
			pd__owners_mark_denied(x->c, x->e);
			return PROBE_STOP;
		}
		if (err == ENOENT && !x->e->fds) {
			/* A hole: the fds are not 0..n-1 after all. */
			r = pd__owners_list_fds(x->c, x->e);
			return r < 0 ? r : PROBE_RESTART;
		}
		if (v)
			break;
	}
	*ret_q = q;
	*ret_v = v;
	if (!v)
		return PROBE_OK;
	r = pd__owners_record(x->c, x->e, v);
	if (r < 0)
		return r;
	return v == x->t ? PROBE_FOUND : PROBE_OK;
}

/* Looks for t strictly between fd indices a and b, whose sockets have
 * inodes va and vb.  Inodes come from get_next_ino() (fs/inode.c), which
 * hands each CPU a block of LAST_INO_BATCH (1024) numbers at a time: in
 * one process they grow with the fd number within a block, and drop when
 * it moves to a CPU whose block is older.  So the fds are a few rising
 * runs: a segment that rises (va < vb) is searched by interpolation and
 * dropped when t lies outside [va, vb]; one that falls holds a drop, and
 * both its halves are looked at.  depth bounds the halving. */
static int seg_search(probe_ctx *x, long a, uint64_t va, long b, uint64_t vb,
                      int depth)
{
	long p, q, width;
	uint64_t v;
	bool bisect = false;
	int r;

	while (b - a > 1) {
		bool rising = va < vb;

		if (rising && (x->t < va || x->t > vb))
			return PROBE_OK;
		width = b - a;
		if (rising && !bisect)
			/* Interpolation: a process that made its sockets at a
			 * steady pace spreads them evenly. */
			p = a + 1 + (long)((double)(x->t - va) / (double)(vb - va) *
			                   (double)(b - a - 1));
		else
			p = a + (b - a) / 2;
		p = p <= a ? a + 1 : p >= b ? b - 1 : p;
		r = probe_sock(x, p, b - 1, &q, &v);
		if (r != PROBE_OK)
			return r;
		if (!v) {
			/* Only non-sockets from p up: the rest is below p. */
			b = p;
			if (b - a <= 1)
				return PROBE_OK;
			r = probe_sock(x, a + 1, b - 1, &q, &v);
			if (r != PROBE_OK || !v)
				return r;
		}
		if (rising && v >= va && v <= vb) {
			if (v < x->t) {
				a = q;
				va = v;
			} else {
				b = q;
				vb = v;
			}
			/* A step that did not halve the range (a jump to a
			 * newer block skews the line) is followed by a
			 * bisection: no worse than twice a binary search. */
			bisect = !bisect && (b - a) * 2 > width;
			continue;
		}
		/* A drop on either side of q (or both): each half alone. */
		if (--depth < 0)
			return PROBE_OK;
		r = seg_search(x, a, va, q, v, depth);
		if (r != PROBE_OK)
			return r;
		a = q;
		va = v;
	}
	return PROBE_OK;
}

/* Step 2 for one process and one wanted inode t: a search over the fds
 * from FIRST_SEARCHED_FD to the sampled one, a few readlinks (see
 * seg_search for the order it assumes).  Finding t proves e holds it; not
 * finding it proves nothing (the full walk decides).  Other wanted inodes
 * met on the way are recorded too.  1 found, 0 not, or PD_ENOMEM. */
static int search_proc(pd__owners *c, pd__proc_ent *e, uint64_t t)
{
	probe_ctx x = {c, e, t, 4};
	long lo = 0, q, p;
	uint64_t v;
	int r;

	if (e->top < 0 || e->state != PD__P_NEW)
		return 0;
	for (p = e->top; p > 0; p >>= 1)
		x.left += 3;
	while (lo < e->top && pd__fd_at(e, lo) < FIRST_SEARCHED_FD)
		lo++;
	if (lo >= e->top)
		return 0;
	/* The lowest socket first: one probe rules out the many processes
	 * whose sockets all lie on one side of t. */
	r = probe_sock(&x, lo, e->top - 1, &q, &v);
	if (r == PROBE_OK && v)
		r = seg_search(&x, q, v, e->top, e->hi, 8);
	if (r == PROBE_RESTART)
		return search_proc(c, e, t);
	if (r < 0)
		return r;
	return r == PROBE_FOUND;
}

/* The candidates for inode t into c->cand, likeliest first; their count. */
static size_t rank_candidates(pd__owners *c, uint64_t t, int early)
{
	pd__proc_ent *e;
	size_t j, n = 0;
	uint64_t d;

	for (j = 0; j < c->n_p; j++) {
		e = &c->p[j];
		if (e->state != PD__P_NEW || e->top < 0 || e->early != early)
			continue;
		if (e->holder) {
			/* A socket is often not alone: v4 and v6. */
			c->cand[n++] = (pd__cand){0, j};
			continue;
		}
		/* Nearest sample first, on either side of t: a sample below
		 * t may be a socket made after t from an older block (see
		 * seg_search). */
		d = e->hi >= t ? e->hi - t : t - e->hi;
		c->cand[n++] = (pd__cand){(uint64_t)e->tier << 62 | (uint64_t)1 << 60 |
		                              (d < KEY_DIST_MAX ? d : KEY_DIST_MAX),
		                          j};
	}
	qsort(c->cand, n, sizeof(*c->cand), pd__owners_cmp_cand);
	return n;
}

/* Each missing inode in turn, over the processes in order of likelihood,
 * within the budget. */
int pd__owners_search(pd__owners *c, int early)
{
	uint64_t t;
	size_t i, j, n;
	int r;

	if (c->missing == 0 || !c->fd_count || c->missing > TARGET_MAX_WANTS)
		return 0;
	c->budget = (long)(c->n_fds / TARGET_SHARE);
	if (c->budget < TARGET_MIN_BUDGET)
		c->budget = TARGET_MIN_BUDGET;
	for (i = 0; i < c->n_w && c->missing > 0 && c->budget > 0; i++) {
		if (c->w[i].found)
			continue;
		t = c->w[i].inode;
		n = rank_candidates(c, t, early);
		for (j = 0; j < n && !c->w[i].found && c->budget > 0; j++) {
			r = search_proc(c, &c->p[c->cand[j].idx], t);
			if (r < 0)
				return r;
		}
	}
	return 0;
}

/* Visits process e for inode t: surveyed (step 1) if it was not, then
 * searched.  1 when t was found (by the sample or the search), 0 when
 * not, PD_ENOMEM. */
static int visit(pd__owners *c, pd__proc_ent *e, size_t w)
{
	int r = pd__owners_survey(c, e);

	if (r < 0)
		return r;
	if (c->w[w].found)
		return 1;
	r = search_proc(c, e, c->w[w].inode);
	return r < 0 ? r : c->w[w].found;
}

/*
 * Step 0c: before every process is surveyed, a bisection in pid order.
 * A server makes its sockets soon after it starts, and pids are handed
 * out in start order as socket inodes are in creation order, so over the
 * processes sorted by pid the newest sampled socket mostly grows with
 * the pid.  For each missing inode t: the process in the middle is
 * surveyed and searched; its sample below t sends the bisection to the
 * higher pids, otherwise to the lower; then the processes around where
 * it stopped are tried, nearest first, one on each side in turn
 * (processes started together do not make their sockets in pid order).
 * About log2(n) visits and a few more instead of n: with 500 servers of
 * 100 sockets, a dozen or two instead of 500 surveys.  A heuristic for the
 * order only, within BISECT_BUDGET readlinks: when t is not found, the
 * survey of everyone follows as before; a visit that finds it is a proof
 * like any other.
 */
#define BISECT_BUDGET 512

int pd__owners_bisect(pd__owners *c, int early)
{
	size_t *idx, n = 0, i, w, lo, hi, mid, k, d, at;
	pd__proc_ent *e = NULL;
	bool *seen, lazy = early == PD__EARLY_LAZY_NS;
	int r = 0;

	if (c->missing == 0 || !c->fd_count || c->missing > TARGET_MAX_WANTS)
		return 0;
	idx = malloc((c->n_p ? c->n_p : 1) * sizeof(*idx));
	seen = calloc(c->n_p ? c->n_p : 1, sizeof(*seen));
	if (!idx || !seen) {
		free(idx);
		free(seen);
		return PD_ENOMEM;
	}
	/* c->p is sorted by pid. */
	for (i = 0; i < c->n_p; i++)
		if (c->p[i].state == PD__P_NEW &&
		    c->p[i].early == (lazy ? PD__EARLY_NONE : early))
			idx[n++] = i;
	c->budget = BISECT_BUDGET;
	for (w = 0; w < c->n_w && r >= 0 && c->budget > 0; w++) {
		if (c->w[w].found)
			continue;
		memset(seen, 0, n * sizeof(*seen));
		lo = 0;
		hi = n;
		r = 0;
		while (lo < hi && r == 0 && c->budget > 0) {
			mid = lo + (hi - lo) / 2;
			/* A process without a socket says nothing: the next
			 * one up stands in. */
			for (k = mid; k < hi; k++) {
				e = &c->p[idx[k]];
				seen[k] = true;
				/* Another namespace's process is passed over
				 * like one without a socket. */
				if (lazy && !pd__owners_same_netns(c, e))
					continue;
				r = visit(c, e, w);
				if (r != 0 || e->top >= 0)
					break;
			}
			if (r != 0 || k == hi) {
				hi = mid;
				continue;
			}
			if (e->hi < c->w[w].inode)
				lo = k + 1;
			else
				hi = mid;
		}
		/* Around lo: lo, lo - 1, lo + 1, lo - 2, ... */
		for (k = 0; r == 0 && c->budget > 0 && k < 2 * n; k++) {
			d = (k + 1) / 2;
			if (d > lo && lo + d >= n)
				break;
			if (k % 2 ? d > lo : lo + d >= n)
				continue;
			at = k % 2 ? lo - d : lo + d;
			if (seen[at])
				continue;
			seen[at] = true;
			if (lazy && !pd__owners_same_netns(c, &c->p[idx[at]]))
				continue;
			r = visit(c, &c->p[idx[at]], w);
		}
	}
	free(idx);
	free(seen);
	return r < 0 ? r : 0;
}
