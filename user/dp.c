// SPDX-License-Identifier: GPL-2.0
/* The dataplane module: loads the BPF skeletons, pins programs and maps
 * under the pin directory, attaches XDP (libxdp) and TC (libbpf tc hooks),
 * and manages sessions, subscriber addresses and counters.  The only file
 * that calls libbpf or libxdp. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>
#include <linux/magic.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>

#include "dp.h"
#include "log.h"
#include "util.h"
#include "l2tp_xdp.skel.h"
#include "l2tp_tc.skel.h"

/* Programs as pinned under the pin directory. */
enum dp_prog { P_UPLINK, P_CORE, P_BOTH, P_TC, P_MAX };
static const char *const prog_pin[P_MAX] = { "prog_uplink", "prog_core", "prog_both", "prog_tc" };

enum dp_map {
	M_SESSIONS, M_DST4, M_DST6, M_LPM4, M_LPM6, M_REASONS, M_SSTATS, M_TXPORTS, M_FAST,
	M_FAST4, M_FAST6, M_MAX
};
static const char *const map_pin[M_MAX] = {
	L2TPX_MAP_SESSIONS, L2TPX_MAP_DST4, L2TPX_MAP_DST6, L2TPX_MAP_LPM4, L2TPX_MAP_LPM6,
	L2TPX_MAP_REASONS,  L2TPX_MAP_SSTATS, L2TPX_MAP_TXPORTS, L2TPX_MAP_FAST,
	L2TPX_MAP_FAST4,    L2TPX_MAP_FAST6,
};

/* The addresses this handle gave a session (dp_session_add, dp_prefix_add),
 * so that deleting the session removes exactly those instead of walking every
 * address map: that walk is O(all addresses) per delete, and a tunnel of
 * 10,000 calls took 78 s to tear down.  Sessions another process installed
 * are not here; their delete walks the maps as before. */
struct dp_owned {
	struct dp_owned *next;
	__u32 key;			/* struct l2tpx_sess_key as stored */
	int n, cap;
	struct dp_prefix p[];
};
#define DP_OWN_BUCKETS	16384	/* 128 KiB of heads; chains grow past that */

struct dp {
	char pin_dir[PATH_MAX / 2];
	struct dp_owned **own;		/* DP_OWN_BUCKETS chains, built on first use */
	int map_fd[M_MAX];
	int prog_fd[P_MAX];
	int ncpus;
	__u32 max_sessions;
	__u32 fast_mask;	/* l2tpx_fast entries - 1 */
	__u32 nslots;		/* counter slots: l2tpx_sstats entries / CPUs */
	struct l2tpx_sess_stats *sst;	/* l2tpx_sstats, mapped */
	size_t sst_len;
	__u8 *slot_used;	/* stats slot bitmap, built on first use */
	__u32 slot_next;
};

static const struct {
	const char *name, *desc;
} reasons[L2TPX_R_MAX] = {
#define L2TPX_REASON_NAME(n, s, d) [L2TPX_R_##n] = { s, d },
	L2TPX_REASONS(L2TPX_REASON_NAME)
#undef L2TPX_REASON_NAME
};

const char *dp_reason_name(unsigned int r)
{
	return r < L2TPX_R_MAX ? reasons[r].name : "?";
}

const char *dp_reason_desc(unsigned int r)
{
	return r < L2TPX_R_MAX ? reasons[r].desc : "?";
}

/* libbpf and libxdp speak through our logger, one level down. */
static int dp_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	char buf[1024];
	size_t n;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	log_msg(level == LIBBPF_WARN ? LOG_INFO : LOG_DEBUG, "%s", buf);
	return 0;
}

static int dp_libxdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	char buf[1024];
	size_t n;

	vsnprintf(buf, sizeof(buf), fmt, ap);
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	log_msg(level == LIBXDP_WARN ? LOG_INFO : LOG_DEBUG, "libxdp: %s", buf);
	return 0;
}

static void pin_path(const struct dp *dp, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", dp->pin_dir, name);
}

static int check_bpffs(const char *dir)
{
	char parent[PATH_MAX];
	struct statfs st;
	char *slash;

	snprintf(parent, sizeof(parent), "%s", dir);
	slash = strrchr(parent, '/');
	if (slash && slash != parent)
		*slash = '\0';
	if (statfs(parent, &st) || st.f_type != BPF_FS_MAGIC) {
		log_warnx("%s is not on a bpf filesystem: mount it with "
			  "`mount -t bpf bpf %s`", dir, parent);
		return -ENOTDIR;
	}
	return 0;
}

/* Remove every pin we own; what is attached stays attached. */
static void unpin_all(struct dp *dp)
{
	char path[PATH_MAX];
	int i;

	for (i = 0; i < P_MAX; i++) {
		pin_path(dp, prog_pin[i], path, sizeof(path));
		unlink(path);
	}
	for (i = 0; i < M_MAX; i++) {
		pin_path(dp, map_pin[i], path, sizeof(path));
		unlink(path);
	}
	pin_path(dp, L2TPX_MAP_CPUS, path, sizeof(path));
	unlink(path);
	rmdir(dp->pin_dir);
}

/* Load both skeletons: maps already pinned are reused (an upgrade keeps
 * its sessions), the others are pinned after load; the TC object gets the
 * XDP object's maps, so both run on one set.  Then pin the programs. */
