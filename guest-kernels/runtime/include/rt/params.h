/*
 * rt/params.h - test parameters: the words of boot_info.cmdline, each
 * "key=value" (or a bare "key"), separated by spaces.
 */
#ifndef RT_PARAMS_H
#define RT_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Copies the value of the first word "key=value" into val (NUL-terminated,
 * cut to size); true if the key is present ("" for a bare "key"). */
bool rt_param(const char *key, char *val, size_t size);

/* Parses s as a decimal or 0x-prefixed hexadecimal number into *out;
 * false if s is empty, has other characters, or overflows. */
bool rt_parse_u64(const char *s, uint64_t *out);

/* The value of key as a number, dflt if absent. A value that is not a
 * number ends the test with ERROR (a broken test configuration). */
uint64_t rt_param_u64(const char *key, uint64_t dflt);

#endif
