// SPDX-License-Identifier: MIT
/*
 * mksysfs [-a] DIR < SPEC: tests/fixtures/mktree in C, for trees of a few
 * hundred thousand CCW devices (mktree, in bash, needs minutes for a few
 * thousand). Reads the same SPEC lines and writes the same paths, file
 * contents and symlinks; `make bench` diffs the two on a small spec first.
 *
 *   -a  add to the tree in DIR instead of starting a new one
 *
 * One difference that no reader of the tree sees: attribute files with the
 * same content ("good\n", a cutype, a uevent) are hard links to one inode, so
 * that 4 x 65536 devices cost directories and symlinks but hardly any data
 * blocks. Only st_nlink and inode numbers tell.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int root = -1;
static bool kernel_612 = true;
static unsigned int mntid = 30;
static const char *spec_name = "SPEC";
static unsigned long lineno;

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "mksysfs: %s:%lu: ", spec_name, lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

__attribute__((format(printf, 3, 4))) static void fmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	int n;

	va_start(ap, f);
	n = vsnprintf(buf, size, f, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		die("name too long");
}

/* mkdir -p, relative to the tree's root */
static void mkdirs(const char *path)
{
	char p[4096];

	fmt(p, sizeof(p), "%s", path);
	if (mkdirat(root, p, 0755) == 0 || errno == EEXIST)
		return;
	if (errno != ENOENT)
		die("mkdir %s: %m", p);
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdirat(root, p, 0755) < 0 && errno != EEXIST)
			die("mkdir %s: %m", p);
		*s = '/';
	}
	if (mkdirat(root, p, 0755) < 0 && errno != EEXIST)
		die("mkdir %s: %m", p);
}

/* ln -s TARGET PATH: fails if PATH exists, as mktree (set -e) does */
static void symlink_to(const char *target, const char *path)
{
	if (symlinkat(target, root, path) < 0)
		die("ln -s %s %s: %m", target, path);
}

static void write_new(const char *path, const char *data, size_t len, bool append)
{
	int fd = openat(root, path, O_WRONLY | O_CREAT | O_CLOEXEC | (append ? O_APPEND : O_TRUNC),
			0644);

	if (fd < 0)
		die("create %s: %m", path);
	if (len && write(fd, data, len) != (ssize_t)len)
		die("write %s: %m", path);
	if (close(fd) < 0)
		die("close %s: %m", path);
}

/* Files with the same content share an inode (see the top of the file). */
#define MAX_SHARED 512
static struct shared {
	char *content;
	char *path;
} shared[MAX_SHARED];
static size_t nshared;

static void write_shared(const char *path, const char *content)
{
	size_t i;

	for (i = 0; i < nshared; i++)
		if (strcmp(shared[i].content, content) == 0)
			break;
	if (i < nshared) {
		/* unlink first: mktree's '>' replaces an existing file too */
		if (unlinkat(root, path, 0) < 0 && errno != ENOENT)
			die("rm %s: %m", path);
		if (linkat(root, shared[i].path, root, path, 0) == 0)
			return;
		/* EMLINK (ext4: 65000 links): start a new inode for this content. */
		if (errno != EMLINK && errno != ENOENT)
			die("ln %s %s: %m", shared[i].path, path);
		free(shared[i].path);
	} else {
		if (nshared == MAX_SHARED)
			die("too many distinct attribute contents");
		i = nshared++;
		shared[i].content = strdup(content);
	}
	write_new(path, content, strlen(content), false);
	shared[i].path = strdup(path);
	if (!shared[i].content || !shared[i].path)
		die("out of memory");
}

/* attr DIR NAME VALUE: a sysfs attribute, newline-terminated like the kernel's */
static void attr(const char *dir, const char *name, const char *value)
{
	char path[4096], content[512];

	fmt(path, sizeof(path), "%s/%s", dir, name);
	fmt(content, sizeof(content), "%s\n", value);
	write_shared(path, content);
}