static int dp_load(struct dp *dp, const struct dp_opts *o)
{
	struct l2tp_xdp_bpf *xs = NULL;
	struct l2tp_tc_bpf *ts = NULL;
	struct bpf_program *progs[P_MAX];
	struct bpf_map *m, *tm;
	char path[PATH_MAX];
	__u32 max = o && o->max_sessions ? o->max_sessions : L2TPX_MAX_SESSIONS;
	__u32 spread = o ? o->spread_cpus : 0, first = o ? o->spread_first : 0;
	int err, fd;

	if (mkdir(dp->pin_dir, 0700) && errno != EEXIST) {
		err = -errno;
		log_warn("mkdir %s", dp->pin_dir);
		return err;
	}
	xs = l2tp_xdp_bpf__open();
	ts = l2tp_tc_bpf__open();
	if (!xs || !ts) {
		err = -errno;
		log_warnx("cannot open the BPF objects");
		goto out;
	}
	if ((__u64)l2tpx_fast_entries(max) * (__u32)dp->ncpus > UINT32_MAX) {
		log_warnx("dp: %u sessions x %d CPUs of counters is more than a map holds: "
			  "lower max-sessions", max, dp->ncpus);
		err = -E2BIG;
		goto out;
	}
	xs->rodata->l2tp_port = o && o->port ? o->port : L2TPX_DEFAULT_PORT;
	bpf_map__set_max_entries(xs->maps.l2tpx_sessions, max);
	bpf_map__set_max_entries(xs->maps.l2tpx_dst4, max);
	bpf_map__set_max_entries(xs->maps.l2tpx_dst6, max);
	/* As many counter slots as fast slots: a session's counters can then
	 * share its copy's slot (see session_lookup in bpf/lib/maps.h). */
	bpf_map__set_max_entries(xs->maps.l2tpx_sstats, l2tpx_fast_entries(max) * (__u32)dp->ncpus);
	bpf_map__set_max_entries(xs->maps.l2tpx_fast, l2tpx_fast_entries(max));
	bpf_map__set_max_entries(xs->maps.l2tpx_fast4, l2tpx_fast_entries(max));
	bpf_map__set_max_entries(xs->maps.l2tpx_fast6, l2tpx_fast_entries(max));
	if (first >= (__u32)dp->ncpus || first >= L2TPX_MAX_CPUS)
		first = 0;
	if (spread > (__u32)dp->ncpus - first)
		spread = dp->ncpus - first;
	if (spread > L2TPX_MAX_CPUS - first)
		spread = L2TPX_MAX_CPUS - first;
	xs->rodata->spread_cpus = spread;
	xs->rodata->spread_first = first;
	bpf_map__set_max_entries(xs->maps.l2tpx_cpus, dp->ncpus < L2TPX_MAX_CPUS ?
				 dp->ncpus : L2TPX_MAX_CPUS);
	bpf_object__for_each_map(m, xs->obj) {
		if (bpf_map__is_internal(m))
			continue;
		pin_path(dp, bpf_map__name(m), path, sizeof(path));
		fd = bpf_obj_get(path);
		if (fd < 0)
			continue;
		err = bpf_map__reuse_fd(m, fd);
		close(fd);
		if (err)
			goto out;
		log_info("dp: reusing pinned map %s", path);
	}
	/* The slot mask follows the array actually used (a pinned one keeps
	 * its size across reloads). */
	xs->rodata->fast_mask = bpf_map__max_entries(xs->maps.l2tpx_fast) - 1;
	ts->rodata->fast_mask = xs->rodata->fast_mask;
	xs->rodata->stats_cpus = ts->rodata->stats_cpus = dp->ncpus;
	err = l2tp_xdp_bpf__load(xs);
	if (err)
		goto fail_load;
	bpf_object__for_each_map(m, xs->obj) {
		if (bpf_map__is_internal(m))
			continue;
		pin_path(dp, bpf_map__name(m), path, sizeof(path));
		if (access(path, F_OK) && (err = bpf_map__pin(m, path))) {
			log_warnx("pinning %s failed: %s", path, strerror(-err));
			goto out;
		}
		tm = bpf_object__find_map_by_name(ts->obj, bpf_map__name(m));
		if (tm && (err = bpf_map__reuse_fd(tm, bpf_map__fd(m))))
			goto out;
	}
	err = l2tp_tc_bpf__load(ts);
	if (err)
		goto fail_load;
	/* Spreading: every CPU decap may go to gets the second stage. */
	for (__u32 cpu = first; cpu < first + spread; cpu++) {
		struct bpf_cpumap_val cv = {
			.qsize = L2TPX_SPREAD_QSIZE,
			.bpf_prog.fd = bpf_program__fd(xs->progs.l2tpx_uplink_cpu),
		};

		if (bpf_map_update_elem(bpf_map__fd(xs->maps.l2tpx_cpus), &cpu, &cv, 0)) {
			err = -errno;
			log_warn("dp: cpumap entry for CPU %u (spread-cpus %u)", cpu, spread);
			goto out;
		}
	}

	progs[P_UPLINK] = xs->progs.l2tpx_uplink;
	progs[P_CORE] = xs->progs.l2tpx_core;
	progs[P_BOTH] = xs->progs.l2tpx_both;
	progs[P_TC] = ts->progs.l2tpx_tc_encap;
	for (int i = 0; i < P_MAX; i++) {
		pin_path(dp, prog_pin[i], path, sizeof(path));
		err = bpf_program__pin(progs[i], path);
		if (err) {
			log_warnx("pinning %s failed: %s", path, strerror(-err));
			goto out;
		}
	}
	log_info("dp: loaded and pinned under %s (port %u, %u sessions)", dp->pin_dir,
		 xs->rodata->l2tp_port, bpf_map__max_entries(xs->maps.l2tpx_sessions));
	if (spread)
		log_info("dp: uplink decap spread over CPUs %u-%u by session", first,
			 first + spread - 1);
	goto out;
fail_load:
	log_warnx("loading the BPF programs failed (%s); run with -v for the verifier "
		  "log; if maps of another version are pinned in %s, run "
		  "`l2tpxctl unload` first", strerror(-err), dp->pin_dir);
out:
	if (err)
		unpin_all(dp);
	l2tp_tc_bpf__destroy(ts);
	l2tp_xdp_bpf__destroy(xs);
	return err;
}

static int dp_open_pinned(struct dp *dp)
{
	char path[PATH_MAX];
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int i;

	for (i = 0; i < P_MAX; i++) {
		pin_path(dp, prog_pin[i], path, sizeof(path));
		dp->prog_fd[i] = bpf_obj_get(path);
		if (dp->prog_fd[i] < 0)
			return -errno;
	}
	for (i = 0; i < M_MAX; i++) {
		pin_path(dp, map_pin[i], path, sizeof(path));
		dp->map_fd[i] = bpf_obj_get(path);
		if (dp->map_fd[i] < 0)
			return -errno;
	}
	if (bpf_obj_get_info_by_fd(dp->map_fd[M_SESSIONS], &info, &len))
		return -errno;
	dp->max_sessions = info.max_entries;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(dp->map_fd[M_FAST], &info, &len))
		return -errno;
	dp->fast_mask = info.max_entries - 1;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(dp->map_fd[M_SSTATS], &info, &len))
		return -errno;
	dp->nslots = info.max_entries / dp->ncpus;
	if (dp->nslots < dp->max_sessions) {
		log_warnx("dp: %s holds %u entries, %u sessions x %d CPUs need more: run "
			  "`l2tpxctl unload` and load again", L2TPX_MAP_SSTATS, info.max_entries,
			  dp->max_sessions, dp->ncpus);
		return -EINVAL;
	}
	dp->sst_len = (size_t)info.max_entries * sizeof(*dp->sst);
	dp->sst = mmap(NULL, dp->sst_len, PROT_READ | PROT_WRITE, MAP_SHARED,
		       dp->map_fd[M_SSTATS], 0);
	if (dp->sst == MAP_FAILED) {
		dp->sst = NULL;
		return -errno;
	}
	return 0;
}

