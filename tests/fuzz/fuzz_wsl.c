/*
 * Fuzz target: the WSL readers of src/wsl (kernel strings, INI files,
 * networking-mode words, /proc/mounts lines) on the same bytes, which are
 * never NUL-terminated here.  Whatever they return must be a terminated
 * string within its buffer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wsl/wsl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *t = (const char *)data;
	char v[16], drive[32], name[24], path[48];
	int k = pd_wsl_kernel_version(t, size);

	if (k < 0 || k > 2)
		abort();
	if (pd_wsl_ini_get(t, size, "wsl2", "networkingmode", v, sizeof(v))) {
		if (strlen(v) >= sizeof(v))
			abort();
		(void)pd_wsl_ini_bool(v);
		(void)pd_wsl_netmode_parse(v, strlen(v), name, sizeof(name));
	}
	(void)pd_wsl_ini_get(t, size, "interop", "enabled", v, sizeof(v));
	(void)pd_wsl_netmode_parse(t, size, name, sizeof(name));
	if (strlen(name) >= sizeof(name))
		abort();
	if (pd_wsl_drive_mount(t, size, drive, sizeof(drive)) &&
	    strlen(drive) >= sizeof(drive))
		abort();
	if (size && size < 40) {
		char w[40];

		memcpy(w, t, size);
		w[size] = '\0';
		if (pd_wsl_windows_path(w, "/mnt", path, sizeof(path)) &&
		    strlen(path) >= sizeof(path))
			abort();
	}
	return 0;
}
