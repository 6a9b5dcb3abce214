// SPDX-License-Identifier: MIT
/*
 * bench-time [-n RUNS] [-t SECONDS] [-o FILE] -- COMMAND [ARGS...]
 *
 * Runs COMMAND up to RUNS times (default 5), but stops starting new runs once
 * SECONDS (default: no limit) have been spent; at least one run. Each run is
 * its own child: wall time from fork to wait4(), peak RSS from that child's
 * rusage (ru_maxrss: the largest resident set of the process across its
 * execs, so umockdev-wrapper's shell and env count only if larger).
 * The first run's stdout goes to FILE (default /dev/null), later ones to
 * /dev/null; stderr passes through. Any run exiting non-zero is an error.
 *
 * Prints one line: "RUNS MEDIAN_MS MIN_MS MAX_MS MAXRSS_KB".
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 100

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: bench-time [-n RUNS] [-t SECONDS] [-o FILE] -- COMMAND [ARGS...]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *out = "/dev/null";
	double ms[MAX_RUNS], budget = 0, spent = 0, median;
	long maxrss = 0;
	int runs = 5, n, c;

	while ((c = getopt(argc, argv, "+n:t:o:")) != -1) {
		switch (c) {
		case 'n':
			runs = atoi(optarg);
			break;
		case 't':
			budget = atof(optarg) * 1e3;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return usage();
		}
	}
	if (optind >= argc || runs < 1 || runs > MAX_RUNS)
		return usage();

	for (n = 0; n < runs && (n == 0 || budget <= 0 || spent < budget); n++) {
		struct rusage ru;
		double t0 = now_ms();
		int status;
		pid_t pid = fork();

		if (pid < 0) {
			perror("bench-time: fork");
			return 1;
		}
		if (pid == 0) {
			int fd = open(n == 0 ? out : "/dev/null",
				      O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

			if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0) {
				perror("bench-time: stdout");
				_exit(127);
			}
			execvp(argv[optind], argv + optind);
			fprintf(stderr, "bench-time: %s: %s\n", argv[optind], strerror(errno));
			_exit(127);
		}
		if (wait4(pid, &status, 0, &ru) < 0) {
			perror("bench-time: wait4");
			return 1;
		}
		ms[n] = now_ms() - t0;
		spent += ms[n];
		if (ru.ru_maxrss > maxrss)
			maxrss = ru.ru_maxrss;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "bench-time: %s: %s %d\n", argv[optind],
				WIFEXITED(status) ? "exit status" : "killed by signal",
				WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
			return 1;
		}
	}

	qsort(ms, (size_t)n, sizeof(ms[0]), cmp_double);
	median = n % 2 ? ms[n / 2] : (ms[n / 2 - 1] + ms[n / 2]) / 2;
	printf("%d %.1f %.1f %.1f %ld\n", n, median, ms[0], ms[n - 1], maxrss);
	return 0;
}