int dp_open(struct dp **dpp, const struct dp_opts *o, bool load)
{
	struct dp *dp;
	int err, i;

	libbpf_set_print(dp_libbpf_print);
	libxdp_set_print(dp_libxdp_print);
	dp = calloc(1, sizeof(*dp));
	if (!dp)
		return -ENOMEM;
	for (i = 0; i < P_MAX; i++)
		dp->prog_fd[i] = -1;
	for (i = 0; i < M_MAX; i++)
		dp->map_fd[i] = -1;
	snprintf(dp->pin_dir, sizeof(dp->pin_dir), "%s", o && o->pin_dir ? o->pin_dir : L2TPX_PIN_DIR);
	dp->ncpus = libbpf_num_possible_cpus();
	if (dp->ncpus <= 0) {
		err = -EINVAL;
		goto fail;
	}

	err = dp_open_pinned(dp);
	if (err == -ENOENT && load) {
		for (i = 0; i < P_MAX; i++)
			if (dp->prog_fd[i] >= 0)
				close(dp->prog_fd[i]), dp->prog_fd[i] = -1;
		for (i = 0; i < M_MAX; i++)
			if (dp->map_fd[i] >= 0)
				close(dp->map_fd[i]), dp->map_fd[i] = -1;
		err = check_bpffs(dp->pin_dir);
		if (!err)
			err = dp_load(dp, o);
		if (!err)
			err = dp_open_pinned(dp);
	}
	if (err) {
		if (err == -ENOENT)
			log_warnx("no data plane pinned in %s: run `l2tpxctl load` "
				  "or `l2tpxctl attach DEV ROLE` first", dp->pin_dir);
		goto fail;
	}
	*dpp = dp;
	return 0;
fail:
	dp_close(dp);
	return err;
}

bool dp_pinned(const struct dp_opts *o)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", o && o->pin_dir ? o->pin_dir : L2TPX_PIN_DIR,
		 prog_pin[P_UPLINK]);
	return !access(path, F_OK);
}

void dp_close(struct dp *dp)
{
	int i;

	if (!dp)
		return;
	for (i = 0; i < P_MAX; i++)
		if (dp->prog_fd[i] >= 0)
			close(dp->prog_fd[i]);
	for (i = 0; i < M_MAX; i++)
		if (dp->map_fd[i] >= 0)
			close(dp->map_fd[i]);
	if (dp->sst)
		munmap(dp->sst, dp->sst_len);
	free(dp->slot_used);
	if (dp->own) {
		for (i = 0; i < DP_OWN_BUCKETS; i++) {
			struct dp_owned *o = dp->own[i], *n;

			for (; o; o = n) {
				n = o->next;
				free(o);
			}
		}
		free(dp->own);
	}
	free(dp);
}

static int ifindex_of(const char *ifname)
{
	int ifindex = if_nametoindex(ifname);

	if (!ifindex)
		log_warnx("no interface %s: check `ip link`", ifname);
	return ifindex;
}

static __u32 prog_id(int fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

static const char *const role_name[] = { "uplink", "core", "both" };

int dp_attach_xdp(struct dp *dp, const char *ifname, enum dp_role role, bool skb_mode)
{
	int ifindex = ifindex_of(ifname), fd = dp->prog_fd[role], err;
	enum xdp_attach_mode mode = skb_mode ? XDP_MODE_SKB : XDP_MODE_NATIVE;
	struct xdp_multiprog *mp;
	struct xdp_program *prog;
	const char *how;
	__u32 ifidx = ifindex;

	if (!ifindex)
		return -ENODEV;
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	if (!libxdp_get_error(mp) && mp) {
		struct xdp_program *cur = xdp_multiprog__main_prog(mp);

		if (cur && xdp_program__id(cur) == prog_id(fd)) {
			xdp_multiprog__close(mp);
			log_msg(LOG_NOTICE, "xdp: %s role %s already attached", ifname, role_name[role]);
			goto port;
		}
		if (cur || xdp_multiprog__is_legacy(mp)) {
			xdp_multiprog__close(mp);
			log_warnx("xdp: %s already has an XDP program; remove it first "
				  "(`l2tpxctl detach %s` or `ip link set %s xdp off`)",
				  ifname, ifname, ifname);
			return -EBUSY;
		}
	}
	if (!libxdp_get_error(mp))
		xdp_multiprog__close(mp);

	prog = xdp_program__from_fd(fd);
	err = libxdp_get_error(prog);
	if (err) {
		log_warnx("xdp: cannot use the pinned program: %s", strerror(-err));
		return err;
	}
	err = xdp_program__attach(prog, ifindex, mode, 0);
	if (err) {
		log_warnx("xdp: attaching to %s failed: %s%s", ifname, strerror(-err),
			  skb_mode ? "" : " (try `skb` for generic XDP)");
		xdp_program__close(prog);
		return err;
	}
	xdp_program__close(prog);

	/* libxdp 1.3 cannot load its dispatcher on some kernels and falls
	 * back to attaching the program directly: say which we got. */
	mp = xdp_multiprog__get_from_ifindex(ifindex);
	how = libxdp_get_error(mp) || !mp ? "unknown attach" :
	      xdp_multiprog__is_legacy(mp) ? "direct attach" : "libxdp dispatcher";
	if (!libxdp_get_error(mp))
		xdp_multiprog__close(mp);
	log_msg(LOG_NOTICE, "xdp: %s role %s attached (%s, %s)", ifname, role_name[role],
		 skb_mode ? "generic" : "native", how);
port:
	if (bpf_map_update_elem(dp->map_fd[M_TXPORTS], &ifidx, &ifidx, 0)) {
		err = -errno;
		log_warn("xdp: adding %s to the redirect ports", ifname);
		return err;
	}
	return 0;
}

static int detach_ifindex(int ifindex)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
	int err = libxdp_get_error(mp);

	if (err || !mp)
		return err ? err : -ENOENT;
	err = xdp_multiprog__detach(mp);
	xdp_multiprog__close(mp);
	return err;
}

int dp_detach_xdp(struct dp *dp, const char *ifname)
{
	int ifindex = ifindex_of(ifname), err;
	__u32 ifidx = ifindex;

	if (!ifindex)
		return -ENODEV;
	err = detach_ifindex(ifindex);
	bpf_map_delete_elem(dp->map_fd[M_TXPORTS], &ifidx);
	if (err)
		log_warnx("xdp: detaching from %s: %s", ifname, strerror(-err));
	else
		log_info("xdp: %s detached", ifname);
	return err;
}

#define TC_HANDLE	0x2d7
#define TC_PRIO		1

int dp_attach_tc(struct dp *dp, const char *ifname)
{
	int ifindex = ifindex_of(ifname), err;
	LIBBPF_OPTS(bpf_tc_hook, hook, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = TC_HANDLE, .priority = TC_PRIO,
		    .flags = BPF_TC_F_REPLACE);

	if (!ifindex)
		return -ENODEV;
	hook.ifindex = ifindex;
	opts.prog_fd = dp->prog_fd[P_TC];
	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST) {
		log_warnx("tc: creating clsact on %s failed: %s", ifname, strerror(-err));
		return err;
	}
	err = bpf_tc_attach(&hook, &opts);
	if (err) {
		log_warnx("tc: attaching to %s egress failed: %s", ifname, strerror(-err));
		return err;
	}
	log_info("tc: %s egress attached", ifname);
	return 0;
}

