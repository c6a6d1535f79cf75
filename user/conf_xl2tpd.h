/* SPDX-License-Identifier: GPL-2.0 */
/* xl2tpd compatibility: xl2tpd.conf, the pppd options file it names
 * (pppoptfile) and xl2tpd's l2tp-secrets, read into struct conf.  Every
 * warning and error names file:line; see docs/CONFIG.md for each key. */
#ifndef L2TPX_CONF_XL2TPD_H
#define L2TPX_CONF_XL2TPD_H

#include <stddef.h>
#include "conf.h"

#define XL2TPD_CONF		"/etc/xl2tpd/xl2tpd.conf"
#define XL2TPD_SECRETS		"/etc/xl2tpd/l2tp-secrets"

/* Read an xl2tpd.conf on top of c (defaults or a native file already in
 * it), then the pppoptfile of each section and the auth file.  0, or -1 with
 * "file:line: what" in err.  Unknown keys and options are warnings. */
int conf_xl2tpd_load(const char *path, struct conf *c, char *err, size_t errlen);

/* pppd options (one file, with its `file` includes) for the LNS profile
 * (lac NULL) or for one [lac]; 0 or -1 with file:line in err.  Used by
 * conf_xl2tpd_load; exposed for the tests. */
int conf_pppd_options_load(const char *path, struct conf *c, struct conf_lac *lac, char *err,
			   size_t errlen);

/* xl2tpd's l2tp-secrets ("us them secret", `*` wildcards) into tunnel
 * secrets: them `*` the default secret, an address a [peer] secret, a
 * name a Host Name secret; only entries whose `us` is `*` or our hostname.
 * 0 or -1 with file:line in err. */
int conf_l2tp_secrets_load(const char *path, struct conf *c, char *err, size_t errlen);

/* For each [lac] with a user and no password, the password from
 * chap-secrets, else pap-secrets (client = user): what pppd would send.
 * Call after the secrets paths are final.  0, or -1 with the reason. */
int conf_xl2tpd_lac_passwords(struct conf *c, char *err, size_t errlen);

#endif
