// SPDX-License-Identifier: MIT
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "busid.h"

static const struct {
	const char *in;
	const char *guest;
	const char *host;
	enum vfc_busid_form form;
} valid[] = {
	{ "0.0.1a12", "0.0.1a12", "fe.0.1a12", VFC_BUSID_FORM_GUEST },
	{ "0.0.1A12", "0.0.1a12", "fe.0.1a12", VFC_BUSID_FORM_GUEST },
	{ "fe.0.1a12", "0.0.1a12", "fe.0.1a12", VFC_BUSID_FORM_HOST },
	{ "FE.1.0042", "0.1.0042", "fe.1.0042", VFC_BUSID_FORM_HOST },
	{ "fE.3.FfFf", "0.3.ffff", "fe.3.ffff", VFC_BUSID_FORM_HOST },
	{ "0.1.42", "0.1.0042", "fe.1.0042", VFC_BUSID_FORM_GUEST },
	{ "0.2.0", "0.2.0000", "fe.2.0000", VFC_BUSID_FORM_GUEST },
	{ "00.3.abc", "0.3.0abc", "fe.3.0abc", VFC_BUSID_FORM_GUEST },
	{ "1a12", "0.0.1a12", "fe.0.1a12", VFC_BUSID_FORM_SHORT },
	{ "0", "0.0.0000", "fe.0.0000", VFC_BUSID_FORM_SHORT },
	{ "FFFF", "0.0.ffff", "fe.0.ffff", VFC_BUSID_FORM_SHORT },
	{ "42", "0.0.0042", "fe.0.0042", VFC_BUSID_FORM_SHORT },
};

static const struct {
	const char *in;
	int err;
} invalid[] = {
	{ "", -EINVAL },
	{ "0x1a12", -EINVAL },	  /* no C prefixes */
	{ "0.0.0x1a", -EINVAL },
	{ "1a12x", -EINVAL },	  /* trailing junk */
	{ "0.0.1a12 ", -EINVAL }, /* trailing blank */
	{ " 0.0.1a12", -EINVAL },
	{ "0.0.1a12\n", -EINVAL },
	{ "0.0.1a120", -EINVAL }, /* five digits */
	{ "01a12", -EINVAL },
	{ "0.4.1a12", -ERANGE },  /* subchannel sets are 0-3 */
	{ "fe.f.0001", -ERANGE },
	{ "0.10.0001", -EINVAL }, /* ssid is one digit */
	{ "1.0.1a12", -ERANGE },  /* only css 0 (guest) or fe (host) */
	{ "ff.0.1a12", -ERANGE },
	{ "fe0.0.1a12", -EINVAL },
	{ "100.0.1a12", -EINVAL },
	{ "0.0.", -EINVAL },
	{ ".0.1a12", -EINVAL },
	{ "0..1a12", -EINVAL },
	{ "0.0", -EINVAL },
	{ "0.0.1a12.", -EINVAL },
	{ "0.0.1a12.5", -EINVAL },
	{ "0.0.g000", -EINVAL },
	{ "-1", -EINVAL },
	{ "+1a12", -EINVAL },
	{ "0.0.1a12-0.0.1a13", -EINVAL }, /* a range is not an ID */
	{ "share0", -EINVAL },
};

static void test_valid(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		char buf[VFC_BUSID_STRLEN];
		struct vfc_busid id;
		enum vfc_busid_form form;
		const char *reason = "unset";

		assert_int_equal(vfc_busid_parse(valid[i].in, &id, &form, &reason), 0);
		assert_string_equal(vfc_busid_format(&id, buf), valid[i].guest);
		assert_string_equal(vfc_busid_format_host(&id, buf), valid[i].host);
		assert_int_equal(form, valid[i].form);
		assert_string_equal(reason, "unset"); /* untouched on success */
		assert_true(vfc_busid_is_valid(valid[i].in));
	}
}

static void test_invalid(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
		struct vfc_busid id = { .ssid = 7, .devno = 7 };
		const char *reason = NULL;

		assert_int_equal(vfc_busid_parse(invalid[i].in, &id, NULL, &reason),
				 invalid[i].err);
		assert_non_null(reason);
		assert_true(strlen(reason) > 10);
		/* Output untouched on failure. */
		assert_int_equal(id.ssid, 7);
		assert_int_equal(id.devno, 7);
		assert_false(vfc_busid_is_valid(invalid[i].in));
	}
	assert_int_equal(vfc_busid_parse(NULL, NULL, NULL, NULL), -EINVAL);
}