int dp_detach_tc(struct dp *dp, const char *ifname)
{
	int ifindex = ifindex_of(ifname), err;
	LIBBPF_OPTS(bpf_tc_hook, hook, .attach_point = BPF_TC_EGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = TC_HANDLE, .priority = TC_PRIO);

	if (!ifindex)
		return -ENODEV;
	hook.ifindex = ifindex;
	err = bpf_tc_detach(&hook, &opts);
	if (err)
		log_warnx("tc: detaching from %s: %s", ifname, strerror(-err));
	else
		log_info("tc: %s egress detached", ifname);
	return err;
}

int dp_unload(struct dp *dp)
{
	struct if_nameindex *ifs = if_nameindex(), *it;
	__u32 tc_id = prog_id(dp->prog_fd[P_TC]);
	__u32 key, next;
	int more;

	/* XDP: every interface in the redirect port map. */
	more = !bpf_map_get_next_key(dp->map_fd[M_TXPORTS], NULL, &key);
	while (more) {
		more = !bpf_map_get_next_key(dp->map_fd[M_TXPORTS], &key, &next);
		if (!detach_ifindex(key))
			log_info("xdp: ifindex %u detached", key);
		key = next;
	}
	/* TC: every interface whose egress filter is our program. */
	for (it = ifs; it && it->if_index; it++) {
		LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = it->if_index,
			    .attach_point = BPF_TC_EGRESS);
		LIBBPF_OPTS(bpf_tc_opts, opts, .handle = TC_HANDLE, .priority = TC_PRIO);

		if (!bpf_tc_query(&hook, &opts) && opts.prog_id == tc_id) {
			opts.prog_id = 0;
			opts.flags = 0;
			opts.prog_fd = 0;
			if (!bpf_tc_detach(&hook, &opts))
				log_info("tc: %s egress detached", it->if_name);
		}
	}
	if (ifs)
		if_freenameindex(ifs);
	unpin_all(dp);
	log_info("dp: unpinned %s", dp->pin_dir);
	return 0;
}

/* ---- sessions --------------------------------------------------------- */

static int slots_build(struct dp *dp)
{
	struct l2tpx_sess_key k, nk;
	struct l2tpx_session v;
	int more;

	if (dp->slot_used)
		return 0;
	dp->slot_used = calloc((dp->nslots + 7) / 8, 1);
	if (!dp->slot_used)
		return -ENOMEM;
	more = !bpf_map_get_next_key(dp->map_fd[M_SESSIONS], NULL, &k);
	while (more) {
		__u32 s;

		if (!bpf_map_lookup_elem(dp->map_fd[M_SESSIONS], &k, &v) &&
		    (s = v.stats_idx / dp->ncpus) < dp->nslots)
			dp->slot_used[s / 8] |= 1 << (s % 8);
		more = !bpf_map_get_next_key(dp->map_fd[M_SESSIONS], &k, &nk);
		k = nk;
	}
	return 0;
}

static __u32 fast_slot(__u32 mask, const struct l2tpx_sess_key *key)
{
	return l2tpx_fast_slot(ntohs(key->tunnel_id), ntohs(key->session_id), mask);
}

static bool slot_take(struct dp *dp, __u32 s)
{
	if (dp->slot_used[s / 8] & (1 << (s % 8)))
		return false;
	dp->slot_used[s / 8] |= 1 << (s % 8);
	return true;
}

/* A free counter slot, the session's fast slot when it is free: *stats_idx
 * is its first l2tpx_sstats entry (slot x CPUs), and its entries are
 * zeroed. */
static int slot_alloc(struct dp *dp, const struct l2tpx_sess_key *key, __u32 *stats_idx)
{
	__u32 i, s = fast_slot(dp->fast_mask, key);

	if (s >= dp->nslots || !slot_take(dp, s)) {
		for (i = 0; i < dp->nslots; i++) {
			s = (dp->slot_next + i) % dp->nslots;
			if (slot_take(dp, s))
				break;
		}
		if (i == dp->nslots)
			return -ENOSPC;
		dp->slot_next = s + 1;
	}
	*stats_idx = s * dp->ncpus;
	memset(&dp->sst[*stats_idx], 0, dp->ncpus * sizeof(*dp->sst));
	return 0;
}

static void slot_free(struct dp *dp, __u32 stats_idx)
{
	__u32 s = stats_idx / dp->ncpus;

	if (dp->slot_used && s < dp->nslots)
		dp->slot_used[s / 8] &= ~(1 << (s % 8));
}

static int prefix_map(const struct dp_prefix *p, void *key, size_t *klen)
{
	if (p->family == AF_INET && p->len == 32) {
		memcpy(key, p->addr, 4);
		*klen = 4;
		return M_DST4;
	}
	if (p->family == AF_INET6 && p->len == 128) {
		memcpy(key, p->addr, 16);
		*klen = 16;
		return M_DST6;
	}
	if (p->family == AF_INET) {
		struct l2tpx_lpm4_key *k = key;

		memset(k, 0, sizeof(*k));
		k->prefixlen = p->len;
		memcpy(&k->addr, p->addr, 4);
		*klen = sizeof(*k);
		return M_LPM4;
	}
	struct l2tpx_lpm6_key *k6 = key;

	memset(k6, 0, sizeof(*k6));
	k6->prefixlen = p->len;
	memcpy(k6->addr, p->addr, 16);
	*klen = sizeof(*k6);
	return M_LPM6;
}

static void fast_addr(struct dp *dp, const struct dp_prefix *p,
		      const struct l2tpx_sess_key *key);

/* An address or prefix out of the maps, its fast copy first. */
static int prefix_del(struct dp *dp, const struct dp_prefix *p)
{
	__u8 key[sizeof(struct l2tpx_lpm6_key)];
	size_t klen;
	int m = prefix_map(p, key, &klen);

	fast_addr(dp, p, NULL);
	return bpf_map_delete_elem(dp->map_fd[m], key) ? -errno : 0;
}

static __u32 key_u32(const struct l2tpx_sess_key *k)
{
	__u32 v;

	memcpy(&v, k, sizeof(v));
	return v;
}

static struct dp_owned **own_slot(struct dp *dp, __u32 key)
{
	struct dp_owned **pp;

	if (!dp->own)
		return NULL;
	pp = &dp->own[(key * 0x9e3779b1u) >> 18];	/* top 14 bits: DP_OWN_BUCKETS */
	while (*pp && (*pp)->key != key)
		pp = &(*pp)->next;
	return pp;
}

/* Remember pfx (may be NULL: just the session) as key's; on failure the
 * session is forgotten, and its delete walks the maps: slower, still right. */
static void own_add(struct dp *dp, const struct l2tpx_sess_key *key, const struct dp_prefix *pfx)
{
	__u32 k = key_u32(key);
	struct dp_owned **pp, *o, *no;

	if (!dp->own && !(dp->own = calloc(DP_OWN_BUCKETS, sizeof(*dp->own))))
		return;
	pp = own_slot(dp, k);
	o = *pp;
	if (!o) {
		o = calloc(1, sizeof(*o) + 2 * sizeof(o->p[0]));
		if (!o)
			return;
		o->key = k;
		o->cap = 2;
		*pp = o;
	}
	if (!pfx)
		return;
	if (o->n == o->cap) {
		no = realloc(o, sizeof(*o) + 2 * o->cap * sizeof(o->p[0]));
		if (!no) {
			*pp = o->next;
			free(o);
			return;
		}
		o = *pp = no;
		o->cap *= 2;
	}
	o->p[o->n++] = *pfx;
}

