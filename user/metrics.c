// SPDX-License-Identifier: GPL-2.0
/* The Prometheus text exposition of l2tpx's counters, and the collection of
 * those counters from the daemon's objects and from the data plane. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dp.h"
#include "l2tp.h"
#include "metrics.h"
#include "ppp.h"
#include "udp.h"

/* ---- text buffer ---- */

void mbuf_free(struct mbuf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

static bool mbuf_reserve(struct mbuf *b, size_t more)
{
	size_t cap = b->cap ? b->cap : 4096;
	char *np;

	if (b->oom)
		return false;
	if (b->len + more + 1 <= b->cap)
		return true;
	while (cap < b->len + more + 1)
		cap *= 2;
	np = realloc(b->p, cap);
	if (!np) {
		b->oom = true;
		return false;
	}
	b->p = np;
	b->cap = cap;
	return true;
}

/* Formatted straight into the free space; only when it does not fit,
 * grow and format again. */
void mbuf_printf(struct mbuf *b, const char *fmt, ...)
{
	size_t room = b->p ? b->cap - b->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? b->p + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= room) {
		if (!mbuf_reserve(b, n))
			return;
		va_start(ap, fmt);
		vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
		va_end(ap);
	}
	b->len += n;
}

static void mbuf_put(struct mbuf *b, const char *s, size_t n)
{
	if (!n || !mbuf_reserve(b, n))
		return;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void metrics_label_escape(struct mbuf *b, const char *s)
{
	while (*s) {
		size_t plain = strcspn(s, "\\\"\n");

		mbuf_put(b, s, plain);
		s += plain;
		if (!*s)
			break;
		mbuf_put(b, *s == '\\' ? "\\\\" : *s == '"' ? "\\\"" : "\\n", 2);
		s++;
	}
}

/* ---- the control plane's table: JSON key, metric, fixed label, help ---- */

static const struct {
	const char *key;
	const char *metric;
	const char *label;	/* name="value" or NULL */
	bool gauge;
	const char *help;
} ctl_fields[MC_MAX] = {
	[MC_RX_CONTROL] = { "rx_control", "l2tpx_control_messages_received_total", NULL, false,
			    "L2TP control messages received" },
	[MC_RX_DATA] = { "rx_data", "l2tpx_slow_data_received_total", NULL, false,
			 "L2TP data messages that reached the daemon (slow path)" },
	[MC_RX_BAD_HEADER] = { "rx_bad_header", "l2tpx_rx_errors_total", "error=\"bad-header\"",
			       false, "L2TP messages the daemon dropped, by error" },
	[MC_RX_UNKNOWN_TUNNEL] = { "rx_unknown_tunnel", "l2tpx_rx_errors_total",
				   "error=\"unknown-tunnel\"", false, NULL },
	[MC_RX_DATA_UNKNOWN_SESSION] = { "rx_data_unknown_session", "l2tpx_rx_errors_total",
					 "error=\"unknown-session\"", false, NULL },
	[MC_RX_PARSE_ERRORS] = { "rx_parse_errors", "l2tpx_rx_errors_total",
				 "error=\"parse\"", false, NULL },
	[MC_SCCRQ_REFUSED_LIMIT] = { "sccrq_refused_limit", "l2tpx_sccrq_refused_total",
				     "why=\"max-tunnels\"", false,
				     "SCCRQs refused or dropped before a tunnel was made, by why" },
	[MC_SCCRQ_DROPPED_PENDING] = { "sccrq_dropped_pending", "l2tpx_sccrq_refused_total",
				       "why=\"max-pending\"", false, NULL },
	[MC_SCCRQ_DROPPED_RATE] = { "sccrq_dropped_rate", "l2tpx_sccrq_refused_total",
				    "why=\"rate\"", false, NULL },
	[MC_TUNNELS_CREATED] = { "tunnels_created", "l2tpx_tunnel_setups_total", NULL, false,
				 "tunnels set up (either role), established or not" },
	[MC_TUNNELS_ESTABLISHED] = { "tunnels_established", "l2tpx_tunnels_established_total",
				     NULL, false, "tunnels that reached established" },
	[MC_TUNNELS_FAILED] = { "tunnels_failed", "l2tpx_tunnel_failures_total", NULL, false,
				"tunnels lost to a setup deadline or an unacknowledging peer" },
	[MC_SESSIONS_CREATED] = { "sessions_created", "l2tpx_session_setups_total", NULL, false,
				  "calls set up (either role), established or not" },
	[MC_SESSIONS_ESTABLISHED] = { "sessions_established",
				      "l2tpx_sessions_established_total", NULL, false,
				      "calls that reached established" },
	[MC_SESSIONS_REFUSED] = { "sessions_refused", "l2tpx_sessions_refused_total", NULL, false,
				  "incoming calls refused (limits, unknown mandatory AVPs, OCRQ)" },
	[MC_RETRANSMISSIONS] = { "retransmissions", "l2tpx_control_retransmits_total", NULL,
				 false, "control messages sent again (all tunnels, past and present)" },
	[MC_AUTH_OK] = { "auth_ok", "l2tpx_ppp_auth_total", "result=\"ok\"", false,
			 "PPP authentications of peers, by result" },
	[MC_AUTH_FAILURES] = { "auth_failures", "l2tpx_ppp_auth_total", "result=\"fail\"", false,
			       NULL },
	[MC_HANDOFFS] = { "handoffs", "l2tpx_session_handoffs_total", "result=\"ok\"", false,
			  "sessions put into the data plane, by result" },
	[MC_HANDOFF_FAILURES] = { "handoff_failures", "l2tpx_session_handoffs_total",
				  "result=\"fail\"", false, NULL },
	[MC_LCP_ECHO_DROPPED] = { "lcp_echo_dropped", "l2tpx_lcp_echo_dropped_total", NULL, false,
				  "peers' LCP Echo-Requests over lcp_echo_rate, not answered" },
	[MC_TUNNELS] = { "tunnels", "l2tpx_tunnels", NULL, true,
			 "tunnels the daemon holds (any state)" },
	[MC_TUNNELS_PENDING] = { "tunnels_pending", "l2tpx_tunnels_pending", NULL, true,
				 "tunnels not yet established" },
	[MC_SESSIONS] = { "sessions", "l2tpx_sessions", NULL, true,
			  "calls the daemon holds (any state)" },
	[MC_POOL_SIZE] = { "pool_size", "l2tpx_pool_addresses", "state=\"total\"", true,
			   "IPv4 subscriber pool addresses, by state" },
	[MC_POOL_USED] = { "pool_used", "l2tpx_pool_addresses", "state=\"used\"", true, NULL },
};

static const char *const result_keys[MR_MAX] = { "stopccn_sent", "stopccn_received", "cdn_sent",
						  "cdn_received" };

const char *metrics_ctl_key(enum metrics_ctl_id id)
{
	return id < MC_MAX ? ctl_fields[id].key : "?";
}

json_object *metrics_ctl_to_json(const struct metrics_ctl *c)
{
	json_object *o = json_object_new_object(), *res = json_object_new_object();

	for (int i = 0; i < MC_MAX; i++)
		json_object_object_add(o, ctl_fields[i].key, json_object_new_int64(c->v[i]));
	for (int k = 0; k < MR_MAX; k++) {
		json_object *r = json_object_new_object();

		for (int s = 0; s < METRICS_RESULT_SLOTS; s++) {
			char code[8];

			if (!c->result[k][s])
				continue;
			snprintf(code, sizeof(code), "%d", s);
			json_object_object_add(r, code, json_object_new_int64(c->result[k][s]));
		}
		json_object_object_add(res, result_keys[k], r);
	}
	json_object_object_add(o, "results", res);
	return o;
}

void metrics_ctl_from_json(json_object *o, struct metrics_ctl *c)
{
	json_object *v, *res, *r;

	memset(c, 0, sizeof(*c));
	for (int i = 0; i < MC_MAX; i++)
		if (json_object_object_get_ex(o, ctl_fields[i].key, &v))
			c->v[i] = json_object_get_int64(v);
	if (!json_object_object_get_ex(o, "results", &res))
		return;
	for (int k = 0; k < MR_MAX; k++) {
		if (!json_object_object_get_ex(res, result_keys[k], &r) ||
		    !json_object_is_type(r, json_type_object))
			continue;
		json_object_object_foreach(r, code, n) {
			long s = strtol(code, NULL, 10);

			if (s >= 0 && s < METRICS_RESULT_SLOTS)
				c->result[k][s] = json_object_get_int64(n);
		}
	}
}

/* ---- the exposition ---- */

static void family(struct mbuf *b, const char *name, const char *type, const char *help)
{
	mbuf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void sess_labels(struct mbuf *b, const struct metrics_session *s)
{
	mbuf_printf(b, "tunnel_id=\"%u\",session_id=\"%u\",peer=\"", s->tunnel_id, s->session_id);
	metrics_label_escape(b, s->peer);
	mbuf_put(b, "\",user=\"", 8);
	metrics_label_escape(b, s->user);
	mbuf_put(b, "\"", 1);
}

/* Every session's label set, escaped once for all its families. */
struct labels {
	struct mbuf text;
	size_t *off;		/* [nsessions + 1] */
};

static int labels_build(struct labels *lb, const struct metrics_input *in)
{
	memset(lb, 0, sizeof(*lb));
	lb->off = calloc(in->nsessions + 1, sizeof(*lb->off));
	if (!lb->off)
		return -ENOMEM;
	for (size_t i = 0; i < in->nsessions && !in->no_sessions; i++) {
		lb->off[i] = lb->text.len;
		sess_labels(&lb->text, &in->sessions[i]);
	}
	lb->off[in->nsessions] = lb->text.len;
	return lb->text.oom ? -ENOMEM : 0;
}

static void labels_free(struct labels *lb)
{
	mbuf_free(&lb->text);
	free(lb->off);
}

/* One per-session family: for each session that has it, one sample per
 * direction (or one without a direction when rx_off is the only one). */
static void sess_family(struct mbuf *b, const struct metrics_input *in, const struct labels *lb,
			const char *name, const char *help, bool slow, size_t rx_off, size_t tx_off)
{
	size_t nlen = strlen(name);

	family(b, name, "counter", help);
	for (size_t i = 0; i < in->nsessions; i++) {
		const struct metrics_session *s = &in->sessions[i];
		const uint8_t *base = slow ? (const uint8_t *)s : (const uint8_t *)&s->st;

		if (slow ? !s->daemon : !s->fast)
			continue;
		for (int d = 0; d < 2; d++) {
			size_t off = d ? tx_off : rx_off;

			if (off == (size_t)-1)
				continue;
			mbuf_put(b, name, nlen);
			mbuf_put(b, "{", 1);
			mbuf_put(b, lb->text.p + lb->off[i], lb->off[i + 1] - lb->off[i]);
			if (tx_off != (size_t)-1)
				mbuf_put(b, d ? ",direction=\"tx\"" : ",direction=\"rx\"", 15);
			mbuf_printf(b, "} %llu\n", (unsigned long long)*(const uint64_t *)(base + off));
		}
	}
}

#define NONE ((size_t)-1)
#define SOFF(f) offsetof(struct l2tpx_sess_stats, f)
#define MOFF(f) offsetof(struct metrics_session, f)

int metrics_format(const struct metrics_input *in, struct mbuf *b)
{
	static const char *const result_metric[MR_MAX] = {
		"l2tpx_stopccn_total", "l2tpx_stopccn_total", "l2tpx_cdn_total", "l2tpx_cdn_total"
	};
	static const char *const result_dir[MR_MAX] = { "sent", "received", "sent", "received" };
	struct labels lb;

	if (labels_build(&lb, in)) {
		labels_free(&lb);
		return -ENOMEM;
	}

	family(b, "l2tpx_up", "gauge",
	       "1 for each source that answered: the data plane (maps) and the daemon");
	mbuf_printf(b, "l2tpx_up{source=\"dataplane\"} %d\n", in->reasons ? 1 : 0);
	mbuf_printf(b, "l2tpx_up{source=\"daemon\"} %d\n", in->ctl ? 1 : 0);

	if (in->reasons) {
		family(b, "l2tpx_dp_packets_total", "counter",
		       "packets by the data plane's verdict (docs/REASONS.md)");
		for (unsigned int r = 0; r < L2TPX_R_MAX; r++)
			mbuf_printf(b, "l2tpx_dp_packets_total{reason=\"%s\"} %llu\n",
				    dp_reason_name(r), (unsigned long long)in->reasons[r].packets);
		family(b, "l2tpx_dp_bytes_total", "counter",
		       "bytes by the data plane's verdict (docs/REASONS.md)");
		for (unsigned int r = 0; r < L2TPX_R_MAX; r++)
			mbuf_printf(b, "l2tpx_dp_bytes_total{reason=\"%s\"} %llu\n",
				    dp_reason_name(r), (unsigned long long)in->reasons[r].bytes);
		family(b, "l2tpx_dp_sessions", "gauge", "sessions in the data plane's maps");
		mbuf_printf(b, "l2tpx_dp_sessions %u\n", in->dp_sessions);
	}

	if (in->ctl) {
		const char *prev = NULL;

		for (int i = 0; i < MC_MAX; i++) {
			if (!prev || strcmp(prev, ctl_fields[i].metric))
				family(b, ctl_fields[i].metric, ctl_fields[i].gauge ? "gauge" : "counter",
				       ctl_fields[i].help);
			prev = ctl_fields[i].metric;
			if (ctl_fields[i].label)
				mbuf_printf(b, "%s{%s} %llu\n", ctl_fields[i].metric, ctl_fields[i].label,
					    (unsigned long long)in->ctl->v[i]);
			else
				mbuf_printf(b, "%s %llu\n", ctl_fields[i].metric,
					    (unsigned long long)in->ctl->v[i]);
		}
		for (int k = 0; k < MR_MAX; k++) {
			if (k == MR_STOPCCN_SENT)
				family(b, result_metric[k], "counter",
				       "StopCCN messages by direction and result code (RFC 2661 4.4.2)");
			if (k == MR_CDN_SENT)
				family(b, result_metric[k], "counter",
				       "CDN messages by direction and result code (RFC 2661 4.4.2)");
			for (int s = 0; s < METRICS_RESULT_SLOTS; s++)
				if (in->ctl->result[k][s])
					mbuf_printf(b, "%s{direction=\"%s\",result=\"%d\"} %llu\n",
						    result_metric[k], result_dir[k], s,
						    (unsigned long long)in->ctl->result[k][s]);
		}

		family(b, "l2tpx_tunnel_sessions", "gauge", "calls on each tunnel");
		for (size_t i = 0; i < in->ntunnels; i++) {
			mbuf_printf(b, "l2tpx_tunnel_sessions{tunnel_id=\"%u\",peer=\"",
				    in->tunnels[i].tunnel_id);
			metrics_label_escape(b, in->tunnels[i].peer);
			mbuf_printf(b, "\"} %llu\n", (unsigned long long)in->tunnels[i].sessions);
		}
		family(b, "l2tpx_tunnel_retransmits_total", "counter",
		       "control messages each tunnel sent again");
		for (size_t i = 0; i < in->ntunnels; i++) {
			mbuf_printf(b, "l2tpx_tunnel_retransmits_total{tunnel_id=\"%u\",peer=\"",
				    in->tunnels[i].tunnel_id);
			metrics_label_escape(b, in->tunnels[i].peer);
			mbuf_printf(b, "\"} %llu\n",
				    (unsigned long long)in->tunnels[i].retransmissions);
		}
		family(b, "l2tpx_tunnel_duplicates_total", "counter",
		       "control messages each tunnel received twice");
		for (size_t i = 0; i < in->ntunnels; i++) {
			mbuf_printf(b, "l2tpx_tunnel_duplicates_total{tunnel_id=\"%u\",peer=\"",
				    in->tunnels[i].tunnel_id);
			metrics_label_escape(b, in->tunnels[i].peer);
			mbuf_printf(b, "\"} %llu\n", (unsigned long long)in->tunnels[i].duplicates);
		}
		if (!in->no_sessions)
			sess_family(b, in, &lb, "l2tpx_session_slow_packets_total",
				    "PPP frames of each call through the daemon (slow path)", true,
				    MOFF(slow_rx_packets), MOFF(slow_tx_packets));
	}

	if (in->reasons && !in->no_sessions) {
		sess_family(b, in, &lb, "l2tpx_session_fast_packets_total",
			    "inner packets of each session through the fast path", false,
			    SOFF(rx_packets), SOFF(tx_packets));
		sess_family(b, in, &lb, "l2tpx_session_fast_bytes_total",
			    "inner IP bytes of each session through the fast path", false,
			    SOFF(rx_bytes), SOFF(tx_bytes));
		sess_family(b, in, &lb, "l2tpx_session_fast_drops_total",
			    "packets from each session's peer dropped (wrong peer, spoofed, malformed)",
			    false, SOFF(rx_drops), NONE);
		sess_family(b, in, &lb, "l2tpx_session_fast_punts_total",
			    "packets toward each session left to the kernel/slow path", false,
			    SOFF(tx_punts), NONE);
	}
	labels_free(&lb);
	return b->oom ? -ENOMEM : 0;
}

/* ---- collection ---- */

struct metrics_session *metrics_session_add(struct metrics_input *in)
{
	if (in->nsessions == in->capsessions) {
		size_t cap = in->capsessions ? in->capsessions * 2 : 64;
		struct metrics_session *n = realloc(in->sessions, cap * sizeof(*n));

		if (!n)
			return NULL;
		in->sessions = n;
		in->capsessions = cap;
	}
	memset(&in->sessions[in->nsessions], 0, sizeof(in->sessions[0]));
	return &in->sessions[in->nsessions++];
}

void metrics_input_free(struct metrics_input *in)
{
	free(in->tunnels);
	free(in->sessions);
	in->tunnels = NULL;
	in->sessions = NULL;
	in->ntunnels = in->nsessions = in->capsessions = 0;
}

void metrics_collect_ctl(struct metrics_ctl *c, struct l2tp *l, const struct ppp_ctx *ppp)
{
	const struct l2tp_stats *st = &l->stats;
	uint64_t retrans = st->retransmits_closed;

	memset(c, 0, sizeof(*c));
	for (int i = 1; i < 65536; i++)
		if (l->tunnels[i])
			retrans += l->tunnels[i]->rdt.n_retransmitted;
	c->v[MC_RX_CONTROL] = st->rx_control;
	c->v[MC_RX_DATA] = st->rx_data;
	c->v[MC_RX_BAD_HEADER] = st->rx_bad_header;
	c->v[MC_RX_UNKNOWN_TUNNEL] = st->rx_unknown_tunnel;
	c->v[MC_RX_DATA_UNKNOWN_SESSION] = st->rx_data_unknown_session;
	c->v[MC_RX_PARSE_ERRORS] = st->rx_parse_errors;
	c->v[MC_SCCRQ_REFUSED_LIMIT] = st->sccrq_refused_limit;
	c->v[MC_SCCRQ_DROPPED_PENDING] = st->sccrq_dropped_pending;
	c->v[MC_SCCRQ_DROPPED_RATE] = st->sccrq_dropped_rate;
	c->v[MC_TUNNELS_CREATED] = st->tunnels_created;
	c->v[MC_TUNNELS_ESTABLISHED] = st->tunnels_established;
	c->v[MC_TUNNELS_FAILED] = st->tunnels_failed;
	c->v[MC_SESSIONS_CREATED] = st->sessions_created;
	c->v[MC_SESSIONS_ESTABLISHED] = st->sessions_established;
	c->v[MC_SESSIONS_REFUSED] = st->sessions_refused;
	c->v[MC_RETRANSMISSIONS] = retrans;
	c->v[MC_TUNNELS] = l->ntunnels;
	c->v[MC_TUNNELS_PENDING] = l->npending;
	c->v[MC_SESSIONS] = l->nsessions;
	if (ppp) {
		c->v[MC_AUTH_OK] = ppp->auth_ok;
		c->v[MC_AUTH_FAILURES] = ppp->auth_failures;
		c->v[MC_HANDOFFS] = ppp->handoffs;
		c->v[MC_HANDOFF_FAILURES] = ppp->handoff_failures;
		c->v[MC_LCP_ECHO_DROPPED] = ppp->echo_dropped;
		c->v[MC_POOL_SIZE] = ppp->pool.size;
		c->v[MC_POOL_USED] = ppp->pool.in_use;
	}
	memcpy(c->result[MR_STOPCCN_SENT], st->stopccn_sent, sizeof(st->stopccn_sent));
	memcpy(c->result[MR_STOPCCN_RECEIVED], st->stopccn_received, sizeof(st->stopccn_received));
	memcpy(c->result[MR_CDN_SENT], st->cdn_sent, sizeof(st->cdn_sent));
	memcpy(c->result[MR_CDN_RECEIVED], st->cdn_received, sizeof(st->cdn_received));
}

int metrics_collect_daemon(struct metrics_input *in, struct metrics_ctl *c, struct l2tp *l,
			   const struct ppp_ctx *ppp)
{
	size_t nt = 0;

	in->tunnels = calloc(l->ntunnels ? l->ntunnels : 1, sizeof(*in->tunnels));
	if (!in->tunnels)
		return -ENOMEM;
	for (int i = 1; i < 65536; i++) {
		struct l2tp_tunnel *t = l->tunnels[i];
		struct metrics_tunnel *mt;

		if (!t)
			continue;
		if (nt < l->ntunnels) {
			mt = &in->tunnels[nt++];
			mt->tunnel_id = t->id;
			udp_ep_str(&t->peer, mt->peer, sizeof(mt->peer));
			mt->sessions = t->nsessions;
			mt->retransmissions = t->rdt.n_retransmitted;
			mt->duplicates = t->rdt.n_duplicates;
		}
		for (struct l2tp_session *s = t->sessions; s; s = s->tnext) {
			struct metrics_session *ms = metrics_session_add(in);

			if (!ms)
				return -ENOMEM;
			ms->tunnel_id = t->id;
			ms->session_id = s->id;
			udp_ep_str(&t->peer, ms->peer, sizeof(ms->peer));
			if (ppp && l->sops == &ppp_l2tp_ops && s->upper)
				snprintf(ms->user, sizeof(ms->user), "%s",
					 ppp_user((const struct ppp_session *)s->upper));
			ms->daemon = true;
			ms->slow_rx_packets = s->rx_data;
			ms->slow_tx_packets = s->tx_data;
		}
	}
	in->ntunnels = nt;
	metrics_collect_ctl(c, l, ppp);
	in->ctl = c;
	return 0;
}

static int sess_cmp(const void *a, const void *b)
{
	const struct metrics_session *x = a, *y = b;
	uint32_t kx = (uint32_t)x->tunnel_id << 16 | x->session_id;
	uint32_t ky = (uint32_t)y->tunnel_id << 16 | y->session_id;

	return kx < ky ? -1 : kx > ky;
}

struct dp_merge {
	struct metrics_input *in;
	size_t nsorted;		/* the daemon's calls, sorted; static ones follow */
};

static int dp_one(const struct dp_session_info *si, void *arg)
{
	struct dp_merge *m = arg;
	struct metrics_input *in = m->in;
	struct metrics_session key = { .tunnel_id = ntohs(si->key.tunnel_id),
				       .session_id = ntohs(si->key.session_id) };
	struct metrics_session *ms;
	uint16_t tid = key.tunnel_id, sid = key.session_id;

	in->dp_sessions++;
	ms = m->nsorted ? bsearch(&key, in->sessions, m->nsorted, sizeof(key), sess_cmp) : NULL;
	if (!ms) {
		struct udp_ep ep = { .addr = si->val.peer, .port = ntohs(si->val.peer_port) };

		ms = metrics_session_add(in);
		if (!ms)
			return -ENOMEM;
		ms->tunnel_id = tid;
		ms->session_id = sid;
		udp_ep_str(&ep, ms->peer, sizeof(ms->peer));
	}
	ms->fast = true;
	ms->st = si->stats;
	return 0;
}

int metrics_collect_dp(struct metrics_input *in, struct l2tpx_counter *reasons, struct dp *dp)
{
	int err = dp_reason_stats(dp, reasons);
	struct dp_merge m = { .in = in, .nsorted = in->nsessions };

	if (err)
		return err;
	in->reasons = reasons;
	if (in->nsessions)
		qsort(in->sessions, in->nsessions, sizeof(in->sessions[0]), sess_cmp);
	return dp_session_foreach(dp, dp_one, &m);
}

int metrics_render_daemon(struct mbuf *out, struct l2tp *l, const struct ppp_ctx *ppp,
			  struct dp *dp)
{
	struct l2tpx_counter reasons[L2TPX_R_MAX];
	struct metrics_input in = { .no_sessions = !l->conf->metrics_sessions };
	struct metrics_ctl c;
	int err = metrics_collect_daemon(&in, &c, l, ppp);

	if (!err && dp)
		err = metrics_collect_dp(&in, reasons, dp);
	if (!err)
		err = metrics_format(&in, out);
	metrics_input_free(&in);
	return err;
}
