/*
 * console.h - the hypervisor's console: the physical serial line (COM1).
 *
 * console_write() writes bytes as they are, translating "\n" to "\r\n". It
 * does not lock; log.c serialises whole lines.
 */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <stddef.h>

void console_init(void);
void console_write(const char *s, size_t n);

#endif
