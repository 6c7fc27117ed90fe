/*
 * The targeted search of the owner search (step 2, see owners.c):
 * finding a few socket inodes in a few readlinks, using that fds are
 * handed out lowest first and socket inodes are numbered machine-wide in
 * creation order.
 *
 *  2. Targeted search, for a few sockets (TARGET_MAX_WANTS, e.g.
 *     `check`): for each missing inode t, the processes whose sampled
 *     socket is not older than t (one whose newest socket predates t
 *     cannot hold it, if monotonic), holders of other wanted sockets
 *     first (v4 and v6 twins), then same uid as the socket, then by how
 *     little newer the sample is than t.  In each, a search over the fd
 *     indices between fd 3 and the sample: the first probe (lowest
 *     socket) rules out processes whose sockets are all newer than t,
 *     then interpolation between the known (fd, inode) points, falling
 *     back to bisection when it does not halve the range; non-socket
 *     fds are stepped over.  A few readlinks per process instead of all
 *     its fds; on the benchmark (50 processes x 100 listeners) the owner
 *     is usually the first candidate.  The whole step is capped at a
 *     budget of readlinks (1/TARGET_SHARE of all fds).
 *
 * Finding proves, not finding proves nothing: what the search misses is
 * left to the full walk (step 3).
 */
#include <errno.h>
#include <stdlib.h>

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

/* Step 2 for one process and one wanted inode t: a search over the fds
 * from FIRST_SEARCHED_FD to the sampled one that assumes the socket
 * inodes grow with the fd number, at most a few readlinks.  Finding t
 * proves e holds it; not finding it proves nothing (the full walk
 * decides).  Other wanted inodes met on the way are recorded too. */
static int search_proc(pd__owners *c, pd__proc_ent *e, uint64_t t)
{
	long lo = 0, hi, flo = -1, fhi, p, q, width, left;
	uint64_t vlo = 0, vhi, v = 0;
	bool interp = false, bisect = false;
	int err, r;

	if (e->top < 0 || e->hi < t || e->state != PD__P_NEW)
		return 0;
	while (lo < e->top && pd__fd_at(e, lo) < FIRST_SEARCHED_FD)
		lo++;
	hi = (long)e->top - 1;
	fhi = e->top;
	vhi = e->hi;
	for (left = 4, p = e->top; p > 0; p >>= 1)
		left += 2;
	while (lo <= hi && left > 0 && c->budget > 0) {
		width = hi - lo + 1;
		interp = false;
		if (flo < 0) {
			/* First probe: a process whose sockets are all newer
			 * than t is ruled out by its lowest one. */
			p = lo;
		} else if (!bisect) {
			/* Interpolation: inodes are handed out machine-wide,
			 * so those of one process are spread evenly if it
			 * made its sockets at a steady pace. */
			p = flo + (long)((double)(t - vlo) / (double)(vhi - vlo) *
			                 (double)(fhi - flo));
			p = p < lo ? lo : p > hi ? hi : p;
			interp = true;
		} else {
			p = lo + (hi - lo) / 2;
		}
		/* Not a socket at p: the first socket above it stands in. */
		for (q = p;; q++) {
			v = pd__owners_probe_fd(c, e, q, &err);
			left--;
			c->budget--;
			if (pd__err_denied(err)) {
				pd__owners_mark_denied(c, e);
				return 0;
			}
			if (err == ENOENT && !e->fds) {
				/* A hole: the fds are not 0..n-1 after all. */
				r = pd__owners_list_fds(c, e);
				if (r < 0)
					return r;
				return search_proc(c, e, t);
			}
			if (v || q >= hi || left <= 0 || c->budget <= 0)
				break;
		}
		if (!v) {
			hi = p - 1;
			continue;
		}
		r = pd__owners_record(c, e, v);
		if (r < 0)
			return r;
		if (v == t)
			return 1;
		if (v < t) {
			lo = q + 1;
			flo = q;
			vlo = v;
		} else {
			hi = p - 1;
			fhi = q;
			vhi = v;
		}
		/* An interpolation that did not halve the range is followed
		 * by a bisection: no worse than twice a binary search. */
		bisect = interp && (hi - lo + 1) * 2 > width;
	}
	return 0;
}

/* The candidates for inode t into c->cand, likeliest first; their count. */
static size_t rank_candidates(pd__owners *c, uint64_t t, bool cg_only)
{
	pd__proc_ent *e;
	size_t j, n = 0;
	uint64_t d;

	for (j = 0; j < c->n_p; j++) {
		e = &c->p[j];
		if (e->state != PD__P_NEW || e->top < 0 || e->cg != cg_only)
			continue;
		if (e->holder) {
			/* A socket is often not alone: v4 and v6. */
			c->cand[n++] = (pd__cand){0, j};
			continue;
		}
		/* Only those whose newest socket is newer than t. */
		if (e->hi < t)
			continue;
		d = e->hi - t;
		c->cand[n++] = (pd__cand){(uint64_t)e->tier << 62 | (uint64_t)1 << 60 |
		                              (d < KEY_DIST_MAX ? d : KEY_DIST_MAX),
		                          j};
	}
	qsort(c->cand, n, sizeof(*c->cand), pd__owners_cmp_cand);
	return n;
}

/* Each missing inode in turn, over the processes in order of likelihood,
 * within the budget. */
int pd__owners_search(pd__owners *c, bool cg_only)
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
		n = rank_candidates(c, t, cg_only);
		for (j = 0; j < n && !c->w[i].found && c->budget > 0; j++) {
			r = search_proc(c, &c->p[c->cand[j].idx], t);
			if (r < 0)
				return r;
		}
	}
	return 0;
}
