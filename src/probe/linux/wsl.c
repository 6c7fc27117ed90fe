/*
 * WSL around this Linux system (wsl.h says why it matters): the files and
 * variables that tell it (so that tests can stage them in a mount
 * namespace), and the Windows programs reachable through interop.  Bytes
 * only; src/wsl reads them.
 *
 * What marks WSL, best first (learn.microsoft.com/windows/wsl/
 * compare-versions, .../wsl-config, .../filesystems):
 * - the kernel's release in /proc/sys/kernel/osrelease and /proc/version
 *   ("...microsoft-standard-WSL2"; WSL 1 reports "...-Microsoft");
 * - WSL_DISTRO_NAME and WSL_INTEROP, which WSL sets in every shell;
 * - the WSLInterop entry in /proc/sys/fs/binfmt_misc (its first line is
 *   "enabled" while Windows programs can be run from here), and
 *   [interop] enabled / appendWindowsPath in /etc/wsl.conf;
 * - the Windows drives, mounted as drvfs (/mnt/c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "linux.h"
#include "probe/engine/engine.h"
#include "wsl/wsl.h"

#define SMALL_FILE (256 * 1024)

static char *slurp(const char *path, size_t *ret_len)
{
	char err[128], *text = NULL;
	size_t len = 0;

	if (pd_probe_read_file(path, SMALL_FILE, err, sizeof(err), &text, &len) < 0)
		return NULL;
	*ret_len = len;
	return text;
}

/* Read on every run of every command: one open and read into the stack
 * (both files are one line, far below the buffer), not stdio and a
 * 64 KiB heap buffer (a tenth of a millisecond of `check`). */
static int kernel_says(const char *path)
{
	char t[4096];
	size_t len = 0;

	return pd__read_at(AT_FDCWD, path, t, sizeof(t), &len) == 0
	           ? pd_wsl_kernel_version(t, len)
	           : 0;
}

static void read_interop(pd_wsl *w)
{
	size_t len = 0;
	char *t, v[16];

	t = slurp("/proc/sys/fs/binfmt_misc/WSLInterop", &len);
	if (!t)
		t = slurp("/proc/sys/fs/binfmt_misc/WSLInterop-late", &len);
	w->interop = t && len >= 7 && strncmp(t, "enabled", 7) == 0;
	free(t);
	w->append_path = true;
	t = slurp("/etc/wsl.conf", &len);
	if (t && pd_wsl_ini_get(t, len, "interop", "enabled", v, sizeof(v)) &&
	    pd_wsl_ini_bool(v) == 0) {
		w->interop_conf_off = true;
		w->interop = false;
	}
	if (t && pd_wsl_ini_get(t, len, "interop", "appendwindowspath", v,
	                        sizeof(v)) && pd_wsl_ini_bool(v) == 0)
		w->append_path = false;
	free(t);
}

static bool is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* The Windows user's .wslconfig: %USERPROFILE% when WSLENV passed it
 * here (as a Windows or a /mnt path), else the only Users/<name>/.wslconfig
 * on the drive. */
static bool find_wslconfig(const pd_wsl *w, char *out, size_t outsize)
{
	const char *up = getenv("USERPROFILE");
	char root[256], path[PATH_MAX], *slash;
	struct dirent *e;
	int found = 0;
	DIR *d;

	if (!*w->drive)
		return false;
	snprintf(root, sizeof(root), "%s", w->drive);
	slash = strrchr(root, '/');
	if (slash)
		*slash = '\0';
	if (up && *up == '/' &&
	    snprintf(out, outsize, "%s/.wslconfig", up) < (int)outsize &&
	    is_file(out))
		return true;
	if (up && pd_wsl_windows_path(up, *root ? root : "/", path,
	                              sizeof(path) - 16)) {
		snprintf(out, outsize, "%.3800s/.wslconfig", path);
		if (is_file(out))
			return true;
	}
	snprintf(path, sizeof(path), "%s/Users", w->drive);
	d = opendir(path);
	if (!d)
		return false;
	while ((e = readdir(d)) != NULL && found < 2) {
		char f[PATH_MAX + 512];

		if (e->d_name[0] == '.' ||
		    snprintf(f, sizeof(f), "%s/%s/.wslconfig", path, e->d_name) >=
		        (int)sizeof(f) || !is_file(f))
			continue;
		if (!found++)
			snprintf(out, outsize, "%.3800s", f);
	}
	closedir(d);
	return found == 1;
}

/* A program named on PATH (WSL appends the Windows PATH, so Windows
 * programs are found there too unless appendWindowsPath=false). */