static void own_forget(struct dp *dp, __u32 key)
{
	struct dp_owned **pp = own_slot(dp, key), *o;

	if (pp && (o = *pp)) {
		*pp = o->next;
		free(o);
	}
}

static void own_forget_prefix(struct dp *dp, __u32 key, const struct dp_prefix *pfx)
{
	struct dp_owned **pp = own_slot(dp, key), *o;

	if (!pp || !(o = *pp))
		return;
	for (int i = 0; i < o->n; i++) {
		if (o->p[i].family == pfx->family && o->p[i].len == pfx->len &&
		    !memcmp(o->p[i].addr, pfx->addr, 16)) {
			o->p[i] = o->p[--o->n];
			return;
		}
	}
}

/* Who owns an address or prefix in the maps: 0 and *key, or -errno. */
static int prefix_owner(struct dp *dp, const struct dp_prefix *p, __u32 *key)
{
	__u8 k[sizeof(struct l2tpx_lpm6_key)];
	struct l2tpx_dst d;
	size_t klen;
	int m = prefix_map(p, k, &klen);

	if (bpf_map_lookup_elem(dp->map_fd[m], k, &d))
		return -errno;
	*key = key_u32(&d.key);
	return 0;
}

/* ---- the fast copies (l2tpx_fast, see struct l2tpx_fast) ------------- */

/* Map writes per batch call: bounds the buffers (a fast copy is 64 bytes,
 * an address key 16). */
#define DP_BATCH	8192

static int batch_update(int fd, const void *keys, const void *vals, __u32 n)
{
	LIBBPF_OPTS(bpf_map_batch_opts, o);
	__u32 cnt = n;

	if (bpf_map_update_batch(fd, keys, vals, &cnt, &o))
		return -errno;
	return cnt == n ? 0 : -EIO;
}

static int key_eq(const struct l2tpx_sess_key *a, const struct l2tpx_sess_key *b)
{
	return a->tunnel_id == b->tunnel_id && a->session_id == b->session_id;
}

/* Write a fast copy (struct l2tpx_fast / _fast4 / _fast6: the session key
 * first, {0, 0} for an empty slot) into slot of array fd.  An array write
 * is a plain copy that XDP may read half-done, so it takes two: the value
 * under the empty key (XDP meanwhile goes to the hash maps, already
 * written), then the same bytes with the key. */
static int slot_publish(int fd, __u32 slot, void *val)
{
	__u32 key;

	memcpy(&key, val, sizeof(key));
	memset(val, 0, sizeof(key));
	if (bpf_map_update_elem(fd, &slot, val, 0))
		return -errno;
	memcpy(val, &key, sizeof(key));
	return bpf_map_update_elem(fd, &slot, val, 0) ? -errno : 0;
}

/* Empty slot, whose current value is cur: one write of the key alone
 * changing, so XDP sees the copy or an empty slot. */
static int slot_empty(int fd, __u32 slot, void *cur)
{
	memset(cur, 0, sizeof(struct l2tpx_sess_key));
	return bpf_map_update_elem(fd, &slot, cur, 0) ? -errno : 0;
}

/* The copy of session key to write into its slot, in *f: 0, or -EBUSY when
 * another session holds the slot (this one is then found in l2tpx_sessions). */
static int fast_prepare(int fd, const struct l2tpx_sess_key *key,
			const struct l2tpx_session *val, __u32 slot, struct l2tpx_fast *f)
{
	struct l2tpx_fast cur;

	if (bpf_map_lookup_elem(fd, &slot, &cur))
		return -errno;
	if (key_u32(&cur.key) && !key_eq(&cur.key, key))
		return -EBUSY;
	memset(f, 0, sizeof(*f));
	f->key = *key;
	f->s = *val;
	return 0;
}

int dp_fast_get(int fd, __u32 mask, const struct l2tpx_sess_key *key, struct l2tpx_session *val)
{
	__u32 slot = fast_slot(mask, key);
	struct l2tpx_fast f;

	if (bpf_map_lookup_elem(fd, &slot, &f))
		return -errno;
	if (!key_u32(key) || !key_eq(&f.key, key))	/* {0, 0}: an empty slot's */
		return -ENOENT;
	*val = f.s;
	return 0;
}

int dp_fast_put(int fd, __u32 mask, const struct l2tpx_sess_key *key,
		const struct l2tpx_session *val)
{
	__u32 slot = fast_slot(mask, key);
	struct l2tpx_fast f;
	int err = fast_prepare(fd, key, val, slot, &f);

	return err ? err : slot_publish(fd, slot, &f);
}

static void fast_put(struct dp *dp, const struct l2tpx_sess_key *key,
		     const struct l2tpx_session *val)
{
	int err = dp_fast_put(dp->map_fd[M_FAST], dp->fast_mask, key, val);

	if (err && err != -EBUSY)
		log_warnx("dp: fast copy of session %u/%u: %s", ntohs(key->tunnel_id),
			  ntohs(key->session_id), strerror(-err));
}

int dp_fast_drop(int fd, __u32 mask, const struct l2tpx_sess_key *key)
{
	__u32 slot = fast_slot(mask, key);
	struct l2tpx_fast f;

	if (bpf_map_lookup_elem(fd, &slot, &f))
		return -errno;
	return key_eq(&f.key, key) ? slot_empty(fd, slot, &f) : 0;
}

static void fast_drop(struct dp *dp, const struct l2tpx_sess_key *key)
{
	int err = dp_fast_drop(dp->map_fd[M_FAST], dp->fast_mask, key);

	if (err)
		log_warnx("dp: fast copy of session %u/%u: %s", ntohs(key->tunnel_id),
			  ntohs(key->session_id), strerror(-err));
}

/* fast_put for n sessions with batched writes; buf holds n entries. */
static int fast_put_batch(struct dp *dp, const struct l2tpx_sess_key *keys,
			  const struct l2tpx_session *vals, __u32 n, __u32 *slots,
			  struct l2tpx_fast *buf)
{
	__u32 i, k = 0;
	int err;

	for (i = 0; i < n; i++) {
		slots[k] = fast_slot(dp->fast_mask, &keys[i]);
		if (!fast_prepare(dp->map_fd[M_FAST], &keys[i], &vals[i], slots[k], &buf[k]))
			k++;
	}
	if (!k)
		return 0;
	/* slot_publish's two steps, each as one batch. */
	for (i = 0; i < k; i++) {
		buf[i].pad = key_u32(&buf[i].key);
		memset(&buf[i].key, 0, sizeof(buf[i].key));
	}
	err = batch_update(dp->map_fd[M_FAST], slots, buf, k);
	for (i = 0; i < k && !err; i++) {
		memcpy(&buf[i].key, &buf[i].pad, sizeof(buf[i].key));
		buf[i].pad = 0;
	}
	return err ? err : batch_update(dp->map_fd[M_FAST], slots, buf, k);
}

