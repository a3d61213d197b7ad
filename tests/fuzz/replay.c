// SPDX-License-Identifier: GPL-2.0
/*
 * A main() for the fuzz target where libFuzzer is missing: runs every
 * file named on the command line, every file of every directory named
 * (sorted by name), or stdin ("-" or no argument) through
 * LLVMFuzzerTestOneInput() once.  With -r SECONDS it then feeds random
 * inputs for that long (seed from -s, else from the clock; it is printed
 * so a failure can be replayed), and -o FILE names where the input that
 * aborts is written (with ASAN_OPTIONS=abort_on_error=1 for sanitizer
 * reports too).  A failing input aborts in the target; on success the
 * last line is
 *   replay: N executions in S s, 0 failures (C files)
 *
 * Usage: xpcpu_bitmap_replay [-r SECONDS] [-s SEED] [-o FILE] [FILE|DIR|-]...
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "xpcpu_bitmap_fuzz.h"

#define REPLAY_MAX_INPUT	(1 << 20)
#define RANDOM_MAX_LEN	768

static unsigned long nr_execs, nr_files;
static unsigned char buf[REPLAY_MAX_INPUT];
static size_t buf_len;			/* the input being run */
static const char *crash_path;		/* -o: where it goes on abort */

/* On abort, save the input being run (async-signal-safe calls only). */
static void save_input(int sig)
{
	int fd = open(crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd >= 0) {
		if (write(fd, buf, buf_len) < 0)
			buf_len = 0;
		close(fd);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

static void die(const char *what, const char *name)
{
	fprintf(stderr, "replay: %s %s: %s\n", what, name, strerror(errno));
	exit(2);
}

static void run_stream(FILE *f, const char *name)
{
	size_t n = fread(buf, 1, sizeof(buf), f);

	if (ferror(f))
		die("cannot read", name);
	buf_len = n;
	LLVMFuzzerTestOneInput(buf, n);
	nr_execs++;
	nr_files++;
}

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");

	if (!f)
		die("cannot open", path);
	run_stream(f, path);
	fclose(f);
}

static int skip_dots(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static void run_dir(const char *dir)
{
	struct dirent **names;
	char path[4096];
	int n, i;

	n = scandir(dir, &names, skip_dots, alphasort);
	if (n < 0)
		die("cannot list", dir);
	for (i = 0; i < n; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (!stat(path, &st) && S_ISREG(st.st_mode))
			run_file(path);
		free(names[i]);
	}
	free(names);
}

static void run_arg(const char *arg)
{
	struct stat st;

	if (!strcmp(arg, "-")) {
		run_stream(stdin, "stdin");
		return;
	}
	if (stat(arg, &st))
		die("cannot stat", arg);
	if (S_ISDIR(st.st_mode))
		run_dir(arg);
	else
		run_file(arg);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* xorshift64*: enough to make inputs. */
static unsigned long long rnd(unsigned long long *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static void run_random(double seconds, unsigned long long seed)
{
	double end = now() + seconds;
	unsigned long long s = seed ? seed : 1;
	size_t n, i;

	fprintf(stderr, "replay: random inputs for %.0f s, seed %llu (replay: -s %llu)\n",
		seconds, seed, seed);
	while (now() < end) {
		n = 1 + rnd(&s) % RANDOM_MAX_LEN;
		for (i = 0; i < n; i++)
			buf[i] = rnd(&s) >> 56;
		buf_len = n;
		LLVMFuzzerTestOneInput(buf, n);
		nr_execs++;
	}
}

int main(int argc, char **argv)
{
	unsigned long long seed = 0;
	double seconds = 0, start = now();
	int opt, i;

	while ((opt = getopt(argc, argv, "r:s:o:")) != -1) {
		switch (opt) {
		case 'r':
			seconds = atof(optarg);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'o':
			crash_path = optarg;
			signal(SIGABRT, save_input);
			break;
		default:
			fprintf(stderr, "usage: %s [-r SECONDS] [-s SEED] [-o FILE] [FILE|DIR|-]...\n",
				argv[0]);
			return 2;
		}
	}
	if (optind == argc && !seconds)
		run_arg("-");
	for (i = optind; i < argc; i++)
		run_arg(argv[i]);
	if (seconds > 0) {
		if (!seed)
			seed = (unsigned long long)time(NULL) ^
			       ((unsigned long long)getpid() << 32);
		run_random(seconds, seed);
	}
	printf("replay: %lu executions in %.1f s, 0 failures (%lu files)\n",
	       nr_execs, now() - start, nr_files);
	return 0;
}
