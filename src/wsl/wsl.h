/*
 * src/wsl/: what WSL is around this Linux system, read from text: the
 * kernel's release string, /proc/mounts, /etc/wsl.conf, the Windows
 * user's .wslconfig and `wslinfo --networking-mode`.  Pure: the probe
 * (src/probe/linux/wsl.c, and src/probe/win/system.c for .wslconfig)
 * fetches the bytes.  May include: src/core, include/portdoctor.
 * Included by: src/probe, src/cli.
 *
 * Why it matters: Docker Desktop publishes a port typed in a WSL terminal
 * on the Windows host, so the Windows side (its excluded port ranges, its
 * owners, http.sys) decides whether `docker run -p` works, while the
 * Linux side inside the VM only adds its own (a Linux process holding the
 * port in mirrored mode, the VM's ranges).
 */
#ifndef PD_WSL_H
#define PD_WSL_H

#include <stdbool.h>
#include <stddef.h>

typedef enum pd_wsl_netmode {
	PD_WSL_NET_UNKNOWN = 0,
	PD_WSL_NET_NAT,      /* the default: a NAT'ed VM, localhost forwarded */
	PD_WSL_NET_MIRRORED, /* the VM shares the host's interfaces and ports */
	PD_WSL_NET_OTHER     /* "virtioproxy", "bridged", "none": said as is */
} pd_wsl_netmode;

typedef struct pd_wsl {
	int version;          /* 0: not WSL; 1 or 2 */
	char distro[64];      /* $WSL_DISTRO_NAME, "" when not set */
	/* Interop (running Windows programs): the WSLInterop binfmt entry is
	 * registered and enabled, and /etc/wsl.conf does not switch it off. */
	bool interop;
	bool interop_conf_off;   /* [interop] enabled=false in /etc/wsl.conf */
	bool append_path;        /* [interop] appendWindowsPath (default true) */
	pd_wsl_netmode netmode;
	char netmode_name[24];   /* as the source spelled it: "mirrored" */
	char netmode_source[24]; /* "wslinfo", ".wslconfig", "default" */
	/* The Windows drive that holds the Windows folder, as mounted here
	 * ("/mnt/c"); "" when none was found. */
	char drive[256];
	/* Docker Desktop's engine is the one in use, and why we think so. */
	bool docker_desktop;
	char docker_desktop_why[160];
} pd_wsl;

/* The WSL version a kernel release or /proc/version string names: 2 for
 * "...-microsoft-standard-WSL2" (and any "microsoft-standard"), 1 for the
 * WSL 1 "4.4.0-19041-Microsoft" style, 0 when it names no WSL. */
int pd_wsl_kernel_version(const char *text, size_t len);

/* The value of key in [section] of an INI text (wsl.conf, .wslconfig):
 * case-insensitive names, '#' and ';' comments, quotes and spaces around
 * the value removed.  Returns true and fills out (NUL-terminated, cut to
 * outsize) when found; the last assignment wins, as WSL reads them. */
bool pd_wsl_ini_get(const char *text, size_t len, const char *section,
                    const char *key, char *out, size_t outsize);

/* A true/false INI value ("true", "1", "yes" / "false", "0", "no"):
 * 1, 0, or -1 when it is neither. */
int pd_wsl_ini_bool(const char *value);

/* A networking mode word ("nat", "mirrored", "NAT\r\n"...). */
pd_wsl_netmode pd_wsl_netmode_parse(const char *text, size_t len,
                                    char *name, size_t namesize);

/* From /proc/mounts text: the mount point of the Windows drive, C: when
 * it is mounted (drvfs, or 9p with aname=drvfs), else the first drvfs
 * mount.  Octal escapes (\040) in the mount point are decoded.  Returns
 * true and fills out when found. */
bool pd_wsl_drive_mount(const char *text, size_t len, char *out,
                        size_t outsize);

/* A Windows path ("C:\Users\me") as seen through the drive mounts
 * ("/mnt/c/Users/me"): the drive letter lowered under mount_root
 * ("/mnt"); false when the path has no drive letter or does not fit. */
bool pd_wsl_windows_path(const char *winpath, const char *mount_root,
                         char *out, size_t outsize);

/*
 * The networking mode %UserProfile%\.wslconfig sets, as WSL on Windows
 * reads it (wslconfig.c): networkingMode of [wsl2], else of
 * [experimental] (where WSL 2.0 read it), else NAT, the default; an empty
 * value is the default too.  text[0..len) is never read past len; a
 * UTF-8 byte order mark is skipped.  In mirrored mode WSL shares Windows'
 * port space and reserves ports no list shows (microsoft/WSL#40169,
 * #12228).  0 with *ret_mode (never PD_WSL_NET_UNKNOWN), or PD_EINVAL
 * (NULL arguments) or PD_ETOOBIG (len > PD_WSLCONFIG_MAX_INPUT); *ret_mode
 * is then untouched.
 */
#define PD_WSLCONFIG_MAX_INPUT (1024u * 1024u)
int pd_wslconfig_netmode(const char *text, size_t len,
                         pd_wsl_netmode *ret_mode);

#endif
