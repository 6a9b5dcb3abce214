/* SPDX-License-Identifier: MIT */
/*
 * Small helpers shared by every module: scope-bound cleanup in the style of
 * kmod's shared/macro.h and systemd.
 */
#ifndef VFC_MACRO_H
#define VFC_MACRO_H

#include <dirent.h>
#include <errno.h>
#include <libmount/libmount.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define _cleanup_(fn)	     __attribute__((cleanup(fn)))
#define _printf_format_(a, b) __attribute__((format(printf, a, b)))
#define _unused_	     __attribute__((unused))
#define _fallthrough_	     __attribute__((fallthrough))

#define STRINGIFY_(x) #x
#define STRINGIFY(x)  STRINGIFY_(x)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void freep(void *p)
{
	free(*(void **)p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define _cleanup_close_ _cleanup_(closep)

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}
#define _cleanup_fclose_ _cleanup_(fclosep)

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}
#define _cleanup_closedir_ _cleanup_(closedirp)

/* The libraries every module may use: their objects released at scope exit. */
static inline void mnt_free_contextp(struct libmnt_context **c)
{
	mnt_free_context(*c);
}
#define _cleanup_mnt_context_ _cleanup_(mnt_free_contextp)

static inline void mnt_unref_tablep(struct libmnt_table **tb)
{
	mnt_unref_table(*tb);
}
#define _cleanup_mnt_table_ _cleanup_(mnt_unref_tablep)

static inline void mnt_free_iterp(struct libmnt_iter **it)
{
	mnt_free_iter(*it);
}
#define _cleanup_mnt_iter_ _cleanup_(mnt_free_iterp)

/* A NULL-terminated array of allocated strings, and the array. */
static inline void strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

/* Append @s (taken; NULL: out of memory) to @v, which holds @n strings. 0 or -ENOMEM. */
static inline int strv_push(char ***v, size_t *n, char *s)
{
	char **nv = s ? realloc(*v, (*n + 2) * sizeof(*nv)) : NULL;

	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	nv[(*n)++] = s;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

static inline void strv_freep(char ***v)
{
	strv_free(*v);
}
#define _cleanup_strv_free_ _cleanup_(strv_freep)

/* Milliseconds on the monotonic clock: for bounded waits. */
static inline long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline void sleep_ms(long long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Hand a cleanup-managed pointer to the caller. */
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _p = (p);                                                            \
		(p) = NULL;                                                                        \
		_p;                                                                                \
	})

/* Hand a cleanup-managed fd to the caller. */
#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int _fd = (fd);                                                                    \
		(fd) = -1;                                                                         \
		_fd;                                                                               \
	})

#endif
