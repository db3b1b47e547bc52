/* SPDX-License-Identifier: GPL-2.0 */
#ifndef FHOOK_TEST_H
#define FHOOK_TEST_H

long fhook_test_replacement(long a, long b);
long fhook_test_replacement2(long a, long b);

#endif
