/*
 * Plain driver for the fuzz targets, linked instead of libFuzzer in
 * ordinary builds (as systemd src/fuzz/fuzz-main.c): every file named on
 * the command line, and every regular file of every directory named, goes
 * through LLVMFuzzerTestOneInput once.  So `meson test --suite fuzz-replay`
 * replays the corpora and the kept crash inputs with any compiler, and a
 * sanitizer build turns a regression into a failed test.
 *
 * Exit status: 0 when every input ran, 1 when a file could not be read.
 * A crash is the target's own abort or sanitizer report.
 */
#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Far above any corpus file; a bigger file is a mistake in the corpus. */
#define DRIVER_MAX_INPUT (8u * 1024u * 1024u)

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, n;
	int r = 1;

	if (!f) {
		fprintf(stderr, "%s: cannot open\n", path);
		return 1;
	}
	/* An exact-size copy, so ASan sees a read one byte past the input. */
	buf = malloc(DRIVER_MAX_INPUT + 1);
	if (!buf)
		goto out;
	n = fread(buf, 1, DRIVER_MAX_INPUT + 1, f);
	if (ferror(f) || n > DRIVER_MAX_INPUT) {
		fprintf(stderr, "%s: read error or larger than %u bytes\n", path,
		        DRIVER_MAX_INPUT);
		goto out;
	}
	len = n;
	{
		unsigned char *exact = malloc(len ? len : 1);

		if (!exact)
			goto out;
		memcpy(exact, buf, len);
		free(buf);
		buf = exact;
	}
	printf("%s (%zu bytes)\n", path, len);
	fflush(stdout);
	LLVMFuzzerTestOneInput(buf, len);
	r = 0;
out:
	free(buf);
	fclose(f);
	return r;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs the files of dir in name order, so a failing run is repeatable. */
static int run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL, **tmp, *path;
	size_t n = 0, cap = 0, i;
	int r = 0;

	if (!d) {
		fprintf(stderr, "%s: cannot open directory\n", dir);
		return 1;
	}
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			tmp = realloc(names, cap * sizeof(*names));
			if (!tmp) {
				r = 1;
				goto out;
			}
			names = tmp;
		}
		names[n] = strdup(e->d_name);
		if (!names[n]) {
			r = 1;
			goto out;
		}
		n++;
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		struct stat st;
		size_t plen = strlen(dir) + strlen(names[i]) + 2;

		path = malloc(plen);
		if (!path) {
			r = 1;
			goto out;
		}
		snprintf(path, plen, "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			r |= run_file(path);
		free(path);
	}
out:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	closedir(d);
	return r;
}

int main(int argc, char **argv)
{
	struct stat st;
	int i, r = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "%s: not found\n", argv[i]);
			r = 1;
		} else if (S_ISDIR(st.st_mode)) {
			r |= run_dir(argv[i]);
		} else {
			r |= run_file(argv[i]);
		}
	}
	return r;
}