/* printf %b: backslash escapes in SPEC tags and mount fields. */
static void unescape_b(const char *s, char *out, size_t size)
{
	size_t o = 0;

	while (*s) {
		int c = (unsigned char)*s++;

		if (c == '\\' && *s) {
			int e = *s++, v, k;

			switch (e) {
			case 'a':
				c = '\a';
				break;
			case 'b':
				c = '\b';
				break;
			case 'e':
				c = 0x1b;
				break;
			case 'f':
				c = '\f';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case 'v':
				c = '\v';
				break;
			case '\\':
				c = '\\';
				break;
			case 'x':
				for (v = 0, k = 0;
				     k < 2 && strchr("0123456789abcdefABCDEF", *s) && *s; k++, s++)
					v = v * 16 +
					    (*s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10);
				if (k == 0) {
					c = '\\';
					s--;
				} else {
					c = v;
				}
				break;
			case '0':
				for (v = 0, k = 0; k < 3 && *s >= '0' && *s <= '7'; k++, s++)
					v = v * 8 + (*s - '0');
				c = v & 0xff;
				break;
			default:
				/* unknown escapes stay as they are */
				if (o + 1 >= size)
					die("text too long");
				out[o++] = '\\';
				c = e;
			}
		}
		if (c == 0)
			break; /* printf %b stops at a NUL */
		if (o + 1 >= size)
			die("text too long");
		out[o++] = (char)c;
	}
	out[o] = '\0';
}

