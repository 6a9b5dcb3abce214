/* SPDX-License-Identifier: MIT */
/*
 * Small helpers shared by every module: scope-bound cleanup in the style of
 * kmod's shared/macro.h and systemd.
 */
#ifndef VFC_MACRO_H
#define VFC_MACRO_H

#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(fn)	     __attribute__((cleanup(fn)))
#define _must_check_	     __attribute__((warn_unused_result))
#define _printf_format_(a, b) __attribute__((format(printf, a, b)))
#define _unused_	     __attribute__((unused))

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

/* Hand a cleanup-managed pointer to the caller. */
#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _p = (p);                                                            \
		(p) = NULL;                                                                        \
		_p;                                                                                \
	})

#endif
