// SPDX-License-Identifier: Apache-2.0
/*
 * pbench: the small measuring tools of bench/datapath.sh, compiled on the fly.
 *
 *   pbench serve ADDR PORT
 *	Accept connections one at a time: read one byte, close. Runs until killed.
 *
 *   pbench connect ADDR PORT SECONDS
 *	For SECONDS: connect, send one byte, close, and again. Prints the
 *	completed connections per second. Any failed connection ends the run
 *	with exit status 1: a rate that hides errors is no rate.
 *
 *   pbench run OUTFILE PROGRAM [ARG...]
 *	Runs PROGRAM with this process's stdin and environment, its stdout in
 *	OUTFILE, and prints the wall time from fork to its exit in microseconds.
 *	Exits with PROGRAM's exit status.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static struct sockaddr_in address(const char *ip, const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((unsigned short)atoi(port)) };

	if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1) {
		fprintf(stderr, "pbench: not an IPv4 address: %s\n", ip);
		exit(2);
	}
	return sa;
}

static int serve(const char *ip, const char *port)
{
	struct sockaddr_in sa = address(ip, port);
	int one = 1, s = socket(AF_INET, SOCK_STREAM, 0);
	char byte;

	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 4096) < 0) {
		fprintf(stderr, "pbench serve: %s:%s: %s\n", ip, port, strerror(errno));
		return 1;
	}
	for (;;) {
		int c = accept(s, NULL, NULL);

		if (c < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			fprintf(stderr, "pbench serve: accept: %s\n", strerror(errno));
			return 1;
		}
		while (read(c, &byte, 1) < 0 && errno == EINTR)
			;
		close(c);
	}
}

static int connect_loop(const char *ip, const char *port, const char *seconds)
{
	struct sockaddr_in sa = address(ip, port);
	double start = now(), end = start + atof(seconds), t;
	unsigned long done = 0;

	while ((t = now()) < end) {
		int c = socket(AF_INET, SOCK_STREAM, 0);

		if (c < 0 || connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0 || write(c, "x", 1) != 1) {
			fprintf(stderr, "pbench connect: %s:%s after %lu connections: %s\n", ip, port, done,
				strerror(errno));
			return 1;
		}
		close(c);
		done++;
	}
	printf("%.1f\n", (double)done / (t - start));
	return 0;
}

static int run(const char *outfile, char **argv)
{
	int out = open(outfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), status;
	double start;
	pid_t pid;

	if (out < 0) {
		fprintf(stderr, "pbench run: %s: %s\n", outfile, strerror(errno));
		return 2;
	}
	start = now();
	pid = fork();
	if (pid == 0) {
		dup2(out, STDOUT_FILENO);
		execv(argv[0], argv);
		fprintf(stderr, "pbench run: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0) {
		fprintf(stderr, "pbench run: %s\n", strerror(errno));
		return 2;
	}
	printf("%.0f\n", (now() - start) * 1e6);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "serve") == 0)
		return serve(argv[2], argv[3]);
	if (argc == 5 && strcmp(argv[1], "connect") == 0)
		return connect_loop(argv[2], argv[3], argv[4]);
	if (argc >= 4 && strcmp(argv[1], "run") == 0)
		return run(argv[2], argv + 3);
	fprintf(stderr, "usage: pbench serve ADDR PORT | connect ADDR PORT SECONDS | run OUTFILE PROGRAM [ARG...]\n");
	return 2;
}