/* ccw BUSID SUBCH CUTYPE ONLINE DRIVER VIRTIO [TAG], as mktree's add_ccw */
static void add_ccw(char **f, const char *tag)
{
	const char *busid = f[0], *subch = f[1], *cutype = f[2], *online = f[3], *driver = f[4];
	const char *virtio = f[5], *first_slash = strchr(cutype, '/');
	const char *last_slash = strrchr(cutype, '/');
	char sch[256], dev[512], vdir[600], p[1024], t[1024], model[64], lmodel[64], type[64];
	char vname[64], buf[512], n[64];
	size_t i;

	fmt(sch, sizeof(sch), "sys/devices/css0/%s", subch);
	fmt(dev, sizeof(dev), "%s/%s", sch, busid);
	mkdirs(dev);
	fmt(buf, sizeof(buf), "%s\n", busid);
	fmt(p, sizeof(p), "%s/dev_busid", sch);
	write_new(p, buf, strlen(buf), false);
	attr(sch, "type", "0");
	attr(sch, "modalias", "css:t0");
	fmt(p, sizeof(p), "%s/uevent", sch);
	write_shared(p, "DRIVER=io_subchannel\nST=0\nMODALIAS=css:t0\n");
	fmt(p, sizeof(p), "%s/subsystem", sch);
	symlink_to("../../../bus/css", p);
	fmt(p, sizeof(p), "%s/driver", sch);
	symlink_to("../../../bus/css/drivers/io_subchannel", p);
	fmt(p, sizeof(p), "sys/bus/css/devices/%s", subch);
	fmt(t, sizeof(t), "../../../devices/css0/%s", subch);
	symlink_to(t, p);

	/* as mktree: the model is what follows the first slash, upper-cased; the type what precedes
	 * the last */
	fmt(model, sizeof(model), "%s", first_slash ? first_slash + 1 : cutype);
	for (i = 0; model[i]; i++) {
		lmodel[i] = (char)(model[i] >= 'A' && model[i] <= 'Z' ? model[i] | 0x20 : model[i]);
		model[i] = (char)(model[i] >= 'a' && model[i] <= 'z' ? model[i] & ~0x20 : model[i]);
	}
	lmodel[i] = '\0';
	fmt(type, sizeof(type), "%.*s",
	    (int)(last_slash ? (size_t)(last_slash - cutype) : strlen(cutype)), cutype);

	attr(dev, "availability", "good");
	attr(dev, "cmb_enable", "0");
	attr(dev, "cutype", cutype);
	attr(dev, "devtype", "n/a");
	fmt(buf, sizeof(buf), "ccw:t%sm%sdtdm", type, model);
	attr(dev, "modalias", buf);
	attr(dev, "online", online);
	fmt(buf, sizeof(buf),
	    "%s%s%sCU_TYPE=%s\nCU_MODEL=%s\nDEV_TYPE=0000\nDEV_MODEL=00\nMODALIAS=ccw:t%sm%sdtdm\n",
	    strcmp(driver, "-") ? "DRIVER=" : "", strcmp(driver, "-") ? driver : "",
	    strcmp(driver, "-") ? "\n" : "", type, model, type, model);
	fmt(p, sizeof(p), "%s/uevent", dev);
	write_shared(p, buf);
	fmt(p, sizeof(p), "%s/subsystem", dev);
	symlink_to("../../../../bus/ccw", p);
	fmt(p, sizeof(p), "sys/bus/ccw/devices/%s", busid);
	fmt(t, sizeof(t), "../../../devices/css0/%s/%s", subch, busid);
	symlink_to(t, p);
	if (strcmp(driver, "-") != 0) {
		fmt(p, sizeof(p), "sys/bus/ccw/drivers/%s", driver);
		mkdirs(p);
		fmt(t, sizeof(t), "../../../../bus/ccw/drivers/%s", driver);
		fmt(p, sizeof(p), "%s/driver", dev);
		symlink_to(t, p);
		fmt(t, sizeof(t), "../../../../devices/css0/%s/%s", subch, busid);
		fmt(p, sizeof(p), "sys/bus/ccw/drivers/%s/%s", driver, busid);
		symlink_to(t, p);
	}

	if (strcmp(virtio, "-") == 0)
		return;
	fmt(vname, sizeof(vname), "%.*s", (int)strcspn(virtio, ":="), virtio);
	fmt(vdir, sizeof(vdir), "%s/%s", dev, vname);
	mkdirs(vdir);
	fmt(buf, sizeof(buf), "0x00%s", lmodel);
	attr(vdir, "device", buf);
	attr(vdir, "vendor", "0x3832");
	attr(vdir, "features", "0000000000000000000000000000110010000000000000000000000000000000");
	fmt(buf, sizeof(buf), "virtio:d000000%sv00003832", model);
	attr(vdir, "modalias", buf);
	attr(vdir, "status", "0x0000000f");
	fmt(p, sizeof(p), "%s/subsystem", vdir);
	symlink_to("../../../../../bus/virtio", p);
	fmt(p, sizeof(p), "sys/bus/virtio/devices/%s", vname);
	fmt(t, sizeof(t), "../../../devices/css0/%s/%s/%s", subch, busid, vname);
	symlink_to(t, p);
	fmt(p, sizeof(p), "%s/uevent", vdir);
	fmt(buf, sizeof(buf), "%s:unbound", vname);
	if (strcmp(virtio, buf) == 0 || strcmp(cutype, "3832/1a") != 0) {
		fmt(buf, sizeof(buf), "MODALIAS=virtio:d000000%sv00003832\n", model);
		write_shared(p, buf);
		return;
	}
	fmt(buf, sizeof(buf), "DRIVER=virtiofs\nMODALIAS=virtio:d000000%sv00003832\n", model);
	write_shared(p, buf);
	mkdirs("sys/bus/virtio/drivers/virtiofs");
	fmt(p, sizeof(p), "%s/driver", vdir);
	symlink_to("../../../../../bus/virtio/drivers/virtiofs", p);
	fmt(p, sizeof(p), "sys/bus/virtio/drivers/virtiofs/%s", vname);
	fmt(t, sizeof(t), "../../../../devices/css0/%s/%s/%s", subch, busid, vname);
	symlink_to(t, p);

	if (!kernel_612)
		return;
	fmt(n, sizeof(n), "%s", strchr(virtio, '=') ? strchr(virtio, '=') + 1 : vname + 6);
	fmt(p, sizeof(p), "sys/fs/virtiofs/%s/mqs/0", n);
	mkdirs(p);
	fmt(p, sizeof(p), "sys/fs/virtiofs/%s/mqs/1", n);
	mkdirs(p);
	unescape_b(tag, buf, sizeof(buf) - 1);
	strcat(buf, "\n");
	fmt(p, sizeof(p), "sys/fs/virtiofs/%s/tag", n);
	write_new(p, buf, strlen(buf), false);
	fmt(p, sizeof(p), "sys/fs/virtiofs/%s/device", n);
	fmt(t, sizeof(t), "../../../devices/css0/%s/%s/%s", subch, busid, vname);
	symlink_to(t, p);
	fmt(p, sizeof(p), "sys/fs/virtiofs/%s/mqs/0", n);
	attr(p, "name", "hiprio");
	attr(p, "cpu_list", "0");
	fmt(p, sizeof(p), "sys/fs/virtiofs/%s/mqs/1", n);
	attr(p, "name", "requests.0");
	attr(p, "cpu_list", "0");
}

/* mountinfo escapes space, tab, newline and backslash as octal, as the kernel does. */
static void mangle(const char *s, char *out, size_t size)
{
	size_t o = 0;

	for (; *s; s++) {
		if (o + 5 >= size)
			die("text too long");
		if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\\')
			o += (size_t)snprintf(out + o, size - o, "\\%03o", (unsigned char)*s);
		else
			out[o++] = *s;
	}
	out[o] = '\0';
}

