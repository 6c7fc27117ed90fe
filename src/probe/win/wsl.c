/*
 * WSL is a Linux system's surroundings: on Windows itself there is none
 * to look at, and the Windows side is probed directly (probe.c).
 */
#include <string.h>

#include "win.h"

void pd_probe_wsl(pd_wsl *ret)
{
	memset(ret, 0, sizeof(*ret));
}

bool pd_probe_find_windows_exe(const pd_wsl *w, const char *override,
                               char *out, size_t outsize)
{
	(void)w, (void)override, (void)out, (void)outsize;
	return false;
}

bool pd_probe_windows_tool(const pd_wsl *w, const char *name, char *out,
                           size_t outsize)
{
	(void)w, (void)name, (void)out, (void)outsize;
	return false;
}

int pd_probe_run(char *const argv[], unsigned timeout_ms, size_t max,
                 char **ret_out, size_t *ret_len, int *ret_status, char *err,
                 size_t errsize)
{
	(void)argv, (void)timeout_ms, (void)max, (void)ret_out, (void)ret_len;
	(void)ret_status, (void)err, (void)errsize;
	return PD_EUNSUPPORTED;
}
