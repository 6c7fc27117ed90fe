/*
 * .wslconfig on the Windows side: the networking mode, for the Windows
 * probe (src/probe/win/system.c).  Pure.
 *
 * The file is INI-like (https://learn.microsoft.com/en-us/windows/wsl/wsl-config,
 * ".wslconfig"), read here with pd_wsl_ini_get (parse.c).  networkingMode
 * belongs to [wsl2]; WSL 2.0 read it from [experimental] (the first
 * documentation of mirrored mode put it there, and pasted files still
 * have it there), so that place counts when [wsl2] does not set it.
 * Notepad saves UTF-8 with a byte order mark, which would hide the first
 * section header: it is skipped.
 */
#include "wsl.h"

#include <string.h>

#include "portdoctor/portdoctor.h"

int pd_wslconfig_netmode(const char *text, size_t len,
                         pd_wsl_netmode *ret_mode)
{
	pd_wsl_netmode m = PD_WSL_NET_NAT;
	char v[32];

	if (!text || !ret_mode)
		return PD_EINVAL;
	if (len > PD_WSLCONFIG_MAX_INPUT)
		return PD_ETOOBIG;
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		len -= 3;
	}
	if (pd_wsl_ini_get(text, len, "wsl2", "networkingmode", v, sizeof(v)) ||
	    pd_wsl_ini_get(text, len, "experimental", "networkingmode", v,
	                   sizeof(v)))
		m = pd_wsl_netmode_parse(v, strlen(v), NULL, 0);
	*ret_mode = m == PD_WSL_NET_UNKNOWN ? PD_WSL_NET_NAT : m;
	return 0;
}