static void add_mount(const char *rest)
{
	char tag[512], target[512], mtag[2048], mtarget[2048], raw[1024], line[5000];
	size_t k = strcspn(rest, " \t");

	fmt(raw, sizeof(raw), "%.*s", (int)k, rest);
	unescape_b(raw, tag, sizeof(tag));
	rest += k;
	rest += strspn(rest, " \t");
	unescape_b(rest, target, sizeof(target));
	mangle(target, mtarget, sizeof(mtarget));
	mangle(tag, mtag, sizeof(mtag));
	mntid++;
	fmt(line, sizeof(line), "%u 1 0:%u / %s rw,relatime - virtiofs %s rw\n", mntid, mntid,
	    mtarget, mtag);
	write_new("proc/self/mountinfo", line, strlen(line), true);
}

static void new_tree(void)
{
	static const char *const dirs[] = {
		"sys/devices/css0",
		"sys/bus/ccw/devices",
		"sys/bus/ccw/drivers",
		"sys/bus/css/devices",
		"sys/bus/css/drivers/io_subchannel",
		"sys/bus/virtio/devices",
		"sys/bus/virtio/drivers",
		"proc/self",
	};
	static const char fs[] = "nodev\tsysfs\nnodev\tproc\n";

	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		mkdirs(dirs[i]);
	write_new("proc/self/mountinfo", "", 0, false);
	write_new("sys/devices/css0/uevent", "", 0, false);
	write_new("proc/filesystems", fs, strlen(fs), false);
}

/* The rest of @line after @n blank-separated fields, or NULL. */
static char *skip_fields(char *line, int n)
{
	char *p = line;

	for (int i = 0; i < n; i++) {
		p += strspn(p, " \t");
		if (!*p)
			return NULL;
		p += strcspn(p, " \t");
	}
	return p + strspn(p, " \t");
}

static void trim_end(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
}

int main(int argc, char **argv)
{
	char *line = NULL, *kw, *rest, *f[7], *tag;
	bool add = false;
	size_t len = 0;
	ssize_t n;
	int i;

	if (argc == 3 && strcmp(argv[1], "-a") == 0) {
		add = true;
		argv++;
	} else if (argc != 2) {
		fprintf(stderr, "usage: mksysfs [-a] DIR < SPEC\n");
		return 2;
	}
	if (mkdir(argv[1], 0755) < 0 && errno != EEXIST) {
		perror(argv[1]);
		return 1;
	}
	root = open(argv[1], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (root < 0) {
		perror(argv[1]);
		return 1;
	}
	if (!add) {
		new_tree();
	} else {
		/* Continue the mount IDs after the lines already there. */
		int c, fd = openat(root, "proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
		FILE *mi = fd < 0 ? NULL : fdopen(fd, "r");

		if (!mi)
			die("no tree in %s to add to", argv[1]);
		while ((c = getc(mi)) != EOF)
			mntid += c == '\n';
		fclose(mi);
	}

	while ((n = getline(&line, &len, stdin)) > 0) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		kw = line + strspn(line, " \t");
		if (!*kw || *kw == '#')
			continue;
		rest = kw + strcspn(kw, " \t");
		if (*rest)
			*rest++ = '\0';
		rest += strspn(rest, " \t");
		if (strcmp(kw, "kernel") == 0) {
			trim_end(rest);
			kernel_612 = strcmp(rest, "6.12") == 0;
		} else if (strcmp(kw, "ccw") == 0) {
			/* The tag is the rest of the line after six fields, inner spaces kept. */
			tag = skip_fields(rest, 6);
			tag = tag ? strdup(tag) : strdup("");
			if (!tag)
				die("out of memory");
			for (i = 0; i < 6; i++) {
				f[i] = strtok(i ? NULL : rest, " \t");
				if (!f[i])
					die("ccw needs BUSID SUBCH CUTYPE ONLINE DRIVER VIRTIO");
			}
			trim_end(tag);
			add_ccw(f, tag);
			free(tag);
		} else if (strcmp(kw, "cio_ignore") == 0) {
			char cl[512];

			trim_end(rest);
			fmt(cl, sizeof(cl), "%s\n", rest);
			write_new("proc/cio_ignore", cl, strlen(cl), true);
		} else if (strcmp(kw, "mount") == 0) {
			trim_end(rest);
			add_mount(rest);
		} else if (strcmp(kw, "filesystem") == 0) {
			char fsl[512];

			trim_end(rest);
			fmt(fsl, sizeof(fsl), "nodev\t%s\n", rest);
			write_new("proc/filesystems", fsl, strlen(fsl), true);
		} else {
			die("unknown line: %s", kw);
		}
	}
	free(line);
	close(root);
	return 0;
}
