// SPDX-License-Identifier: GPL-2.0
/* Capability drop, user switch and no_new_privs, with capget/capset and
 * prctl directly: the whole job is a handful of system calls. */
#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "priv.h"

static int caps_get(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };

	return syscall(SYS_capget, &h, d);
}

static int caps_set(uint64_t eff, uint64_t prm, uint64_t inh)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = {
		{ (uint32_t)eff, (uint32_t)prm, (uint32_t)inh },
		{ (uint32_t)(eff >> 32), (uint32_t)(prm >> 32), (uint32_t)(inh >> 32) },
	};

	return syscall(SYS_capset, &h, d);
}

int priv_caps(uint64_t *eff, uint64_t *prm)
{
	struct __user_cap_data_struct d[2];

	if (caps_get(d))
		return -1;
	*eff = (uint64_t)d[1].effective << 32 | d[0].effective;
	*prm = (uint64_t)d[1].permitted << 32 | d[0].permitted;
	return 0;
}

/* The highest capability this kernel knows. */
static int cap_last(void)
{
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
	int last = 63;

	if (f) {
		if (fscanf(f, "%d", &last) != 1 || last < 0 || last > 63)
			last = 63;
		fclose(f);
	}
	return last;
}

int priv_drop(const char *user, char *err, size_t errlen)
{
	uint64_t eff, prm, keep;
	struct passwd *pw = NULL;
	int last = cap_last();

	if (priv_caps(&eff, &prm)) {
		snprintf(err, errlen, "capget: %s", strerror(errno));
		return -1;
	}
	keep = prm & PRIV_KEEP_CAPS;
	if (user && *user) {
		errno = 0;
		pw = getpwnam(user);
		if (!pw) {
			snprintf(err, errlen,
				 "user %s: %s; create it (useradd --system %s) or remove the "
				 "`user` key", user, errno ? strerror(errno) : "no such user",
				 user);
			return -1;
		}
	}
	/* The bounding set first: dropping from it needs CAP_SETPCAP, which
	 * goes next.  EINVAL: a capability this kernel does not have. */
	for (int c = 0; c <= last; c++)
		if (!(keep & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) &&
		    errno != EINVAL && errno != EPERM) {
			snprintf(err, errlen, "dropping capability %d from the bounding set: %s", c,
				 strerror(errno));
			return -1;
		}
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (pw) {
		gid_t gid = pw->pw_gid;

		/* Keep the permitted set across setuid(); it is cut down to
		 * `keep` right after. */
		if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) || setgroups(1, &gid) || setgid(gid) ||
		    setuid(pw->pw_uid)) {
			snprintf(err, errlen, "switching to user %s: %s", user, strerror(errno));
			return -1;
		}
		prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	}
	if (caps_set(keep, keep, 0)) {
		snprintf(err, errlen, "capset: %s", strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		snprintf(err, errlen, "no_new_privs: %s", strerror(errno));
		return -1;
	}
	/* Trust, but check: a capability left over is a bug here. */
	if (priv_caps(&eff, &prm) || eff != keep || prm != keep) {
		snprintf(err, errlen, "capabilities still held after the drop: %#llx",
			 (unsigned long long)prm);
		return -1;
	}
	return 0;
}