/* ---- the fast copies of subscriber addresses (l2tpx_fast4/6) ---------- */

union fast_addr {
	struct l2tpx_fast4 f4;
	struct l2tpx_fast6 f6;
};

/* The slot of addr (4 or 16 bytes by family). */
static __u32 fast_addr_slot(__u32 mask, int family, const void *addr)
{
	__u32 low;

	memcpy(&low, (const __u8 *)addr + (family == AF_INET ? 0 : 12), sizeof(low));
	return l2tpx_fast_addr_slot(ntohl(low), mask);
}

/* Whether the copy cur is addr's. */
static bool fast_addr_holds(const union fast_addr *cur, int family, const void *addr)
{
	return key_u32(&cur->f4.d.key) &&
	       (family == AF_INET ? !memcmp(&cur->f4.addr, addr, 4)
				  : !memcmp(&cur->f6.addr, addr, 16));
}

int dp_fast_addr_put(int fd, __u32 mask, int family, const void *addr,
		     const struct l2tpx_sess_key *key)
{
	__u32 slot = fast_addr_slot(mask, family, addr);
	union fast_addr cur, v;

	if (bpf_map_lookup_elem(fd, &slot, &cur))
		return -errno;
	if (key_u32(&cur.f4.d.key) && !fast_addr_holds(&cur, family, addr))
		return -EBUSY;
	memset(&v, 0, sizeof(v));
	if (family == AF_INET) {
		v.f4.d.key = *key;
		memcpy(&v.f4.addr, addr, 4);
	} else {
		v.f6.d.key = *key;
		memcpy(&v.f6.addr, addr, 16);
	}
	return slot_publish(fd, slot, &v);
}

int dp_fast_addr_drop(int fd, __u32 mask, int family, const void *addr)
{
	__u32 slot = fast_addr_slot(mask, family, addr);
	union fast_addr cur;

	if (bpf_map_lookup_elem(fd, &slot, &cur))
		return -errno;
	return fast_addr_holds(&cur, family, addr) ? slot_empty(fd, slot, &cur) : 0;
}

/* The copy of a host address (/32, /128) in the maps; other prefixes have
 * none. */
static void fast_addr(struct dp *dp, const struct dp_prefix *p,
		      const struct l2tpx_sess_key *key)
{
	int m, err;

	if (!(p->family == AF_INET ? p->len == 32 : p->len == 128))
		return;
	m = p->family == AF_INET ? M_FAST4 : M_FAST6;
	err = key ? dp_fast_addr_put(dp->map_fd[m], dp->fast_mask, p->family, p->addr, key)
		  : dp_fast_addr_drop(dp->map_fd[m], dp->fast_mask, p->family, p->addr);
	if (err && err != -EBUSY) {
		char buf[64];

		log_warnx("dp: fast copy of address %s: %s",
			  prefix_str(p, buf, sizeof(buf)), strerror(-err));
	}
}

/* The fast arrays, mapped read-only for an audit. */
static void *fast_map(struct dp *dp, int m, size_t vsize, size_t *len)
{
	void *p;

	*len = (size_t)(dp->fast_mask + 1) * vsize;
	p = mmap(NULL, *len, PROT_READ, MAP_SHARED, dp->map_fd[m], 0);
	return p == MAP_FAILED ? NULL : p;
}

int dp_fast_audit(struct dp *dp, int (*cb)(const char *problem, void *arg), void *arg)
{
	const struct l2tpx_fast *fs;
	const union fast_addr *fa;
	struct l2tpx_session cur;
	struct l2tpx_dst d;
	char msg[160], buf[64];
	size_t len;
	int err = 0;

	fs = fast_map(dp, M_FAST, sizeof(*fs), &len);
	if (!fs)
		return -errno;
	for (__u32 i = 0; i <= dp->fast_mask && !err; i++) {
		bool missing;

		if (!key_u32(&fs[i].key))
			continue;
		missing = bpf_map_lookup_elem(dp->map_fd[M_SESSIONS], &fs[i].key, &cur) != 0;
		if (!missing) {
			cur.tx_ns = fs[i].s.tx_ns;	/* XDP's to advance */
			if (!memcmp(&cur, &fs[i].s, sizeof(cur)))
				continue;
		}
		snprintf(msg, sizeof(msg), "fast slot %u holds session %u/%u, %s", i,
			 ntohs(fs[i].key.tunnel_id), ntohs(fs[i].key.session_id),
			 missing ? "which is not in the maps" : "unlike its map entry");
		err = cb(msg, arg);
	}
	munmap((void *)fs, len);
	for (int fam = 0; fam < 2 && !err; fam++) {
		size_t vsize = fam ? sizeof(struct l2tpx_fast6) : sizeof(struct l2tpx_fast4);
		const __u8 *base = fast_map(dp, fam ? M_FAST6 : M_FAST4, vsize, &len);

		if (!base)
			return -errno;
		for (__u32 i = 0; i <= dp->fast_mask && !err; i++) {
			struct dp_prefix p = { .family = fam ? AF_INET6 : AF_INET,
					       .len = fam ? 128 : 32 };

			fa = (const union fast_addr *)(base + (size_t)i * vsize);
			if (!key_u32(&fa->f4.d.key))
				continue;
			memcpy(p.addr, fam ? (const void *)&fa->f6.addr : (const void *)&fa->f4.addr,
			       fam ? 16 : 4);
			if (!bpf_map_lookup_elem(dp->map_fd[fam ? M_DST6 : M_DST4], p.addr, &d) &&
			    key_eq(&d.key, &fa->f4.d.key))
				continue;
			snprintf(msg, sizeof(msg), "fast slot %u holds address %s of session %u/%u, "
				 "which the maps do not", i, prefix_str(&p, buf, sizeof(buf)),
				 ntohs(fa->f4.d.key.tunnel_id), ntohs(fa->f4.d.key.session_id));
			err = cb(msg, arg);
		}
		munmap((void *)base, len);
	}
	return err;
}

int dp_session_add(struct dp *dp, const struct l2tpx_sess_key *key,
		   struct l2tpx_session *val, const struct dp_prefix *pfx, int npfx)
{
	struct l2tpx_dst dst = { .key = *key };
	struct l2tpx_session old;
	char buf[64];
	int err, i;