static void test_reasons(void **state)
{
	const char *reason;

	(void)state;
	assert_int_equal(vfc_busid_parse("0.4.0001", NULL, NULL, &reason), -ERANGE);
	assert_string_equal(reason, "subchannel set must be 0-3");
	assert_int_equal(vfc_busid_parse("2.0.0001", NULL, NULL, &reason), -ERANGE);
	assert_non_null(strstr(reason, "fe (host view)"));
	assert_int_equal(vfc_busid_parse("12345", NULL, NULL, &reason), -EINVAL);
	assert_non_null(strstr(reason, "1-4 hex digits"));
}

/* Every ID in every subchannel set, in all three spellings, survives a round trip. */
static void test_round_trip_exhaustive(void **state)
{
	(void)state;
	for (unsigned int ssid = 0; ssid <= VFC_BUSID_SSID_MAX; ssid++) {
		for (unsigned int devno = 0; devno <= 0xffff; devno++) {
			struct vfc_busid id = { ssid, devno }, back;
			char guest[VFC_BUSID_STRLEN], host[VFC_BUSID_STRLEN], upper[VFC_BUSID_STRLEN];

			vfc_busid_format(&id, guest);
			vfc_busid_format_host(&id, host);
			if (vfc_busid_parse(guest, &back, NULL, NULL) != 0 ||
			    vfc_busid_cmp(&id, &back) != 0)
				fail_msg("guest form %s did not round-trip", guest);
			if (vfc_busid_parse(host, &back, NULL, NULL) != 0 ||
			    vfc_busid_cmp(&id, &back) != 0)
				fail_msg("host form %s did not round-trip", host);
			for (size_t i = 0; i < sizeof(upper); i++)
				upper[i] = (char)(host[i] >= 'a' ? host[i] - 32 : host[i]);
			if (vfc_busid_parse(upper, &back, NULL, NULL) != 0 ||
			    vfc_busid_cmp(&id, &back) != 0)
				fail_msg("%s did not parse", upper);
			if (ssid == 0 &&
			    (vfc_busid_parse(guest + 4, &back, NULL, NULL) != 0 ||
			     vfc_busid_cmp(&id, &back) != 0))
				fail_msg("short form %s did not round-trip", guest + 4);
		}
	}
}

static void test_range(void **state)
{
	struct vfc_busid a, b;
	char buf[VFC_BUSID_STRLEN];
	const char *reason;

	(void)state;
	assert_int_equal(vfc_busid_parse_range("0.0.0000-0.0.1a11", &a, &b, NULL), 0);
	assert_string_equal(vfc_busid_format(&a, buf), "0.0.0000");
	assert_string_equal(vfc_busid_format(&b, buf), "0.0.1a11");
	assert_int_equal(vfc_busid_parse_range("0.1.1234", &a, &b, NULL), 0);
	assert_int_equal(vfc_busid_cmp(&a, &b), 0);
	assert_int_equal(vfc_busid_parse_range("0.0.ffff-0.1.0000", &a, &b, NULL), 0);
	assert_int_equal(vfc_busid_cmp(&a, &b), -1);
	assert_int_equal(vfc_busid_parse_range("0.0.2000-0.0.1000", &a, &b, &reason), -ERANGE);
	assert_non_null(strstr(reason, "range"));
	assert_int_equal(vfc_busid_parse_range("0.0.1000-", &a, &b, NULL), -EINVAL);
	assert_int_equal(vfc_busid_parse_range("-0.0.1000", &a, &b, NULL), -EINVAL);
	assert_int_equal(vfc_busid_parse_range("0.0.1000-0.0.2000-0.0.3000", &a, &b, NULL),
			 -EINVAL);
	assert_int_equal(vfc_busid_parse_range("0.0.00001-0.0.2", &a, &b, NULL), -EINVAL);
}

static void test_cmp(void **state)
{
	struct vfc_busid a = { 0, 0xffff }, b = { 1, 0 }, c = { 1, 0 };

	(void)state;
	assert_true(vfc_busid_cmp(&a, &b) < 0);
	assert_true(vfc_busid_cmp(&b, &a) > 0);
	assert_int_equal(vfc_busid_cmp(&b, &c), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_round_trip_exhaustive),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_cmp),
	};

	return cmocka_run_group_tests_name("busid", tests, NULL, NULL);
}