static bool on_path(const char *name, char *out, size_t outsize)
{
	const char *p = getenv("PATH");

	while (p && *p) {
		size_t n = strcspn(p, ":");

		if (n && snprintf(out, outsize, "%.*s/%s", (int)n, p, name) <
		             (int)outsize && access(out, X_OK) == 0 && is_file(out))
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

static void read_netmode(pd_wsl *w)
{
	char tool[PATH_MAX], cfg[PATH_MAX], v[32], err[256];
	char *argv[3] = {tool, (char *)"--networking-mode", NULL};
	char *out = NULL;
	size_t len = 0;
	int status = 0;

	/* wslinfo ships with WSL 2.0 and later (learn.microsoft.com/windows/
	 * wsl/networking): it says the mode in force, .wslconfig only what was
	 * asked for at the VM's start. */
	if (w->version == 2 && (on_path("wslinfo", tool, sizeof(tool)) ||
	                        (snprintf(tool, sizeof(tool), "/usr/bin/wslinfo"),
	                         is_file(tool))) &&
	    pd_probe_run(argv, 3000, 4096, &out, &len, &status, err,
	                 sizeof(err)) == 0 && status == 0) {
		w->netmode = pd_wsl_netmode_parse(out, len, w->netmode_name,
		                                  sizeof(w->netmode_name));
		if (w->netmode != PD_WSL_NET_UNKNOWN)
			snprintf(w->netmode_source, sizeof(w->netmode_source),
			         "wslinfo");
	}
	free(out);
	if (w->netmode == PD_WSL_NET_UNKNOWN && find_wslconfig(w, cfg, sizeof(cfg))) {
		char *t = slurp(cfg, &len);

		if (t && pd_wsl_ini_get(t, len, "wsl2", "networkingmode", v,
		                        sizeof(v))) {
			w->netmode = pd_wsl_netmode_parse(v, strlen(v), w->netmode_name,
			                                  sizeof(w->netmode_name));
			if (w->netmode != PD_WSL_NET_UNKNOWN)
				snprintf(w->netmode_source, sizeof(w->netmode_source),
				         ".wslconfig");
		}
		free(t);
	}
	if (w->netmode == PD_WSL_NET_UNKNOWN && w->version == 2) {
		w->netmode = PD_WSL_NET_NAT;
		snprintf(w->netmode_name, sizeof(w->netmode_name), "nat");
		snprintf(w->netmode_source, sizeof(w->netmode_source), "default");
	}
}

/* Docker Desktop's WSL integration: its socket proxy, its CLI tools and
 * its shared mount live under /mnt/wsl/docker-desktop*. */
static void read_docker_desktop(pd_wsl *w)
{
	const char *host = getenv("DOCKER_HOST");
	char link[PATH_MAX], docker[PATH_MAX], *ctx = NULL, *chost = NULL;
	ssize_t n = readlink("/var/run/docker.sock", link, sizeof(link) - 1);
	struct stat st;

	if (host && strstr(host, "docker-desktop")) {
		w->docker_desktop = true;
		snprintf(w->docker_desktop_why, sizeof(w->docker_desktop_why),
		         "DOCKER_HOST=%.120s", host);
		return;
	}
	if (n > 0) {
		link[n] = '\0';
		if (strstr(link, "docker-desktop")) {
			w->docker_desktop = true;
			snprintf(w->docker_desktop_why, sizeof(w->docker_desktop_why),
			         "/var/run/docker.sock -> %.120s", link);
			return;
		}
	}
	if (pd__engine_context(&ctx, &chost) == 0 &&
	    (strstr(ctx, "desktop") || (chost && strstr(chost, "docker-desktop")))) {
		w->docker_desktop = true;
		snprintf(w->docker_desktop_why, sizeof(w->docker_desktop_why),
		         "docker context %.60s (%.80s)", ctx, chost ? chost : "?");
	}
	free(ctx);
	free(chost);
	if (w->docker_desktop)
		return;
	if (on_path("docker", docker, sizeof(docker)) &&
	    (n = readlink(docker, link, sizeof(link) - 1)) > 0) {
		link[n] = '\0';
		if (strstr(link, "docker-desktop")) {
			w->docker_desktop = true;
			snprintf(w->docker_desktop_why, sizeof(w->docker_desktop_why),
			         "%.60s -> %.80s", docker, link);
			return;
		}
	}
	if (stat("/mnt/wsl/docker-desktop", &st) == 0 && S_ISDIR(st.st_mode)) {
		w->docker_desktop = true;
		snprintf(w->docker_desktop_why, sizeof(w->docker_desktop_why),
		         "/mnt/wsl/docker-desktop is mounted");
	}
}

void pd_probe_wsl(pd_wsl *w)
{
	const char *distro = getenv("WSL_DISTRO_NAME");
	size_t len = 0;
	char *t;
	int v;

	memset(w, 0, sizeof(*w));
	v = kernel_says("/proc/sys/kernel/osrelease");
	if (!v)
		v = kernel_says("/proc/version");
	if (!v && ((distro && *distro) || getenv("WSL_INTEROP")))
		v = getenv("WSL_INTEROP") ? 2 : 1;
	w->version = v;
	if (!v)
		return;
	snprintf(w->distro, sizeof(w->distro), "%s", distro ? distro : "");
	read_interop(w);
	t = slurp("/proc/mounts", &len);
	if (t)
		pd_wsl_drive_mount(t, len, w->drive, sizeof(w->drive));
	free(t);
	read_netmode(w);
	read_docker_desktop(w);
}

bool pd_probe_find_windows_exe(const pd_wsl *w, const char *override,
                               char *out, size_t outsize)
{
	char self[PATH_MAX], *slash;
	ssize_t n;

	if (override && *override) {
		snprintf(out, outsize, "%s", override);
		return access(out, X_OK) == 0;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			if (snprintf(out, outsize, "%s/portdoctor.exe", self) <
			        (int)outsize && access(out, X_OK) == 0 && is_file(out))
				return true;
		}
	}
	(void)w;
	return on_path("portdoctor.exe", out, outsize);
}

bool pd_probe_windows_tool(const pd_wsl *w, const char *name, char *out,
                           size_t outsize)
{
	static const char *const dirs[] = {"Windows/System32", "WINDOWS/system32",
	                                   "Windows/system32"};
	size_t i;

	if (!*w->drive)
		return false;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (snprintf(out, outsize, "%s/%s/%s", w->drive, dirs[i], name) <
		        (int)outsize && is_file(out))
			return true;
	return false;
}