	if (!bpf_map_lookup_elem(dp->map_fd[M_SESSIONS], key, &old))
		return -EEXIST;
	err = slots_build(dp);
	if (!err)
		err = slot_alloc(dp, key, &val->stats_idx);
	if (err)
		return err;
	if (bpf_map_update_elem(dp->map_fd[M_SESSIONS], key, val, BPF_NOEXIST))
		err = -errno;
	if (err) {
		slot_free(dp, val->stats_idx);
		return err;
	}
	fast_put(dp, key, val);
	for (i = 0; i < npfx; i++) {
		__u8 k[sizeof(struct l2tpx_lpm6_key)];
		size_t klen;
		int m = prefix_map(&pfx[i], k, &klen);

		if (!bpf_map_update_elem(dp->map_fd[m], k, &dst, BPF_NOEXIST)) {
			fast_addr(dp, &pfx[i], key);
		} else {
			err = -errno;
			log_warnx("dp: address %s: %s", prefix_str(&pfx[i], buf, sizeof(buf)),
				  err == -EEXIST ? "already belongs to another session"
						 : strerror(-err));
			goto unwind;
		}
	}
	own_add(dp, key, NULL);
	for (i = 0; i < npfx; i++)
		own_add(dp, key, &pfx[i]);
	return 0;
unwind:
	while (--i >= 0)
		prefix_del(dp, &pfx[i]);
	fast_drop(dp, key);
	bpf_map_delete_elem(dp->map_fd[M_SESSIONS], key);
	slot_free(dp, val->stats_idx);
	return err;
}

int dp_session_add_batch(struct dp *dp, const struct l2tpx_sess_key *keys,
			 struct l2tpx_session *vals, const struct dp_prefix *pfx, __u32 n,
			 __u32 *done)
{
	__u8 (*akeys)[16] = NULL;
	struct l2tpx_session old;
	struct l2tpx_dst *dsts = NULL;
	struct l2tpx_fast *fast = NULL;
	__u32 *slots = NULL, i, b, cnt;
	int err = 0, m;

	*done = 0;
	for (i = 0; i < n; i++) {
		if (!bpf_map_lookup_elem(dp->map_fd[M_SESSIONS], &keys[i], &old))
			return -EEXIST;
		if (!pfx)
			continue;
		if (!((pfx[i].family == AF_INET && pfx[i].len == 32) ||
		      (pfx[i].family == AF_INET6 && pfx[i].len == 128)))
			return -EINVAL;	/* prefixes: dp_prefix_add, one at a time */
		/* A batch write overwrites: refuse addresses someone owns. */
		if (!bpf_map_lookup_elem(dp->map_fd[pfx[i].family == AF_INET ? M_DST4 : M_DST6],
					 pfx[i].addr, &old))
			return -EEXIST;
	}
	err = slots_build(dp);
	if (err)
		return err;
	slots = calloc(DP_BATCH, sizeof(*slots));
	dsts = calloc(DP_BATCH, sizeof(*dsts));
	akeys = calloc(DP_BATCH, sizeof(*akeys));
	fast = calloc(DP_BATCH, sizeof(*fast));
	if (!slots || !dsts || !akeys || !fast) {
		err = -ENOMEM;
		goto out;
	}
	for (b = 0; b < n; b += cnt) {
		cnt = n - b < DP_BATCH ? n - b : DP_BATCH;
		for (i = 0; i < cnt; i++) {
			err = slot_alloc(dp, &keys[b + i], &vals[b + i].stats_idx);
			if (err) {
				while (i--)
					slot_free(dp, vals[b + i].stats_idx);
				goto out;
			}
		}
		/* Stats first (zeroed by slot_alloc), then sessions, then
		 * addresses: encap never finds an address whose session is
		 * missing. */
		err = batch_update(dp->map_fd[M_SESSIONS], &keys[b], &vals[b], cnt);
		if (!err)
			err = fast_put_batch(dp, &keys[b], &vals[b], cnt, slots, fast);
		if (!err && pfx) {
			/* One map per batch call: the address keys are split by family. */
			for (int fam = 0; fam < 2 && !err; fam++) {
				__u32 k = 0;

				for (i = 0; i < cnt; i++) {
					const struct dp_prefix *p = &pfx[b + i];

					if ((p->family == AF_INET6) != fam)
						continue;
					memcpy(akeys[k], p->addr, 16);
					dsts[k].key = keys[b + i];
					k++;
				}
				if (!k)
					continue;
				m = fam ? M_DST6 : M_DST4;
				if (!fam) {
					/* IPv4 keys are 4 bytes: pack them. */
					for (i = 0; i < k; i++)
						memmove((__u8 *)akeys + 4 * i, akeys[i], 4);
				}
				err = batch_update(dp->map_fd[m], akeys, dsts, k);
			}
			for (i = 0; i < cnt && !err; i++)
				fast_addr(dp, &pfx[b + i], &keys[b + i]);
		}
		if (err) {
			log_warnx("dp: batch install stopped after %u sessions: %s", *done,
				  strerror(-err));
			for (i = 0; i < cnt; i++) {
				if (pfx)
					prefix_del(dp, &pfx[b + i]);
				fast_drop(dp, &keys[b + i]);
				bpf_map_delete_elem(dp->map_fd[M_SESSIONS], &keys[b + i]);
				slot_free(dp, vals[b + i].stats_idx);
			}
			goto out;
		}
		for (i = 0; i < cnt; i++)
			own_add(dp, &keys[b + i], pfx ? &pfx[b + i] : NULL);
		*done += cnt;
	}
out:
	free(fast);
	free(akeys);
	free(dsts);
	free(slots);
	return err;
}

int dp_prefix_add(struct dp *dp, const struct l2tpx_sess_key *key, const struct dp_prefix *pfx)
{
	struct l2tpx_dst dst = { .key = *key };
	struct l2tpx_session v;
	__u8 k[sizeof(struct l2tpx_lpm6_key)];
	size_t klen;
	int m = prefix_map(pfx, k, &klen);

	if (bpf_map_lookup_elem(dp->map_fd[M_SESSIONS], key, &v))
		return -ENOENT;
	if (bpf_map_update_elem(dp->map_fd[m], k, &dst, BPF_NOEXIST))
		return -errno;
	fast_addr(dp, pfx, key);
	/* Only sessions this handle knows: a partial list would hide the rest. */
	if (own_slot(dp, key_u32(key)) && *own_slot(dp, key_u32(key)))
		own_add(dp, key, pfx);
	return 0;
}

int dp_prefix_del(struct dp *dp, const struct dp_prefix *pfx)
{
	__u32 owner = 0;
	int err;

	if (prefix_owner(dp, pfx, &owner))
		owner = 0;
	err = prefix_del(dp, pfx);
	if (!err && owner)
		own_forget_prefix(dp, owner, pfx);
	return err;
}

/* Every subscriber address in the maps, with its owner. */
struct owned_prefix {
	struct l2tpx_sess_key key;
	struct dp_prefix p;
};

