/*
 * console.h - the hypervisor's console: the physical serial line (COM1).
 *
 * console_write() writes bytes as they are, translating "\n" to "\r\n". It
 * does not lock; log.c serialises whole lines.
 */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <stddef.h>
#include <stdbool.h>

void console_init(void);
void console_write(const char *s, size_t n);
/* Input: enables the receive interrupt; reads one waiting byte (false if
 * none). */
void console_enable_rx_interrupt(void);
bool console_read_byte(char *c);

#endif
