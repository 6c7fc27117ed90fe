/*
 * What we show of a process that holds a socket (snapshot->procs): name,
 * ppid and start time from /proc/PID/stat, uid from status, cmdline, exe
 * and cwd, cgroup and the systemd service it names, and the user name
 * from /etc/passwd.  The owner search (owners.c) calls it for each
 * holder it found.
 *
 * Only the bytes are fetched here; the parsing is core's (procfs/procfs.h),
 * so it runs on fixtures.  What every process shares (the boot time from
 * /proc/stat, the clock tick, /etc/passwd) is read once, when first
 * needed.  A process that exits while we read, or hides a piece, leaves
 * that piece unknown: only running out of memory fails.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "linux.h"
#include "procfs/procfs.h"

#define CMDLINE_MAX (64u * 1024u)
#define PASSWD_MAX (4u * 1024u * 1024u)
#define PROC_STAT_MAX (4u * 1024u * 1024u)
#define LINK_MAX_LEN 4096u

void pd__procinfo_init(pd__procinfo *pi, int procfd)
{
	*pi = (pd__procinfo){procfd, -1, false, sysconf(_SC_CLK_TCK), NULL, 0,
	                     false};
}

void pd__procinfo_done(pd__procinfo *pi)
{
	free(pi->passwd);
	pi->passwd = NULL;
}

static int read_link_dup(int dirfd, const char *name, char **ret)
{
	char buf[LINK_MAX_LEN];
	ssize_t n;

	n = readlinkat(dirfd, name, buf, sizeof(buf));
	if (n < 0)
		return pd__errno_to_pd(errno);
	/* readlink does not say whether it cut the path: keep what fits. */
	return pd_proc_text_dup(buf, (size_t)n, ret);
}

/* The boot time, from /proc/stat, until it has been read once. */
static void read_btime(pd__procinfo *pi)
{
	char *stat = NULL;
	size_t len;
	bool trunc;

	if (pi->btime_read)
		return;
	if (pd__read_alloc_at(pi->procfd, "stat", PROC_STAT_MAX, &stat, &len,
	                      &trunc) != 0)
		return;
	pi->btime_read = true;
	(void)pd_proc_stat_btime(stat, len, &pi->btime);
	free(stat);
}

static int fill_user(pd__procinfo *pi, pd_process *p)
{
	bool trunc;
	int r;

	if (!pi->passwd_read) {
		pi->passwd_read = true;
		if (pd__read_alloc_at(AT_FDCWD, "/etc/passwd", PASSWD_MAX, &pi->passwd,
		                      &pi->passwd_len, &trunc) < 0)
			pi->passwd = NULL;
	}
	if (!pi->passwd || p->uid < 0)
		return 0;
	r = pd_passwd_lookup(pi->passwd, pi->passwd_len, p->uid, &p->user);
	return r == PD_ENOMEM ? r : 0;
}

/* Name, ppid and start time from the stat file of dfd into p, read into
 * buf (the caller's scratch).  Only PD_ENOMEM is an error. */
static int fill_stat(pd__procinfo *pi, int dfd, char *buf, size_t size,
                     pd_process *p)
{
	pd_proc_stat st;
	size_t len;

	if (pd__read_at(dfd, "stat", buf, size, &len) < 0 ||
	    pd_proc_stat_parse(buf, len, &st) < 0)
		return 0;
	p->ppid = st.ppid;
	p->name = strdup(st.comm);
	if (!p->name)
		return PD_ENOMEM;
	if (pi->btime >= 0 && pi->clk_tck > 0)
		p->start_time = pi->btime + (int64_t)(st.starttime /
		                                      (uint64_t)pi->clk_tck);
	return 0;
}

int pd__procinfo_fill(pd__procinfo *pi, pd_snapshot *s, int pid)
{
	char name[16], buf[16384], *raw = NULL;
	pd_process *p;
	size_t len;
	bool trunc;
	int dfd, r;

	read_btime(pi);
	r = pd_snapshot_add_process(s, &p);
	if (r < 0)
		return r;
	p->pid = pid;
	p->ppid = -1;
	p->uid = -1;
	p->start_time = -1;
	snprintf(name, sizeof(name), "%d", pid);
	dfd = openat(pi->procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return 0;
	if (fill_stat(pi, dfd, buf, sizeof(buf), p) < 0)
		goto nomem;
	if (pd__read_at(dfd, "status", buf, sizeof(buf), &len) == 0)
		(void)pd_proc_status_uid(buf, len, &p->uid);
	if (pd__read_alloc_at(dfd, "cmdline", CMDLINE_MAX, &raw, &len, &trunc) ==
	    0) {
		r = pd_proc_cmdline_join(raw, len, CMDLINE_MAX, &p->cmdline);
		if (r == PD_ENOMEM)
			goto nomem;
	}
	if (read_link_dup(dfd, "exe", &p->exe) == PD_ENOMEM ||
	    read_link_dup(dfd, "cwd", &p->cwd) == PD_ENOMEM)
		goto nomem;
	if (pd__read_at(dfd, "cgroup", buf, sizeof(buf), &len) == 0 &&
	    pd_proc_cgroup_path(buf, len, &p->cgroup) == PD_ENOMEM)
		goto nomem;
	if (p->cgroup &&
	    pd_cgroup_service(p->cgroup, strlen(p->cgroup), &p->service) ==
	        PD_ENOMEM)
		goto nomem;
	r = fill_user(pi, p);
	goto out;
nomem:
	r = PD_ENOMEM;
out:
	free(raw);
	close(dfd);
	return r;
}