static int prefixes_collect(struct dp *dp, struct owned_prefix **out, int *n)
{
	static const int maps[] = { M_DST4, M_DST6, M_LPM4, M_LPM6 };
	struct owned_prefix *v = NULL;
	int cap = 0, cnt = 0;

	for (size_t mi = 0; mi < sizeof(maps) / sizeof(maps[0]); mi++) {
		__u8 k[sizeof(struct l2tpx_lpm6_key)], nk[sizeof(k)];
		int fd = dp->map_fd[maps[mi]], more;
		struct l2tpx_dst d;

		more = !bpf_map_get_next_key(fd, NULL, k);
		while (more) {
			if (!bpf_map_lookup_elem(fd, k, &d)) {
				struct dp_prefix *p;

				if (cnt == cap) {
					struct owned_prefix *nv;

					cap = cap ? cap * 2 : 64;
					nv = realloc(v, cap * sizeof(*v));
					if (!nv) {
						free(v);
						return -ENOMEM;
					}
					v = nv;
				}
				v[cnt].key = d.key;
				p = &v[cnt].p;
				memset(p, 0, sizeof(*p));
				switch (maps[mi]) {
				case M_DST4:
					p->family = AF_INET, p->len = 32;
					memcpy(p->addr, k, 4);
					break;
				case M_DST6:
					p->family = AF_INET6, p->len = 128;
					memcpy(p->addr, k, 16);
					break;
				case M_LPM4:
					p->family = AF_INET;
					p->len = ((struct l2tpx_lpm4_key *)k)->prefixlen;
					memcpy(p->addr, &((struct l2tpx_lpm4_key *)k)->addr, 4);
					break;
				default:
					p->family = AF_INET6;
					p->len = ((struct l2tpx_lpm6_key *)k)->prefixlen;
					memcpy(p->addr, ((struct l2tpx_lpm6_key *)k)->addr, 16);
					break;
				}
				cnt++;
			}
			more = !bpf_map_get_next_key(fd, k, nk);
			memcpy(k, nk, sizeof(k));
		}
	}
	*out = v;
	*n = cnt;
	return 0;
}

int dp_session_del(struct dp *dp, const struct l2tpx_sess_key *key)
{
	struct dp_owned **pp = own_slot(dp, key_u32(key));
	struct owned_prefix *ps = NULL;
	struct l2tpx_session val;
	__u32 owner = 0;
	int n = 0, err, i;

	/* The copy first, even without a map session (one deleted behind our
	 * back): a copy left behind would keep forwarding. */
	fast_drop(dp, key);
	if (bpf_map_lookup_elem(dp->map_fd[M_SESSIONS], key, &val))
		return -ENOENT;
	/* Addresses first, so encap never finds an address without its session. */
	if (pp && *pp) {
		/* The addresses we gave it, each only if still its own. */
		for (i = 0; i < (*pp)->n; i++)
			if (!prefix_owner(dp, &(*pp)->p[i], &owner) && owner == key_u32(key))
				prefix_del(dp, &(*pp)->p[i]);
		own_forget(dp, key_u32(key));
	} else {
		err = prefixes_collect(dp, &ps, &n);
		if (err)
			return err;
		for (i = 0; i < n; i++)
			if (key_eq(&ps[i].key, key))
				prefix_del(dp, &ps[i].p);
		free(ps);
	}
	if (bpf_map_delete_elem(dp->map_fd[M_SESSIONS], key))
		return -errno;
	slot_free(dp, val.stats_idx);
	return 0;
}

/* A session as the programs see it: l2tpx_sessions, with the Ns counter
 * of its fast copy, which encap advances there. */
int dp_session_get(struct dp *dp, const struct l2tpx_sess_key *key, struct l2tpx_session *val)
{
	struct l2tpx_session f;

	if (bpf_map_lookup_elem(dp->map_fd[M_SESSIONS], key, val))
		return -errno;
	if (!dp_fast_get(dp->map_fd[M_FAST], dp->fast_mask, key, &f))
		val->tx_ns = f.tx_ns;
	return 0;
}

int dp_session_set_peer_port(struct dp *dp, const struct l2tpx_sess_key *key, __be16 port)
{
	struct l2tpx_session v;

	if (dp_session_get(dp, key, &v))
		return -ENOENT;
	v.peer_port = port;
	/* One value write: XDP sees the old or the new port, never a mix. */
	if (bpf_map_update_elem(dp->map_fd[M_SESSIONS], key, &v, BPF_EXIST))
		return -errno;
	fast_put(dp, key, &v);
	return 0;
}

/* A session's counters over all CPUs, read through the mapping. */
static int sess_stats_sum(struct dp *dp, __u32 idx, struct l2tpx_sess_stats *sum)
{
	const struct l2tpx_sess_stats *pc = &dp->sst[idx];
	int i;

	memset(sum, 0, sizeof(*sum));
	if ((size_t)idx + dp->ncpus > dp->sst_len / sizeof(*pc))
		return -ERANGE;
	for (i = 0; i < dp->ncpus; i++) {
		sum->rx_packets += pc[i].rx_packets;
		sum->rx_bytes += pc[i].rx_bytes;
		sum->tx_packets += pc[i].tx_packets;
		sum->tx_bytes += pc[i].tx_bytes;
		sum->rx_drops += pc[i].rx_drops;
		sum->tx_punts += pc[i].tx_punts;
	}
	return 0;
}

int dp_session_foreach(struct dp *dp, int (*cb)(const struct dp_session_info *, void *),
		       void *arg)
{
	struct owned_prefix *ps = NULL;
	struct dp_session_info info;
	struct dp_prefix *mine;
	struct l2tpx_sess_key k, nk;
	int n = 0, err, more, i;

	err = prefixes_collect(dp, &ps, &n);
	if (err)
		return err;
	mine = calloc(n ? n : 1, sizeof(*mine));
	if (!mine) {
		free(ps);
		return -ENOMEM;
	}
	more = !bpf_map_get_next_key(dp->map_fd[M_SESSIONS], NULL, &k);
	while (more && !err) {
		memset(&info, 0, sizeof(info));
		info.key = k;
		if (!bpf_map_lookup_elem(dp->map_fd[M_SESSIONS], &k, &info.val)) {
			sess_stats_sum(dp, info.val.stats_idx, &info.stats);
			info.pfx = mine;
			for (i = 0; i < n; i++)
				if (key_eq(&ps[i].key, &k))
					mine[info.npfx++] = ps[i].p;
			err = cb(&info, arg);
		}
		more = !bpf_map_get_next_key(dp->map_fd[M_SESSIONS], &k, &nk);
		k = nk;
	}
	free(mine);
	free(ps);
	return err;
}

int dp_reason_stats(struct dp *dp, struct l2tpx_counter *out)
{
	struct l2tpx_counter *pc = calloc(dp->ncpus, sizeof(*pc));
	__u32 r;
	int i;

	if (!pc)
		return -ENOMEM;
	for (r = 0; r < L2TPX_R_MAX; r++) {
		out[r].packets = out[r].bytes = 0;
		if (bpf_map_lookup_elem(dp->map_fd[M_REASONS], &r, pc))
			continue;
		for (i = 0; i < dp->ncpus; i++) {
			out[r].packets += pc[i].packets;
			out[r].bytes += pc[i].bytes;
		}
	}
	free(pc);
	return 0;
}
