/*
 * int128.c - 128-bit unsigned division, which GCC calls for `unsigned
 * __int128` '/' and '%' and which libgcc would otherwise provide (the
 * hypervisor links no libgcc). Time and rate conversions use it, e.g.
 * ticks * 10^9 / hz, where the product overflows 64 bits.
 *
 * Fast paths: both operands 64-bit (one DIV), or a 64-bit divisor with a
 * quotient that fits 64 bits (one DIVQ of the 128-bit dividend). Otherwise
 * shift-and-subtract, one bit at a time.
 */
#include <stdint.h>

typedef unsigned __int128 u128;

u128 __udivti3(u128 n, u128 d);
u128 __umodti3(u128 n, u128 d);

static u128 divmod(u128 n, u128 d, u128 *rem)
{
	uint64_t nh = (uint64_t)(n >> 64), nl = (uint64_t)n;

	if (d == 0)
		__builtin_trap();
	if ((d >> 64) == 0 && nh < (uint64_t)d) {
		uint64_t q, r;
		__asm__("divq %4" : "=a"(q), "=d"(r) : "a"(nl), "d"(nh), "r"((uint64_t)d));
		*rem = r;
		return q;
	}
	u128 q = 0, r = 0;
	for (int i = 127; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= (u128)1 << i;
		}
	}
	*rem = r;
	return q;
}

u128 __udivti3(u128 n, u128 d)
{
	u128 r;
	return divmod(n, d, &r);
}

u128 __umodti3(u128 n, u128 d)
{
	u128 r;
	divmod(n, d, &r);
	return r;
}
