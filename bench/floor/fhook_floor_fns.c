// SPDX-License-Identifier: GPL-2.0
/*
 * fhook_floor_fns: 100 traceable functions that nothing calls,
 * fhook_floor_fn000 to fhook_floor_fn099, for make bench's h10 and h100
 * configurations: 10 or 100 hooks on disjoint functions, one of them on
 * the function the benchmark calls and the others here, so that what is
 * measured is the cost of many registered ftrace_ops, not of their
 * callbacks.
 *
 * Each returns a different value so that the compiler cannot fold them
 * into one (identical code folding would leave one traceable function);
 * __used keeps them although nothing calls them, noinline keeps them
 * functions of their own.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/compiler.h>
#include <linux/module.h>

#define FLOOR_FN(t, u)						\
static noinline __used int fhook_floor_fn0##t##u(int x)		\
{								\
	return x + (t) * 10 + (u);				\
}

FLOOR_FN(0, 0) FLOOR_FN(0, 1) FLOOR_FN(0, 2) FLOOR_FN(0, 3) FLOOR_FN(0, 4)
FLOOR_FN(0, 5) FLOOR_FN(0, 6) FLOOR_FN(0, 7) FLOOR_FN(0, 8) FLOOR_FN(0, 9)
FLOOR_FN(1, 0) FLOOR_FN(1, 1) FLOOR_FN(1, 2) FLOOR_FN(1, 3) FLOOR_FN(1, 4)
FLOOR_FN(1, 5) FLOOR_FN(1, 6) FLOOR_FN(1, 7) FLOOR_FN(1, 8) FLOOR_FN(1, 9)
FLOOR_FN(2, 0) FLOOR_FN(2, 1) FLOOR_FN(2, 2) FLOOR_FN(2, 3) FLOOR_FN(2, 4)
FLOOR_FN(2, 5) FLOOR_FN(2, 6) FLOOR_FN(2, 7) FLOOR_FN(2, 8) FLOOR_FN(2, 9)
FLOOR_FN(3, 0) FLOOR_FN(3, 1) FLOOR_FN(3, 2) FLOOR_FN(3, 3) FLOOR_FN(3, 4)
FLOOR_FN(3, 5) FLOOR_FN(3, 6) FLOOR_FN(3, 7) FLOOR_FN(3, 8) FLOOR_FN(3, 9)
FLOOR_FN(4, 0) FLOOR_FN(4, 1) FLOOR_FN(4, 2) FLOOR_FN(4, 3) FLOOR_FN(4, 4)
FLOOR_FN(4, 5) FLOOR_FN(4, 6) FLOOR_FN(4, 7) FLOOR_FN(4, 8) FLOOR_FN(4, 9)
FLOOR_FN(5, 0) FLOOR_FN(5, 1) FLOOR_FN(5, 2) FLOOR_FN(5, 3) FLOOR_FN(5, 4)
FLOOR_FN(5, 5) FLOOR_FN(5, 6) FLOOR_FN(5, 7) FLOOR_FN(5, 8) FLOOR_FN(5, 9)
FLOOR_FN(6, 0) FLOOR_FN(6, 1) FLOOR_FN(6, 2) FLOOR_FN(6, 3) FLOOR_FN(6, 4)
FLOOR_FN(6, 5) FLOOR_FN(6, 6) FLOOR_FN(6, 7) FLOOR_FN(6, 8) FLOOR_FN(6, 9)
FLOOR_FN(7, 0) FLOOR_FN(7, 1) FLOOR_FN(7, 2) FLOOR_FN(7, 3) FLOOR_FN(7, 4)
FLOOR_FN(7, 5) FLOOR_FN(7, 6) FLOOR_FN(7, 7) FLOOR_FN(7, 8) FLOOR_FN(7, 9)
FLOOR_FN(8, 0) FLOOR_FN(8, 1) FLOOR_FN(8, 2) FLOOR_FN(8, 3) FLOOR_FN(8, 4)
FLOOR_FN(8, 5) FLOOR_FN(8, 6) FLOOR_FN(8, 7) FLOOR_FN(8, 8) FLOOR_FN(8, 9)
FLOOR_FN(9, 0) FLOOR_FN(9, 1) FLOOR_FN(9, 2) FLOOR_FN(9, 3) FLOOR_FN(9, 4)
FLOOR_FN(9, 5) FLOOR_FN(9, 6) FLOOR_FN(9, 7) FLOOR_FN(9, 8) FLOOR_FN(9, 9)

MODULE_DESCRIPTION("make bench: 100 traceable functions nothing calls");
MODULE_LICENSE("GPL");
