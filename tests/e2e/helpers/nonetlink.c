/*
 * nonetlink: run a command in which socket(AF_NETLINK, ...) fails with
 * EPERM, as it does under restrictive seccomp profiles (some container
 * runtimes, systemd's RestrictAddressFamilies=).  tests/e2e/faults uses
 * it to prove the probe falls back to /proc/net for real.
 *
 * usage: nonetlink [--deny-bind] COMMAND [ARG...]
 *
 * With --deny-bind, netlink is left alone and every bind(2) fails with
 * EPERM instead, as under a security module that forbids binding (an
 * SELinux or AppArmor policy, a seccomp profile): tests/e2e/faults uses it
 * to provoke a real `bind_denied`.
 *
 * The filter is installed with PR_SET_NO_NEW_PRIVS, so no privilege is
 * needed, and it survives execve().  It matches the native syscall ABI
 * only: x86_64 or aarch64, checked through seccomp_data.arch, since a
 * syscall number means something else under another ABI.  Calls of any
 * other ABI (i386 socketcall, x32) are let through: the command run here
 * is a native binary.  On other architectures the helper exits 77, the
 * test suites' "skip" status.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#define NR_SOCKET 41
#define NR_BIND 49
#elif defined(__aarch64__) && defined(__AARCH64EL__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#define NR_SOCKET 198
#define NR_BIND 200
#endif
#if defined(NATIVE_ARCH) && defined(__NR_socket)
_Static_assert(NR_SOCKET == __NR_socket, "socket(2) number of this ABI");
_Static_assert(NR_BIND == __NR_bind, "bind(2) number of this ABI");
#endif

/* The low 32 bits of the first argument (the domain), little-endian. */
#define ARG0_LO offsetof(struct seccomp_data, args[0])

int main(int argc, char **argv)
{
	int deny_bind = argc > 1 && strcmp(argv[1], "--deny-bind") == 0;

	if (deny_bind) {
		argv++;
		argc--;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: nonetlink [--deny-bind] COMMAND [ARG...]\n");
		return 2;
	}
#ifdef NATIVE_ARCH
	struct sock_filter no_bind[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_BIND, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NR_SOCKET, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LO),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = (unsigned short)(sizeof(code) / sizeof(code[0])),
		.filter = code,
	};

	if (deny_bind) {
		prog.len = (unsigned short)(sizeof(no_bind) / sizeof(no_bind[0]));
		prog.filter = no_bind;
	}

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
		fprintf(stderr, "nonetlink: PR_SET_NO_NEW_PRIVS: %s\n",
		        strerror(errno));
		return 77;
	}
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) != 0) {
		fprintf(stderr, "nonetlink: PR_SET_SECCOMP: %s\n", strerror(errno));
		return 77;
	}
	/* Prove the filter bites before handing over. */
	if (deny_bind) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct sockaddr sa;

		memset(&sa, 0, sizeof(sa));
		sa.sa_family = AF_INET;
		if (fd < 0 || bind(fd, &sa, sizeof(sa)) == 0 || errno != EPERM) {
			fprintf(stderr, "nonetlink: the filter did not refuse bind\n");
			return 77;
		}
		close(fd);
	} else if (socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0) >= 0 ||
	           errno != EPERM) {
		fprintf(stderr, "nonetlink: the filter did not refuse netlink\n");
		return 77;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "nonetlink: %s: %s\n", argv[1], strerror(errno));
	return 127;
#else
	(void)argv;
	fprintf(stderr, "nonetlink: no seccomp filter for this architecture\n");
	return 77;
#endif
}
