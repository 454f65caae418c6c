/* Without libFuzzer: feeds every file of the directories (or files) named
 * on the command line to LLVMFuzzerTestOneInput once, so that the corpus
 * runs as an ordinary test, under the sanitizers of the build. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			buf = realloc(buf, cap);
			if (buf == NULL) {
				abort();
			}
		}
		n = fread(buf + len, 1, cap - len, f);
		if (n == 0) {
			break;
		}
		len += n;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int
replay_path(const char *path, int *count)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (stat(path, &st) < 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		(*count)++;
		return replay_file(path);
	}
	d = opendir(path);
	if (d == NULL) {
		perror(path);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		char *sub;
		size_t len;

		if (de->d_name[0] == '.') {
			continue;
		}
		len = strlen(path) + strlen(de->d_name) + 2;
		sub = malloc(len);
		if (sub == NULL) {
			abort();
		}
		snprintf(sub, len, "%s/%s", path, de->d_name);
		if (replay_path(sub, count) < 0) {
			rc = -1;
		}
		free(sub);
	}
	closedir(d);
	return rc;
}

int
main(int argc, char **argv)
{
	int i, count = 0, rc = 0;

	for (i = 1; i < argc; i++) {
		if (replay_path(argv[i], &count) < 0) {
			rc = 1;
		}
	}
	printf("replayed %d inputs\n", count);
	if (count == 0) {
		fprintf(stderr, "no inputs\n");
		return 1;
	}
	return rc;
}
