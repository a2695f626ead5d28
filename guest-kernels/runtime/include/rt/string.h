/*
 * rt/string.h - the few string and memory functions guests need.
 * memset/memcpy/memmove/memcmp also exist unprefixed, because the compiler
 * may emit calls to them for structure copies and initialisers.
 */
#ifndef RT_STRING_H
#define RT_STRING_H

#include <stddef.h>

void *memset(void *dst, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

size_t rt_strlen(const char *s);
size_t rt_strnlen(const char *s, size_t max);
int rt_strcmp(const char *a, const char *b);
int rt_strncmp(const char *a, const char *b, size_t n);
/* Copies at most size - 1 bytes and always terminates (size > 0);
 * returns strlen(src). */
size_t rt_strlcpy(char *dst, const char *src, size_t size);

#endif
