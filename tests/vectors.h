/* SPDX-License-Identifier: GPL-2.0 */
/* ../shared/testdata/vectors.json for cmocka tests: load it once per group,
 * find a vector by id, read its fields. */
#ifndef L2TPX_TEST_VECTORS_H
#define L2TPX_TEST_VECTORS_H

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "testdata.h"

static json_object *vectors;

static inline int vectors_load(void)
{
	char path[PATH_MAX];

	if (!testdata_dir()) {
		fprintf(stderr, "# ../shared/testdata not found (L2TPX_TESTDATA names it)\n");
		return -1;
	}
	snprintf(path, sizeof(path), "%.4000s/vectors.json", testdata_dir());
	vectors = json_object_from_file(path);
	return vectors ? 0 : -1;
}

static inline void vectors_free(void)
{
	json_object_put(vectors);
	vectors = NULL;
}

static inline json_object *vec(const char *id)
{
	json_object *arr, *e, *v;

	assert_true(json_object_object_get_ex(vectors, "vectors", &arr));
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		e = json_object_array_get_idx(arr, i);
		if (json_object_object_get_ex(e, "id", &v) &&
		    !strcmp(json_object_get_string(v), id))
			return e;
	}
	fail_msg("vector %s not in vectors.json", id);
	return NULL;
}

static inline const char *vstr(json_object *e, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(e, key, &v))
		fail_msg("vector field %s missing", key);
	return json_object_get_string(v);
}

static inline int vint(json_object *e, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(e, key, &v))
		fail_msg("vector field %s missing", key);
	return json_object_get_int(v);
}

/* A hex field as bytes; fails the test when it is not hex or too long. */
static inline size_t vhex(json_object *e, const char *key, uint8_t *out, size_t cap)
{
	ssize_t n = unhex(vstr(e, key), out, cap);

	if (n < 0)
		fail_msg("vector field %s: not hex, or longer than %zu octets", key, cap);
	return (size_t)n;
}

#endif
